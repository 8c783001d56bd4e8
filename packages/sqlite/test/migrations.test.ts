import { ConfigurationError } from '@keyward/core';
import { SCHEMA_VERSION, sqliteStore } from '@keyward/sqlite';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { betterSqlite3Driver } from '../src/drivers/better-sqlite3.js';
import { MIGRATIONS, migrate, schemaVersion } from '../src/migrations.js';
import { tempDatabase, type TempDatabase } from './temp-db.js';

// The SQLite store keeps the contract v3 limit fields: its records always carry them.
useLimitFields(true);

let file: TempDatabase;
beforeEach(() => {
  file = tempDatabase();
});
afterEach(() => file.remove());

function versions(db: Database.Database, prefix = 'keyward_'): number[] {
  return db.prepare(`SELECT version FROM ${prefix}schema_version ORDER BY version`).pluck().all() as number[];
}

function objects(db: Database.Database): string[] {
  return db.prepare(`SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[];
}

describe('migrations', () => {
  test('the first store on a file creates the tables, indexes and records the schema version', () => {
    const db = file.open();
    sqliteStore({ db });
    expect(versions(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(schemaVersion(betterSqlite3Driver(db), 'keyward_')).toBe(SCHEMA_VERSION);
    expect(objects(db)).toEqual([
      'keyward_audit',
      'keyward_audit_at',
      'keyward_audit_org',
      'keyward_audit_token',
      'keyward_rate_limits',
      'keyward_schema_version',
      'keyward_tokens',
      'keyward_tokens_expiring',
      'keyward_tokens_hash',
      'keyward_tokens_hashes_unique_insert',
      'keyward_tokens_hashes_unique_update',
      'keyward_tokens_org_created',
      'keyward_tokens_org_name_key',
      'keyward_tokens_previous_hash',
      'keyward_tokens_project',
      'keyward_usage',
      'keyward_usage_day',
      'keyward_usage_org_day',
    ]);
  });

  test('a second store on the same file, through another handle, neither re-applies nor fails, and sees the data', async () => {
    const first = sqliteStore({ db: file.open() });
    const record = makeRecord();
    expect(await first.insert(record)).toBe('ok');

    const db = file.open();
    const second = sqliteStore({ db });
    expect(versions(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(second.findByHash(record.hash)).toEqual(record);
    expect(migrate(betterSqlite3Driver(db), 'keyward_')).toBe(SCHEMA_VERSION);
    expect(versions(db)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  test('stores with different table prefixes share a file without seeing each other', async () => {
    const db = file.open();
    const a = sqliteStore({ db, tablePrefix: 'a_' });
    const b = sqliteStore({ db, tablePrefix: 'B_2_' });
    const record = makeRecord();
    expect(await a.insert(record)).toBe('ok');
    expect(a.findByHash(record.hash)).toEqual(record);
    expect(b.findByHash(record.hash)).toBeNull();
    expect(versions(db, 'B_2_')).toEqual(MIGRATIONS.map((m) => m.version));
  });

  test('tables at a schema version newer than this package are refused with ConfigurationError', () => {
    const db = file.open();
    sqliteStore({ db });
    db.prepare('INSERT INTO keyward_schema_version (version, applied_at) VALUES (?, ?)').run(SCHEMA_VERSION + 1, Date.now());
    expect(() => sqliteStore({ db })).toThrow(ConfigurationError);
    expect(() => sqliteStore({ db })).toThrow(/tablePrefix "keyward_".*schema version/);
  });

  test('a file store switches the file to WAL and gives a handle without a busy timeout one', () => {
    const db = file.open({ timeout: 0 });
    sqliteStore({ db });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  test('a busy timeout the caller chose is kept', () => {
    const db = file.open({ timeout: 1234 });
    sqliteStore({ db });
    expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
  });

  test('an in-memory database works and keeps its journal mode', async () => {
    const db = new Database(':memory:');
    try {
      const store = sqliteStore({ db });
      const record = makeRecord();
      expect(await store.insert(record)).toBe('ok');
      expect(store.findByHash(record.hash)).toEqual(record);
      expect(db.pragma('journal_mode', { simple: true })).toBe('memory');
    } finally {
      db.close();
    }
  });
});
