import { writeFileSync } from 'node:fs';
import { createKeyward, StoreUnavailableError, type TokenStore } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';
import { makeRecord } from '@keyward/store-tests';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isUnavailableError, toStoreError } from '../src/unavailable.js';
import { tempDatabase, type TempDatabase } from './temp-db.js';

let file: TempDatabase;
beforeEach(() => {
  file = tempDatabase();
});
afterEach(() => file.remove());

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const owner = { userId: 'user_1', organizationId: 'org_1', role: 'owner' } as const;

/** Every write the contract has, each expected to reject. */
function writes(store: TokenStore, record: ReturnType<typeof makeRecord>): Array<[string, () => Promise<unknown>]> {
  return [
    ['insert', () => store.insert(makeRecord())],
    ['deleteMany', () => store.deleteMany(record.organizationId, [record.id])],
    ['deleteByProject', () => store.deleteByProject('proj_1')],
    ['deleteExpired', () => store.deleteExpired(Number.MAX_SAFE_INTEGER)],
    ['touch', () => store.touch([{ id: record.id, organizationId: record.organizationId, lastUsedAt: 1 }])],
    ['roll', () => store.roll(record.organizationId, record.id, { hash: 'rolled_hash', hint: 'kw_roll', previousExpiresAt: 1 })],
    ['update', () => store.update(record.organizationId, record.id, { name: 'Renamed', nameKey: 'renamed' })],
  ];
}

describe('a database that cannot answer throws StoreUnavailableError', () => {
  test('writes through a read-only handle', async () => {
    const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_1' }, expiresAt: 1 });
    await sqliteStore({ db: file.open() }).insert(record);
    const store = sqliteStore({ db: file.open({ readonly: true }) });
    expect(store.findByHash(record.hash)).toEqual(record);
    for (const [name, write] of writes(store, record)) {
      const error = await rejection(write());
      expect(error, name).toBeInstanceOf(StoreUnavailableError);
      expect((error as StoreUnavailableError).code).toBe('STORE_UNAVAILABLE');
      expect(((error as Error).cause as { code: string }).code, name).toMatch(/^SQLITE_READONLY/);
    }
    expect(sqliteStore({ db: file.open() }).findByHash(record.hash)).toEqual(record);
  });

  test('every operation after the handle was closed, findByHash synchronously', async () => {
    const db = file.open();
    const store = sqliteStore({ db });
    const record = makeRecord();
    await store.insert(record);
    db.close();
    let thrown: unknown;
    try {
      store.findByHash(record.hash);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StoreUnavailableError);
    expect((thrown as Error).cause).toBeInstanceOf(TypeError);
    await expect(store.get('org_1', record.id)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.list('org_1', { limit: 10 })).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(store.listExpiring({ expiresAfter: 0, expiresBy: 10, limit: 10 })).rejects.toBeInstanceOf(StoreUnavailableError);
    for (const [name, write] of writes(store, record)) {
      expect(await rejection(write()), name).toBeInstanceOf(StoreUnavailableError);
    }
  });

  test('verify() through the service rejects instead of answering NOT_FOUND when the handle is closed', async () => {
    const db = file.open();
    const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject: () => null });
    const { plaintext } = await keyward.create(owner, { name: 'CI', scope: { kind: 'organization' }, expiresIn: '30d' });
    expect((await keyward.verify(plaintext)).ok).toBe(true);
    db.close();
    await expect(keyward.verify(plaintext)).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  test('a write waiting on another connection\'s lock past the busy timeout', async () => {
    const holder = file.open();
    const store = sqliteStore({ db: file.open({ timeout: 50 }) });
    sqliteStore({ db: holder });
    holder.exec('BEGIN IMMEDIATE');
    try {
      const error = await rejection(store.insert(makeRecord()));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(((error as Error).cause as { code: string }).code).toBe('SQLITE_BUSY');
    } finally {
      holder.exec('ROLLBACK');
    }
    expect(await store.insert(makeRecord())).toBe('ok');
  });

  test('a file that is not a database, at construction', () => {
    writeFileSync(file.path, 'this is not an SQLite database, just some bytes in a file. '.repeat(100));
    expect(() => sqliteStore({ db: file.open() })).toThrow(StoreUnavailableError);
  });
});

describe('error classification', () => {
  test.each(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_LOCKED', 'SQLITE_READONLY_DBMOVED', 'SQLITE_IOERR', 'SQLITE_IOERR_FSYNC', 'SQLITE_CANTOPEN', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_FULL'])(
    '%s means unavailable',
    (code) => {
      const cause = new Database.SqliteError('boom', code);
      const error = toStoreError('list', cause);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).cause).toBe(cause);
      expect((error as Error).message).toContain('list');
    },
  );

  test.each(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_ERROR', 'SQLITE_MISMATCH', 'SQLITE_BUSYNESS'])('%s passes through unchanged', (code) => {
    const error = new Database.SqliteError('boom', code);
    expect(isUnavailableError(error)).toBe(false);
    expect(toStoreError('insert', error)).toBe(error);
  });

  test('errors that are not SQLite\'s pass through unchanged', () => {
    const error = new RangeError('bug');
    expect(toStoreError('insert', error)).toBe(error);
    expect(toStoreError('insert', 'text')).toBe('text');
  });
});
