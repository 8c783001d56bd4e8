import { hash } from 'node:crypto';
import { memoryStore, toTokenInfo, isExpired, isWithinScope, type TokenRecord } from '@keyward/core';
import { tokenChecker } from '../../packages/core/src/token-format.js';
import { fill, shuffle } from './lib/fixtures.js';
import { pair } from './lib/measure.js';
import { keywardOn, checkLoop, floorLoop } from './sections/verify.js';
const store = memoryStore();
const tokens = shuffle(await fill(store, 1000, 1000)).map((t) => process.argv[3] === "flat" ? JSON.parse(JSON.stringify(t)) as string : t);
const map = new Map<string, any>();
for (const t of tokens) map.set(hash('sha256', t, 'base64url'), store.findByHash(hash('sha256', t, 'base64url')));
const kw = keywardOn(store);
const wf = tokenChecker('kw');
const n = tokens.length;
const T = {};
const loop = (f: (t: string) => boolean) => (ops: number) => { let c = 0; for (let i = 0; i < ops; i++) if (f(tokens[i % n]!)) c++; if (c !== ops) throw new Error('x'); };
const V: Record<string, any> = {
  floor: loop((t) => map.get(hash('sha256', t, 'base64url')) !== undefined),
  wf: loop((t) => wf(t) && map.get(hash('sha256', t, 'base64url')) !== undefined),
  store: loop((t) => wf(t) && store.findByHash(hash('sha256', t, 'base64url')) !== null),
  now: loop((t) => { if (!wf(t)) return false; const r = store.findByHash(hash('sha256', t, 'base64url')) as TokenRecord; return r !== null && !isExpired(r.expiresAt, Date.now()) && isWithinScope(r.organizationId, r.scope, T); }),
  info: loop((t) => { if (!wf(t)) return false; const r = store.findByHash(hash('sha256', t, 'base64url')) as TokenRecord; if (r === null || isExpired(r.expiresAt, Date.now()) || !isWithinScope(r.organizationId, r.scope, T)) return false; const x = { ok: true, token: toTokenInfo(r) }; return x.ok; }),
  check: checkLoop(kw, tokens),
};
const t = { rounds: 11, roundMs: 150 };
for (const k of (process.argv[2] ?? 'wf,store,now,info,check').split(',')) { const r = await pair(V.floor, V[k], t); console.log(k, (1 / r.ratio).toFixed(3), "floor ns", (1e9 / r.a).toFixed(0), "variant ns", (1e9 / r.b).toFixed(0)); }
await kw.close();
