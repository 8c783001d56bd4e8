import { unlinkSync } from 'node:fs';
import { ConfigurationError, StoreUnavailableError } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { tempDatabase, type TempDatabase } from './temp-db.js';

// The SQLite store keeps the contract v3 limit fields: its records always carry them.
useLimitFields(true);

let file: TempDatabase;
beforeEach(() => {
  file = tempDatabase();
});
afterEach(() => file.remove());

describe('sqliteStore specifics', () => {
  test('findByHash() answers synchronously, not with a promise', async () => {
    const store = sqliteStore({ db: file.open() });
    const record = makeRecord();
    await store.insert(record);
    const found = store.findByHash(record.hash);
    expect(found).not.toBeInstanceOf(Promise);
    expect(found).toEqual(record);
  });

  test('a hash already stored under another name is an error, neither ok nor name_taken, and writes nothing', async () => {
    const store = sqliteStore({ db: file.open() });
    const first = makeRecord();
    await store.insert(first);
    const clash = makeRecord({ hash: first.hash });
    const error = await store.insert(clash).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Database.SqliteError);
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect((error as { code: string }).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(await store.get(clash.organizationId, clash.id)).toBeNull();
  });

  test('instants come back as numbers even when the caller turned on safe integers', async () => {
    const db = file.open();
    db.defaultSafeIntegers(true);
    const store = sqliteStore({ db });
    const record = makeRecord({ expiresAt: 1_900_000_000_000, lastUsedAt: 1_800_000_000_000 });
    await store.insert(record);
    expect(store.findByHash(record.hash)).toEqual(record);
  });

  test('close() leaves the caller\'s handle open', async () => {
    const db = file.open();
    await sqliteStore({ db }).close?.();
    expect(db.open).toBe(true);
  });

  test('a db that is not a better-sqlite3 Database is a ConfigurationError naming db', () => {
    for (const db of [undefined, null, 'app.db', {}, { prepare() {} }]) {
      expect(() => sqliteStore({ db } as never)).toThrow(ConfigurationError);
      expect(() => sqliteStore({ db } as never)).toThrow(/\bdb\b/);
    }
    expect(() => sqliteStore(undefined as never)).toThrow(ConfigurationError);
  });

  test('the database passed positionally, sqliteStore(db), says to pass it as { db }', () => {
    const db = file.open();
    expect(() => sqliteStore(db as never)).toThrow(ConfigurationError);
    expect(() => sqliteStore(db as never)).toThrow('sqliteStore(options): pass the database as { db }: sqliteStore({ db })');
  });

  test('a closed db handle is a ConfigurationError naming db', () => {
    const db = file.open();
    db.close();
    expect(() => sqliteStore({ db })).toThrow(ConfigurationError);
    expect(() => sqliteStore({ db })).toThrow(/\bdb\b.*closed/);
  });

  test('a tablePrefix that is not a plain identifier is a ConfigurationError naming tablePrefix', () => {
    const db = file.open();
    for (const tablePrefix of ['', '1abc', 'a-b', 'a b', 'x; DROP TABLE y', 'é', 'a'.repeat(32), 42]) {
      expect(() => sqliteStore({ db, tablePrefix } as never)).toThrow(ConfigurationError);
      expect(() => sqliteStore({ db, tablePrefix } as never)).toThrow(/tablePrefix/);
    }
    expect(() => sqliteStore({ db, tablePrefix: `_${'a'.repeat(30)}` })).not.toThrow();
  });

  test('a write that meets another connection\'s lock waits for it off the event loop: the lock holder\'s timer runs, then the insert succeeds', async () => {
    const store = sqliteStore({ db: file.open() });
    const holder = file.open();
    holder.exec('BEGIN IMMEDIATE');
    // Only a free event loop can run this commit; a write blocking inside SQLite would wait out its busy timeout first.
    setTimeout(() => holder.exec('COMMIT'), 50);
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    expect(holder.inTransaction).toBe(false);
    expect(store.findByHash(record.hash)).toEqual(record);
  });

  test('a write that meets a lock held past its deadline rejects with StoreUnavailableError and writes nothing; the handle keeps its own busy timeout', async () => {
    const db = file.open({ timeout: 5000 });
    const store = sqliteStore({ db });
    const holder = file.open();
    holder.exec('BEGIN IMMEDIATE');
    const record = makeRecord();
    const error = await store.insert(record).then(
      () => null,
      (e: unknown) => e,
    );
    holder.exec('COMMIT');
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(String((error as Error).message)).toMatch(/insert/);
    expect(await store.get(record.organizationId, record.id)).toBeNull();
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  test('a database file renamed over or deleted under the store: writes throw StoreUnavailableError at once', async () => {
    const db = file.open();
    const store = sqliteStore({ db });
    await store.insert(makeRecord());
    unlinkSync(file.path);
    await expect(store.insert(makeRecord())).rejects.toBeInstanceOf(StoreUnavailableError);
    await store.close?.();
  });
});
