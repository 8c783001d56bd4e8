// The peer: better-auth 1.7.5 with its api-key plugin (@better-auth/api-key 1.7.5), configured as
// its documentation suggests for a server verifying keys, with the rate limit and the logger off.
// Keys are created through the plugin's own API (`auth.api.createApiKey`); a large key set is
// topped up with rows copied from such a key (new id, new key and its hash), inserted straight into
// the adapter's table, because creating 100 000 keys through the API would take minutes.
import { hash, randomBytes } from 'node:crypto';
import { apiKey } from '@better-auth/api-key';
import { betterAuth } from 'better-auth';
import { memoryAdapter } from 'better-auth/adapters/memory';
import { getMigrations } from 'better-auth/db/migration';
import type Database from 'better-sqlite3';

type VerifyAnswer = { valid: boolean };
export interface Peer {
  verify(key: string): Promise<VerifyAnswer>;
  /** Creates `count` keys (the first through the API, the rest copied) and returns `keep` of them. */
  fill(count: number, keep: number): Promise<string[]>;
  /** Rows written so far by the peer's SQLite connection (total_changes()), or null on memory. */
  writes(): number | null;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** A key shaped like the plugin's default ones: 64 letters. */
function randomKey(): string {
  let key = '';
  for (const byte of randomBytes(64)) key += LETTERS[byte % 52];
  return key;
}
/** The plugin's default key hasher: SHA-256, base64url without padding. */
const hashKey = (key: string) => hash('sha256', key, 'base64url');

function options() {
  return {
    secret: 'keyward-bench-secret-keyward-bench-secret',
    baseURL: 'http://127.0.0.1',
    logger: { disabled: true as const },
    telemetry: { enabled: false },
    plugins: [apiKey({ rateLimit: { enabled: false } })],
  };
}

interface AuthApi {
  api: {
    createApiKey(input: { body: { userId: string; name: string } }): Promise<{ key: string; id: string }>;
    verifyApiKey(input: { body: { key: string } }): Promise<VerifyAnswer>;
  };
  options: unknown;
}

async function createThroughApi(auth: AuthApi, name: string): Promise<{ key: string; id: string }> {
  return auth.api.createApiKey({ body: { userId: 'user_bench', name } });
}

/** better-auth on its memory adapter. */
export function memoryPeer(): Peer {
  const tables: Record<string, Array<Record<string, unknown>>> = { user: [], session: [], account: [], verification: [], apikey: [] };
  const auth = betterAuth({ ...options(), database: memoryAdapter(tables) }) as unknown as AuthApi;
  return {
    verify: (key) => auth.api.verifyApiKey({ body: { key } }),
    async fill(count, keep) {
      const kept: string[] = [];
      const first = await createThroughApi(auth, 'bench 0');
      kept.push(first.key);
      const template = tables.apikey!.find((row) => row.id === first.id)!;
      const every = Math.max(1, Math.floor(count / keep));
      for (let i = 1; i < count; i++) {
        const key = randomKey();
        const now = new Date();
        tables.apikey!.push({ ...template, id: randomBytes(24).toString('base64url'), name: `bench ${i}`, start: key.slice(0, 6), key: hashKey(key), createdAt: now, updatedAt: now });
        if (i % every === 0 && kept.length < keep) kept.push(key);
      }
      return kept;
    },
    writes: () => null,
  };
}

/** better-auth on SQLite (better-sqlite3, WAL), its tables made by its own migrations. */
export async function sqlitePeer(db: Database.Database): Promise<Peer> {
  db.pragma('journal_mode = WAL');
  const auth = betterAuth({ ...options(), database: db }) as unknown as AuthApi;
  const { runMigrations } = await getMigrations(auth.options as never);
  await runMigrations();
  const changes = db.prepare('SELECT total_changes()').pluck();
  return {
    verify: (key) => auth.api.verifyApiKey({ body: { key } }),
    async fill(count, keep) {
      const kept: string[] = [];
      const first = await createThroughApi(auth, 'bench 0');
      kept.push(first.key);
      const template = db.prepare('SELECT * FROM apikey WHERE id = ?').get(first.id) as Record<string, unknown>;
      const columns = Object.keys(template);
      const insert = db.prepare(`INSERT INTO apikey (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
      const every = Math.max(1, Math.floor(count / keep));
      const fillRange = db.transaction((from: number, to: number) => {
        for (let i = from; i < to; i++) {
          const key = randomKey();
          const now = new Date().toISOString();
          insert.run({ ...template, id: randomBytes(24).toString('base64url'), name: `bench ${i}`, start: key.slice(0, 6), key: hashKey(key), createdAt: now, updatedAt: now });
          if (i % every === 0 && kept.length < keep) kept.push(key);
        }
      });
      for (let from = 1; from < count; from += 10_000) fillRange(from, Math.min(count, from + 10_000));
      return kept;
    },
    writes: () => changes.get() as number,
  };
}

/** better-auth on PostgreSQL through its Kysely/pg adapter (the caller's node-postgres Pool), its tables made by its own migrations. */
export async function postgresPeer(pool: import('pg').Pool): Promise<Peer> {
  const auth = betterAuth({ ...options(), database: pool }) as unknown as AuthApi;
  const { runMigrations } = await getMigrations(auth.options as never);
  await runMigrations();
  return {
    verify: (key) => auth.api.verifyApiKey({ body: { key } }),
    async fill(count, keep) {
      const kept: string[] = [];
      const first = await createThroughApi(auth, 'bench 0');
      kept.push(first.key);
      const template = (await pool.query<Record<string, unknown>>('SELECT * FROM apikey WHERE id = $1', [first.id])).rows[0]!;
      const columns = Object.keys(template);
      const insert = `INSERT INTO apikey (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`;
      const every = Math.max(1, Math.floor(count / keep));
      for (let i = 1; i < count; i++) {
        const key = randomKey();
        const now = new Date();
        const row: Record<string, unknown> = { ...template, id: randomBytes(24).toString('base64url'), name: `bench ${i}`, start: key.slice(0, 6), key: hashKey(key), createdAt: now, updatedAt: now };
        await pool.query(insert, columns.map((c) => row[c]));
        if (i % every === 0 && kept.length < keep) kept.push(key);
      }
      return kept;
    },
    writes: () => null,
  };
}
