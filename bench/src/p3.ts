import { hash } from 'node:crypto';
import { memoryStore, type TokenRecord } from '@keyward/core';
import { fill, shuffle } from './lib/fixtures.js';
import { pair } from './lib/measure.js';
import { floorLoop } from './sections/verify.js';
const ORG = Object.freeze({ kind: 'organization' as const });
class Stored { id: string; organizationId: string; name: string; nameKey: string; scope: any; hash: string; hint: string; createdAt: number; createdBy: string; expiresAt: number | null; lastUsedAt: number | null; #res: any;
  constructor(r: TokenRecord) { this.id = r.id; this.organizationId = r.organizationId; this.name = r.name; this.nameKey = r.nameKey; this.scope = Object.freeze({ ...r.scope }); this.hash = r.hash; this.hint = r.hint; this.createdAt = r.createdAt; this.createdBy = r.createdBy; this.expiresAt = r.expiresAt; this.lastUsedAt = r.lastUsedAt; }
  result() { let r = this.#res; if (r === undefined || r.token.lastUsedAt !== this.lastUsedAt) { r = this.#res = Object.freeze({ ok: true, token: info(this) }); } return r; } }
function info(r: any) { return { id: r.id, organizationId: r.organizationId, name: r.name, scope: r.scope, hint: r.hint, createdAt: r.createdAt, createdBy: r.createdBy, expiresAt: r.expiresAt, lastUsedAt: r.lastUsedAt }; }
const store = memoryStore();
const tokens = shuffle(await fill(store, 1000, 1000));
const map = new Map<string, any>(); const map2 = new Map<string, Stored>();
for (const t of tokens) { const h = hash('sha256', t, 'base64url'); const r = store.findByHash(h) as TokenRecord; map.set(h, { ...r, scope: Object.freeze({ ...r.scope }) }); map2.set(h, new Stored(r)); }
const wm = new WeakMap<object, any>();
const floor = floorLoop(tokens, (h) => map.get(h));
const alloc = floorLoop(tokens, (h) => { const r = map.get(h); return r && { ok: true, token: info(r) }; });
const weak = floorLoop(tokens, (h) => { const r = map.get(h); if (!r) return undefined; let c = wm.get(r); if (c === undefined || c.token.lastUsedAt !== r.lastUsedAt) { c = Object.freeze({ ok: true, token: info(r) }); wm.set(r, c); } return c; });
const priv = floorLoop(tokens, (h) => { const r = map2.get(h); return r && r.result(); });
const t = { rounds: 15, roundMs: 150 };
for (const [n, w] of [['alloc', alloc], ['weak', weak], ['private', priv]] as const) console.log(n, (1 / (await pair(floor, w, t)).ratio).toFixed(3));
