// The SQLite store on the SQLite built into the runtime — bun:sqlite on Bun, node:sqlite on Node 22+
// and Deno — through the whole conformance suite (every section and contract v3 part) and the
// driver errors produced for real, as on better-sqlite3 in packages/sqlite/test. Bundled with
// mini-vitest in place of vitest; prints one JSON line: { driver, runtime, results }.
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyward, StoreUnavailableError, type TokenStore } from '@keyward/core';
import { sqliteStore, type SqliteDatabase } from '@keyward/sqlite';
import { describeTokenStore, makeRecord } from '@keyward/store-tests';
import { describe, expect, run, test, type TestResult } from './mini-vitest.js';

declare const Bun: { version: string } | undefined;
declare const Deno: { version: { deno: string } } | undefined;

interface Handle {
  db: SqliteDatabase;
  exec(sql: string): void;
  close(): void;
}

type Open = (path: string, options?: { readonly?: boolean }) => Handle;

async function driver(): Promise<{ name: string; runtime: string; open: Open }> {
  if (typeof Bun !== 'undefined') {
    const { Database } = (await import('bun:sqlite' as string)) as { Database: new (path: string, options?: object) => SqliteDatabase & { exec(sql: string): void; close(): void } };
    return {
      name: 'bun:sqlite',
      runtime: `Bun ${Bun.version}`,
      open: (path, options) => {
        const db = new Database(path, options?.readonly ? { readonly: true } : {});
        return { db, exec: (sql) => db.exec(sql), close: () => db.close() };
      },
    };
  }
  const { DatabaseSync } = (await import('node:sqlite' as string)) as { DatabaseSync: new (path: string, options?: object) => SqliteDatabase & { exec(sql: string): void; close(): void } };
  return {
    name: 'node:sqlite',
    runtime: typeof Deno !== 'undefined' ? `Deno ${Deno.version.deno}` : `Node ${process.version}`,
    open: (path, options) => {
      const db = new DatabaseSync(path, options?.readonly ? { readOnly: true } : {});
      return { db, exec: (sql) => db.exec(sql), close: () => db.close() };
    },
  };
}

