import { hash } from 'node:crypto';
import { memoryStore, toTokenInfo, isExpired, isWithinScope, needsProjectLookup, type TokenRecord } from '@keyward/core';
import { tokenChecker } from '../../packages/core/src/token-format.js';
import { fill, shuffle } from './lib/fixtures.js';
import { pair } from './lib/measure.js';
import { floorLoop } from './sections/verify.js';
const store = memoryStore();
const tokens = shuffle(await fill(store, 1000, 1000));
const map = new Map<string, any>();
for (const t of tokens) map.set(hash('sha256', t, 'base64url'), store.findByHash(hash('sha256', t, 'base64url')));
const wf = tokenChecker('kw');
const n = 1000; const T = Object.freeze({});
const digest = (t: string) => hash('sha256', t, 'base64url');
const V: Record<string, (ops: number) => void> = {
  v1(ops) { let c = 0; for (let i = 0; i < ops; i++) { const t = tokens[i % n]!; if (!wf(t)) continue; const r = store.findByHash(digest(t)); if (r !== null) c++; } if (c !== ops) throw 1; },
  v2(ops) { let c = 0; for (let i = 0; i < ops; i++) { const t = tokens[i % n]!; if (!wf(t)) continue; const r = store.findByHash(digest(t)) as any; if (r === null) continue; if (typeof r.then === 'function') continue; c++; } if (c !== ops) throw 1; },
  v3(ops) { let c = 0; for (let i = 0; i < ops; i++) { const t = tokens[i % n]!; if (!wf(t)) continue; const r = store.findByHash(digest(t)) as TokenRecord; if (r === null) continue; if (typeof (r as any).then === 'function') continue; const now = Date.now(); if (isExpired(r.expiresAt, now)) continue; c++; } if (c !== ops) throw 1; },
  v4(ops) { let c = 0; for (let i = 0; i < ops; i++) { const t = tokens[i % n]!; if (!wf(t)) continue; const r = store.findByHash(digest(t)) as TokenRecord; if (r === null) continue; if (typeof (r as any).then === 'function') continue; const now = Date.now(); if (isExpired(r.expiresAt, now)) continue; if (needsProjectLookup(r.scope, T)) continue; if (!isWithinScope(r.organizationId, r.scope, T, undefined)) continue; c++; } if (c !== ops) throw 1; },
  v6(ops) { let c = 0; for (let i = 0; i < ops; i++) { const t = tokens[i % n]!; if (!wf(t)) continue; const r = store.findByHash(digest(t)) as TokenRecord; if (r === null) continue; if (typeof (r as any).then === 'function') continue; const now = Date.now(); if (isExpired(r.expiresAt, now)) continue; if (needsProjectLookup(r.scope, T)) continue; if (!isWithinScope(r.organizationId, r.scope, T, undefined)) continue; const x = { ok: true, token: toTokenInfo(r) }; if (x.ok) c++; } if (c !== ops) throw 1; },
};
const floor = floorLoop(tokens, (h) => map.get(h));
const t = { rounds: 15, roundMs: 100 };
for (const k of ['v1', 'v2', 'v3', 'v4', 'v6']) { const r = await pair(floor, V[k]!, t); console.log(k, (1 / r.ratio).toFixed(3), 'floor ns', (1e9 / r.a).toFixed(0)); }
