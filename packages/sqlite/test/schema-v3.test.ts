// A schema version 2 database (the tables the v2 release writes: migrations 1 and 2, which are
// append-only and unchanged) upgraded in place to version 3 on first use: every row kept and read
// as enabled without limits, limits and the audit trail working on it, and v2 code still running
// on the file (its INSERT names only v2 columns) not broken by the new columns.
import { createHash } from 'node:crypto';
import { createKeyward, type ProjectInfo } from '@keyward/core';
import { generateToken } from '@keyward/core/testing';
import { sqliteStore } from '@keyward/sqlite';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { MIGRATIONS } from '../src/migrations.js';
import { tempDatabase, type TempDatabase } from './temp-db.js';

const sha256 = (plaintext: string) => createHash('sha256').update(plaintext).digest('base64url');
const owner = { userId: 'user_1', organizationId: 'org_1', role: 'owner' } as const;
const resolveProject = (): ProjectInfo | null => null;
const V2_COLUMNS = 'id, organization_id, name, name_key, scope_kind, project_id, hash, hint, created_at, created_by, expires_at, last_used_at, permissions, metadata, previous_hash, previous_hint, previous_expires_at';

let file: TempDatabase;
let db: Database.Database;
const plaintexts: string[] = [];

/** A row as the v2 store writes it. */
function insertV2(handle: Database.Database, i: number): void {
  const plaintext = generateToken('kw');
  plaintexts[i] = plaintext;
  handle
    .prepare(`INSERT INTO keyward_tokens (${V2_COLUMNS}) VALUES (?, 'org_1', ?, ?, 'organization', NULL, ?, ?, ?, 'user_1', NULL, NULL, '["builds:read"]', '{"team":"web"}', NULL, NULL, NULL)`)
    .run(`tok_v2_${i}`, `Token ${i}`, `token ${i}`, sha256(plaintext), plaintext.slice(0, 7), 1_750_000_000_000 + i);
}

beforeEach(() => {
  file = tempDatabase();
  db = file.open();
  // Exactly what the v2 release's migrate() does: migrations 1 and 2 under their version table.
  db.exec('CREATE TABLE keyward_schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT');
  for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) {
    db.exec(migration.up('keyward_'));
    db.prepare('INSERT INTO keyward_schema_version VALUES (?, 0)').run(migration.version);
  }
  for (let i = 0; i < 3; i++) insertV2(db, i);
});
afterEach(() => file.remove());

test('a v2 file is upgraded in place: version 3 recorded once, rows kept, read as enabled and unlimited', async () => {
  const store = sqliteStore({ db });
  expect(db.prepare('SELECT version FROM keyward_schema_version ORDER BY version').pluck().all()).toEqual([1, 2, 3]);
  sqliteStore({ db: file.open() });
  expect(db.prepare('SELECT COUNT(*) FROM keyward_schema_version').pluck().get()).toBe(3);
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(store.findByHash(sha256(plaintexts[0]!))).toMatchObject({
    id: 'tok_v2_0',
    permissions: ['builds:read'],
    metadata: { team: 'web' },
    enabled: true,
    rateLimit: null,
    remaining: null,
    refill: null,
    refilledAt: null,
  });
});

test('upgraded tokens verify, and take a pause, credits, a rate limit and audit entries', async () => {
  const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject });
  expect((await keyward.verify(plaintexts[0]!)).ok).toBe(true);
  await keyward.update(owner, 'tok_v2_0', { enabled: false });
  expect(await keyward.verify(plaintexts[0]!)).toMatchObject({ ok: false, code: 'DISABLED' });
  await keyward.update(owner, 'tok_v2_1', { remaining: 1, rateLimit: { limit: 5, window: '1m' } });
  expect((await keyward.verify(plaintexts[1]!)).ok).toBe(true);
  expect(await keyward.verify(plaintexts[1]!)).toMatchObject({ ok: false, code: 'USAGE_EXHAUSTED' });
  expect((await keyward.auditLog(owner)).items.map((e) => e.action).sort()).toEqual(['paused', 'updated']);
  await keyward.close();
});

test('v2 code still running on the upgraded file keeps inserting: its rows are enabled and unlimited', async () => {
  const store = sqliteStore({ db });
  insertV2(file.open(), 3);
  expect(store.findByHash(sha256(plaintexts[3]!))).toMatchObject({ id: 'tok_v2_3', enabled: true, remaining: null });
});
