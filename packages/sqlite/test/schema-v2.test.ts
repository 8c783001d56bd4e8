// Schema version 2: the plans the contract's cost promises rest on, and the constraints that keep
// a row's secrets consistent even against a store bug or a hand edit.
import { sqliteStore } from '@keyward/sqlite';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import type { TokenRecord } from '@keyward/core';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { betterSqlite3Driver } from '../src/drivers/better-sqlite3.js';
import { prepareStatements } from '../src/statements.js';
import { tempDatabase, type TempDatabase } from './temp-db.js';

// The SQLite store keeps the contract v3 limit fields: its records always carry them.
useLimitFields(true);

let file: TempDatabase;
beforeEach(() => {
  file = tempDatabase();
});
afterEach(() => file.remove());

const record = (overrides: Partial<TokenRecord> = {}) => makeRecord({ permissions: null, metadata: null, previous: null, ...overrides });

// On better-sqlite3 the driver's statements are better-sqlite3's own, which keep their SQL in `source`.
function plan(db: Database.Database, statement: object, ...params: unknown[]): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${(statement as { source: string }).source}`).all(...params) as { detail: string }[]).map((row) => row.detail);
}

async function errorOf(promise: Promise<unknown>): Promise<{ code?: string }> {
  return promise.then(
    () => ({ code: 'resolved' }),
    (error: { code?: string }) => error,
  );
}

describe('query plans', () => {
  let db: Database.Database;
  beforeEach(async () => {
    db = file.open();
    const store = sqliteStore({ db });
    // Enough rows, some rolled and some expiring, that a scan would not be the cheap choice by accident.
    for (let i = 0; i < 200; i++) {
      const r = record({ expiresAt: i % 3 === 0 ? null : 1_800_000_000_000 + (i % 7) });
      await store.insert(r);
      if (i % 10 === 0) await store.roll(r.organizationId, r.id, { hash: `rolled_${i}`, hint: 'kw_roll', previousExpiresAt: 1_900_000_000_000 });
    }
  });

  test('findByHash() is two unique-index lookups (hash, then previous_hash), not a scan', () => {
    const statements = prepareStatements(betterSqlite3Driver(db), 'keyward_');
    expect(plan(db, statements.findByHash, 'h', 'h')).toEqual([
      'MULTI-INDEX OR',
      'INDEX 1',
      'SEARCH keyward_tokens USING INDEX keyward_tokens_hash (hash=?)',
      'INDEX 2',
      'SEARCH keyward_tokens USING INDEX keyward_tokens_previous_hash (previous_hash=?)',
    ]);
  });

  test('listExpiring() pages are one range on (expires_at, id), bounded by the cursor\'s row value, with no sort', () => {
    const statements = prepareStatements(betterSqlite3Driver(db), 'keyward_');
    expect(plan(db, statements.expiringFirst, 0, 2_000_000_000_000, 11)).toEqual([
      'SEARCH keyward_tokens USING INDEX keyward_tokens_expiring (expires_at>? AND expires_at<?)',
    ]);
    expect(plan(db, statements.expiringAfter, 1_800_000_000_003, 'tok_x', 2_000_000_000_000, 11)).toEqual([
      'SEARCH keyward_tokens USING INDEX keyward_tokens_expiring ((expires_at,id)>(?,?) AND expires_at<?)',
    ]);
  });

  test('deleteExpired() is a range on the expiring index; roll() and update() find the row by its primary key', () => {
    const statements = prepareStatements(betterSqlite3Driver(db), 'keyward_');
    expect(plan(db, statements.deleteExpired, 1)).toEqual(['SEARCH keyward_tokens USING COVERING INDEX keyward_tokens_expiring (expires_at>? AND expires_at<?)']);
    const byId = ['SEARCH keyward_tokens USING INDEX sqlite_autoindex_keyward_tokens_1 (id=?)'];
    expect(plan(db, statements.roll, { organizationId: 'o', id: 'i', hash: 'h', hint: 'k', previousExpiresAt: null })).toEqual(byId);
    expect(plan(db, statements.update, { organizationId: 'o', id: 'i', setName: 1, name: 'n', nameKey: 'n', setMetadata: 0, metadata: null, setEnabled: 0, enabled: null, setRateLimit: 0, rateLimit: null, rateWindow: null, setRemaining: 0, remaining: null, setRefill: 0, refillAmount: null, refillInterval: null, setRefilledAt: 0, refilledAt: null })).toEqual(byId);
  });
});

describe('constraints', () => {
  test('the three previous_* columns are set together or not at all', async () => {
    const db = file.open();
    const store = sqliteStore({ db });
    const r = record();
    await store.insert(r);
    for (const set of ["previous_hash = 'p'", "previous_hint = 'kw_p'", 'previous_expires_at = 1', "previous_hash = 'p', previous_hint = 'kw_p'"]) {
      expect(() => db.prepare(`UPDATE keyward_tokens SET ${set} WHERE id = ?`).run(r.id), set).toThrow(/CHECK constraint failed/);
    }
    db.prepare(`UPDATE keyward_tokens SET previous_hash = 'p', previous_hint = 'kw_p', previous_expires_at = 1 WHERE id = ?`).run(r.id);
    expect((await store.get(r.organizationId, r.id))?.previous).toEqual({ hash: 'p', hint: 'kw_p', expiresAt: 1 });
  });

  test('permissions must be a JSON array and metadata a JSON object, when set', async () => {
    const db = file.open();
    const store = sqliteStore({ db });
    const r = record();
    await store.insert(r);
    for (const set of ["permissions = '{}'", "permissions = '[oops'", "permissions = 'null'", "metadata = '[]'", "metadata = '1'", "metadata = '{'"]) {
      expect(() => db.prepare(`UPDATE keyward_tokens SET ${set} WHERE id = ?`).run(r.id), set).toThrow(/CHECK constraint failed/);
    }
  });

  test('one hash cannot be the current secret of one token and the previous secret of another: insert and roll refuse it, writing nothing', async () => {
    const store = sqliteStore({ db: file.open() });
    const rolled = record();
    const other = record();
    await store.insert(rolled);
    await store.insert(other);
    await store.roll(rolled.organizationId, rolled.id, { hash: 'new_hash', hint: 'kw_new_', previousExpiresAt: 2_000_000_000_000 });

    // rolled.hash now verifies as rolled's previous secret: no one else may take it.
    const clash = record({ hash: rolled.hash });
    expect((await errorOf(store.insert(clash))).code).toBe('SQLITE_CONSTRAINT_TRIGGER');
    expect(await store.get(clash.organizationId, clash.id)).toBeNull();
    const carriesCurrent = record({ previous: { hash: other.hash, hint: 'kw_x', expiresAt: 1 } });
    expect((await errorOf(store.insert(carriesCurrent))).code).toBe('SQLITE_CONSTRAINT_TRIGGER');

    expect((await errorOf(store.roll(other.organizationId, other.id, { hash: rolled.hash, hint: 'kw_x', previousExpiresAt: null }))).code).toBe(
      'SQLITE_CONSTRAINT_TRIGGER',
    );
    expect((await errorOf(store.roll(other.organizationId, other.id, { hash: 'new_hash', hint: 'kw_x', previousExpiresAt: null }))).code).toBe(
      'SQLITE_CONSTRAINT_UNIQUE',
    );
    expect(await store.get(other.organizationId, other.id)).toEqual(other);
    expect((store.findByHash(rolled.hash) as TokenRecord | null)?.id).toBe(rolled.id);
  });
});
