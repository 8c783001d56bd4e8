import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKeyward, StoreFailedError, StoreUnavailableError, type TokenStore } from '@keyward/core';
import { codeSpans, errorTable } from '@keyward/test-kit/doc-tables';
import { sqliteStore } from '@keyward/sqlite';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { resultCodeName, resultCodeNumber } from '../src/result-codes.js';
import { isUnavailableError, sqliteCode, toStoreError } from '../src/unavailable.js';
import { tempDatabase, type TempDatabase } from './temp-db.js';

// The SQLite store keeps the contract v3 limit fields: its records always carry them.
useLimitFields(true);

const tsx = createRequire(import.meta.url).resolve('tsx');
const fileModeChild = fileURLToPath(new URL('./file-mode-child.ts', import.meta.url));

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

/**
 * A result code as each driver throws it: better-sqlite3's SqliteError, node:sqlite's Error with
 * `code: 'ERR_SQLITE_ERROR'` and the number in `errcode` (Node, Deno), bun:sqlite's SQLiteError
 * with the name in `code` and the number in `errno`.
 */
function driverErrors(name: string, number: number): Array<[string, Error]> {
  const bun = Object.assign(new Error('boom'), { code: name, errno: number });
  bun.name = 'SQLiteError';
  return [
    [`${name} (better-sqlite3)`, new Database.SqliteError('boom', name)],
    [`${name} (node:sqlite, errcode ${number})`, Object.assign(new Error('boom'), { code: 'ERR_SQLITE_ERROR', errcode: number, errstr: 'boom' })],
    [`${name} (bun:sqlite)`, bun],
  ];
}

describe('docs/stores.md "SQLite errors": every row is what the store does', () => {
  /** The errors a table cell stands for, in each driver's shape: result codes (`_*`: one extended code of the base), driver messages. */
  const errorsOf = (cell: string): Array<[label: string, error: Error]> =>
    codeSpans(cell).flatMap((item): Array<[string, Error]> => {
      // An extended code without a name of its own (the 99th of its base), named `<base>_99` from node:sqlite's number.
      if (item.endsWith('_*')) return driverErrors(`${item.slice(0, -2)}_99`, resultCodeNumber(item.slice(0, -2))! + (99 << 8));
      if (/^SQLITE_[A-Z_]+$/.test(item)) {
        const number = resultCodeNumber(item);
        expect(number, `${item} has a number in result-codes.ts`).toBeDefined();
        return driverErrors(item, number!);
      }
      return [[item, new TypeError(item)]];
    });
  const rows = errorTable('SQLite errors', errorsOf);

  test('the table lists the result codes', () => {
    expect(rows.length).toBeGreaterThan(8);
  });

  for (const { cell, answer, errors } of rows) {
    test(`${answer}: ${cell}`, () => {
      // "any other code" is a bug: one SQLite may add later, and one that only looks like a listed one.
      if (/any other code/.test(cell)) errors.push(['errcode 99 (node:sqlite)', Object.assign(new Error('boom'), { code: 'ERR_SQLITE_ERROR', errcode: 99 })], ['SQLITE_NEWCODE', new Database.SqliteError('boom', 'SQLITE_NEWCODE')], ['SQLITE_BUSYNESS', new Database.SqliteError('boom', 'SQLITE_BUSYNESS')]);
      for (const [label, error] of errors) {
        expect(isUnavailableError(error), label).toBe(answer !== 'bug');
        const thrown = toStoreError('list', error);
        if (answer === 'bug') expect(thrown, label).toBe(error);
        else {
          expect(thrown, label).toBeInstanceOf(StoreUnavailableError);
          expect((thrown as Error).cause, label).toBe(error);
          expect((thrown as Error).message, label).toContain('list');
        }
      }
    });
  }

  test('node:sqlite\'s errcode is named as better-sqlite3 names the code: primary, named extended, unnamed extended', () => {
    const node = (errcode: number) => Object.assign(new Error('boom'), { code: 'ERR_SQLITE_ERROR', errcode });
    expect(sqliteCode(node(5))).toBe('SQLITE_BUSY');
    expect(sqliteCode(node(517))).toBe('SQLITE_BUSY_SNAPSHOT');
    expect(sqliteCode(node(2067))).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(sqliteCode(node(10 + (40 << 8)))).toBe('SQLITE_IOERR_40');
    expect(resultCodeName(0)).toBeUndefined();
    // node:sqlite's errors that are not SQLite's (a closed handle) carry no errcode.
    expect(sqliteCode(Object.assign(new Error('database is not open'), { code: 'ERR_INVALID_STATE' }))).toBeUndefined();
  });

  test('errors that are not SQLite\'s pass through unchanged', () => {
    const error = new RangeError('bug');
    expect(toStoreError('insert', error)).toBe(error);
    expect(toStoreError('insert', 'text')).toBe('text');
  });
});

