import { hash } from 'node:crypto';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { sqliteStore } from '@keyward/sqlite';
import { fill, shuffle } from './lib/fixtures.js';
import { pair } from './lib/measure.js';
const db = new Database(join(mkdtempSync(join(tmpdir(), 'kw-')), 'x.db'));
const store = sqliteStore({ db });
const tokens = shuffle(await fill(store, 1000, 1000, { batch: (run) => db.transaction(run)() }));
const hashes = tokens.map((t) => hash('sha256', t, 'base64url'));
const cols = 'id, organization_id, name, name_key, scope_kind, project_id, hash, hint, created_at, created_by, expires_at, last_used_at';
const full = db.prepare(`SELECT ${cols} FROM keyward_tokens WHERE hash = ?`);
const raw = db.prepare(`SELECT ${cols} FROM keyward_tokens WHERE hash = ?`).raw();
const one = db.prepare(`SELECT id FROM keyward_tokens WHERE hash = ?`).pluck();
const exists = db.prepare(`SELECT 1 FROM keyward_tokens WHERE hash = ?`).pluck();
const n = 1000;
const L = (f: (h: string) => unknown) => (ops: number) => { for (let i = 0; i < ops; i++) if (f(hashes[i % n]!) === undefined) throw new Error('miss'); };
const base = L((h) => full.get(h));
for (const [k, w] of [['raw', L((h) => raw.get(h))], ['one col', L((h) => one.get(h))], ['exists (index only)', L((h) => exists.get(h))], ['hash+full', L((h) => full.get(hash('sha256', tokens[hashes.indexOf(h) >= 0 ? 0 : 0]!, 'base64url')) ?? 1)], ['store.findByHash', L((h) => store.findByHash(h) ?? undefined)]] as const) {
  const r = await pair(base, w, { rounds: 9, roundMs: 100 });
  console.log(k, 'full select µs', (1e6 / r.a).toFixed(2), k, 'µs', (1e6 / r.b).toFixed(2));
}
const lean = db.prepare(`SELECT id, organization_id, name, name_key, project_id, hint, created_at, created_by, expires_at, last_used_at FROM keyward_tokens WHERE hash = ?`).raw();
const leanObj = db.prepare(`SELECT id, organization_id, name, name_key, project_id, hint, created_at, created_by, expires_at, last_used_at FROM keyward_tokens WHERE hash = ?`);
for (const [k, w] of [['lean raw', L((h) => lean.get(h))], ['lean obj', L((h) => leanObj.get(h))]] as const) {
  const r = await pair(base, w, { rounds: 9, roundMs: 100 });
  console.log(k, 'full select µs', (1e6 / r.a).toFixed(2), k, 'µs', (1e6 / r.b).toFixed(2));
}