/** A fresh database file in its own directory; `remove()` closes its handles and deletes it. */
function tempFile(open: Open) {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-sqlite-driver-'));
  const path = join(dir, 'tokens.db');
  const handles: Handle[] = [];
  return {
    path,
    open(options?: { readonly?: boolean }) {
      const handle = open(path, options);
      handles.push(handle);
      return handle;
    },
    remove() {
      for (const handle of handles) {
        try {
          handle.close();
        } catch {
          // Closed by the test already.
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const causeCode = (error: unknown) => {
  const cause = (error as { cause?: { code?: unknown; errcode?: unknown } }).cause;
  return cause?.code === 'ERR_SQLITE_ERROR' ? cause.errcode : cause?.code;
};

const { name, runtime, open } = await driver();
const files = new Map<TokenStore, ReturnType<typeof tempFile>>();

describeTokenStore(
  `sqliteStore on ${name} (file on disk)`,
  () => {
    const file = tempFile(open);
    const handle = file.open();
    const store = sqliteStore({ db: handle.db });
    files.set(store, file);
    (store as { handle?: Handle }).handle = handle;
    return store;
  },
  {
    parts: ['limits', 'rateLimiter', 'audit', 'usage'],
    // The host closing the handle under a running store: every call must fail closed.
    breakStore: (store) => (store as { handle?: Handle }).handle!.close(),
    cleanup(store) {
      files.get(store)?.remove();
      files.delete(store);
    },
  },
);

describe(`SQLite errors produced for real on ${name}`, () => {
  const withFile = (body: (file: ReturnType<typeof tempFile>) => Promise<void>) => async () => {
    const file = tempFile(open);
    try {
      await body(file);
    } finally {
      file.remove();
    }
  };

  test('SQLITE_BUSY: a write meeting another connection\'s lock is retried, then an outage; once the lock is gone it succeeds', withFile(async (file) => {
    const holder = file.open();
    const store = sqliteStore({ db: file.open().db });
    sqliteStore({ db: holder.db });
    holder.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    try {
      const error = await rejection(store.insert(makeRecord()));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(String(causeCode(error))).toMatch(/^(SQLITE_BUSY|5$)/);
      // Retried on a timer for WRITE_DEADLINE_MS (500 ms), not refused at once.
      expect(performance.now() - started).toBeGreaterThan(300);
    } finally {
      holder.exec('ROLLBACK');
    }
    expect(await store.insert(makeRecord())).toBe('ok');
  }));

  test('SQLITE_CONSTRAINT (a duplicate id): the driver\'s error passes through, not an outage nor name_taken', withFile(async (file) => {
    const store = sqliteStore({ db: file.open().db });
    const record = makeRecord();
    await store.insert(record);
    const error = await rejection(store.insert(makeRecord({ id: record.id })));
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect(error).toBeInstanceOf(Error);
  }));

  test('a rename onto a taken name answers name_taken (SQLITE_CONSTRAINT_UNIQUE told apart)', withFile(async (file) => {
    const store = sqliteStore({ db: file.open().db });
    const first = makeRecord({ name: 'One', nameKey: 'one' });
    const second = makeRecord({ name: 'Two', nameKey: 'two' });
    await store.insert(first);
    await store.insert(second);
    expect(await store.update(second.organizationId, second.id, { name: 'ONE', nameKey: 'one' })).toBe('name_taken');
  }));

  test('SQLITE_READONLY (query_only): every write is an outage, lookups answer', withFile(async (file) => {
    const handle = file.open();
    const store = sqliteStore({ db: handle.db });
    const record = makeRecord();
    await store.insert(record);
    handle.exec('PRAGMA query_only = on');
    expect(store.findByHash(record.hash)).toEqual(record);
    const error = await rejection(store.deleteMany(record.organizationId, [record.id]));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(String(causeCode(error))).toMatch(/^(SQLITE_READONLY|8$)/);
  }));

  test('SQLITE_FULL (max_page_count reached): a create is an outage; room again, it succeeds', withFile(async (file) => {
    const handle = file.open();
    const store = sqliteStore({ db: handle.db });
    await store.insert(makeRecord());
    const pages = (file.open().db as unknown as { prepare(sql: string): { get(): { page_count: number } } }).prepare('PRAGMA page_count').get().page_count;
    handle.exec(`PRAGMA max_page_count = ${pages}`);
    const record = makeRecord({ metadata: { padding: 'x'.repeat(20_000) } });
    const error = await rejection(store.insert(record));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(String(causeCode(error))).toMatch(/^(SQLITE_FULL|13$)/);
    handle.exec('PRAGMA max_page_count = 1073741823');
    expect(await store.insert(record)).toBe('ok');
  }));

  test('a handle opened read-only: the store sets up (the WAL switch is answered, not refused), lookups answer, writes are an outage', withFile(async (file) => {
    const record = makeRecord();
    await sqliteStore({ db: file.open().db }).insert(record);
    const store = sqliteStore({ db: file.open({ readonly: true }).db });
    expect(store.findByHash(record.hash)).toEqual(record);
    expect(await rejection(store.insert(makeRecord()))).toBeInstanceOf(StoreUnavailableError);
  }));

  test('verify() through the service rejects instead of answering NOT_FOUND once the handle is closed', withFile(async (file) => {
    const handle = file.open();
    const keyward = createKeyward({ store: sqliteStore({ db: handle.db }), resolveProject: () => null });
    const owner = { userId: 'user_1', organizationId: 'org_1', role: 'owner' } as const;
    const { plaintext } = await keyward.create(owner, { name: 'CI', scope: { kind: 'organization' }, expiresIn: '30d' });
    expect((await keyward.verify(plaintext)).ok).toBe(true);
    handle.close();
    expect(await rejection(keyward.verify(plaintext))).toBeInstanceOf(StoreUnavailableError);
  }));

  test('a write inside a transaction the host opened on the handle joins it (a savepoint): its ROLLBACK undoes the write, its COMMIT keeps it', withFile(async (file) => {
    const handle = file.open();
    const store = sqliteStore({ db: handle.db });
    const undone = makeRecord();
    handle.exec('BEGIN');
    expect(await store.insert(undone)).toBe('ok');
    handle.exec('ROLLBACK');
    expect(store.findByHash(undone.hash)).toBeNull();
    const kept = makeRecord();
    handle.exec('BEGIN');
    expect(await store.insert(kept)).toBe('ok');
    handle.exec('COMMIT');
    expect(store.findByHash(kept.hash)).toEqual(kept);
  }));

  test('a v1 file (the first release\'s schema) is upgraded in place and its tokens verify', withFile(async (file) => {
    copyFileSync(new URL('../../../packages/sqlite/test/fixtures/v1.db', import.meta.url), file.path);
    const fixture = JSON.parse(readFileSync(new URL('../../../packages/sqlite/test/fixtures/v1.json', import.meta.url), 'utf8')) as {
      now: number;
      plaintexts: Record<string, string>;
      projects: Record<string, { id: string; organizationId: string; name: string }>;
      records: Array<{ id: string; organizationId: string; scope: { kind: string; projectId?: string } }>;
    };
    // The fixture's clock a minute on, so its 1-day token has not expired whatever today's date.
    const keyward = createKeyward({ store: sqliteStore({ db: file.open().db }), resolveProject: (id) => fixture.projects[id] ?? null, now: () => fixture.now + 60_000 });
    expect(fixture.records).toHaveLength(5);
    for (const r of fixture.records) {
      const target = r.scope.kind === 'project' ? { projectId: r.scope.projectId! } : { organizationId: r.organizationId };
      expect((await keyward.verify(fixture.plaintexts[r.id]!, target)).ok, r.id).toBe(true);
    }
    await keyward.close();
  }));
});

const results: TestResult[] = await run();
console.log(JSON.stringify({ driver: name, runtime, results }));