describe('SQLite errors produced for real', () => {
  test('SQLITE_FULL (max_page_count reached): a create answers as an outage; room again, it succeeds', async () => {
    const db = file.open();
    const store = sqliteStore({ db });
    await store.insert(makeRecord());
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
    const record = makeRecord({ metadata: { padding: 'x'.repeat(20_000) } });
    const error = await rejection(store.insert(record));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(((error as Error).cause as { code: string }).code).toBe('SQLITE_FULL');
    db.pragma('max_page_count = 1073741823');
    expect(await store.insert(record)).toBe('ok');
  });

  test('SQLITE_READONLY (query_only): every write is an outage, lookups answer', async () => {
    const db = file.open();
    const store = sqliteStore({ db });
    const record = makeRecord({ scope: { kind: 'project', projectId: 'proj_1' }, expiresAt: 1 });
    await store.insert(record);
    db.pragma('query_only = on');
    expect(store.findByHash(record.hash)).toEqual(record);
    for (const [name, write] of writes(store, record)) {
      const error = await rejection(write());
      expect(error, name).toBeInstanceOf(StoreUnavailableError);
      expect(((error as Error).cause as { code: string }).code, name).toBe('SQLITE_READONLY');
    }
  });

  test('SQLITE_READONLY on a file the process may not write (chmod 444, as an unprivileged user): in a read-only directory refused at construction, otherwise writes are an outage and lookups answer', async () => {
    const record = makeRecord();
    const db = file.open();
    await sqliteStore({ db }).insert(record);
    db.close();
    chmodSync(file.path, 0o444);
    // Root writes whatever the mode says: the check runs in a process of the unprivileged "nobody".
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const run = () => {
      // The limit only catches a hung child: starting tsx took over 30 s on a busy machine.
      const child = spawnSync(process.execPath, ['--import', tsx, fileModeChild, file.path, record.hash, JSON.stringify(makeRecord())], { ...asUser, encoding: 'utf8', timeout: 120_000 });
      expect(child.status, child.stderr).toBe(0);
      return JSON.parse(child.stdout) as { open: { ok: boolean; code?: string; unavailable?: boolean }; find: { ok: boolean; value?: unknown } | null; insert: { ok: boolean; code?: string; unavailable?: boolean } | null };
    };
    const dir = dirname(file.path);
    // First with the directory read-only too (nowhere to create the WAL index), then writable.
    chmodSync(dir, 0o555);
    try {
      expect(run()).toMatchObject({ open: { ok: false, unavailable: true, code: expect.stringMatching(/^SQLITE_READONLY/) } });
    } finally {
      chmodSync(dir, 0o777);
    }
    expect(run()).toEqual({ open: { ok: true, value: 'object' }, find: { ok: true, value: 'object' }, insert: { ok: false, unavailable: true, code: 'SQLITE_READONLY' } });
  }, 300_000);

  test('SQLITE_CORRUPT (pages overwritten while closed): lookups are an outage, not "not found"', async () => {
    const db = file.open();
    const store = sqliteStore({ db });
    const records = Array.from({ length: 200 }, () => makeRecord());
    for (const record of records) await store.insert(record);
    db.close();
    // The second half of the file: the header, the schema and the (empty) tables made before the
    // tokens were written stay readable; the pages the 200 tokens grew into do not.
    const bytes = readFileSync(file.path);
    bytes.fill(0x5a, Math.floor(bytes.length / 8192) * 4096);
    writeFileSync(file.path, bytes);
    const damaged = sqliteStore({ db: file.open() });
    let thrown: unknown;
    try {
      damaged.findByHash(records[0]!.hash);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StoreUnavailableError);
    expect(((thrown as Error).cause as { code: string }).code).toMatch(/^SQLITE_CORRUPT/);
  });

  test('SQLITE_CONSTRAINT (a duplicate id): SQLite\'s error passes through (core reports it as a bug, StoreFailedError), never "name_taken" or an outage', async () => {
    const store = sqliteStore({ db: file.open() });
    const record = makeRecord();
    await store.insert(record);
    const error = await rejection(store.insert(makeRecord({ id: record.id })));
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect(error).toBeInstanceOf(Database.SqliteError);
    expect((error as { code: string }).code).toMatch(/^SQLITE_CONSTRAINT/);
  });

  test('SQLITE_ERROR (the table dropped under the store): a bug, StoreFailedError through keyward', async () => {
    const db = file.open();
    const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject: () => null, onError: () => {} });
    db.exec('DROP TABLE keyward_tokens');
    const error = await rejection(keyward.list(owner));
    expect(error).toBeInstanceOf(StoreFailedError);
    expect(((error as Error).cause as { code: string }).code).toBe('SQLITE_ERROR');
    await keyward.close();
  });

  test('"busy executing a query" (the host holds an iterator open on the handle): a bug, not an outage', async () => {
    const db = file.open();
    const store = sqliteStore({ db });
    const iterator = db.prepare('SELECT 1 FROM keyward_tokens').iterate();
    try {
      const error = await rejection(store.insert(makeRecord()));
      expect(error).not.toBeInstanceOf(StoreUnavailableError);
      expect(String(error)).toMatch(/busy executing a query/);
    } finally {
      iterator.return?.();
    }
  });
});
