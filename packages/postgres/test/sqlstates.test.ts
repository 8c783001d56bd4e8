// The rows of docs/stores.md "PostgreSQL errors" that a test can produce for real on the shared
// server: each one made to happen, then the store's answer checked (outage: StoreUnavailableError,
// 503; bug: the driver's error, which core turns into StoreFailedError, 500; serialization failures
// and deadlocks: retried inside the store). The server-wide ones (a killed postmaster, terminated
// backends, connection limits, a server down at first use) are in unavailable.test.ts, on a
// cluster of its own.
import { ConfigurationError, createKeyward, StoreFailedError, StoreUnavailableError, type Actor } from '@keyward/core';
import { postgresStore } from '@keyward/postgres';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import { sleep, waitUntil } from '@keyward/test-kit/net';
import { startTcpProxy } from '@keyward/test-kit/tcp-proxy';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, randomPrefix, SHARED_SERVER, type TestDatabase } from './database.js';

// The store carries contract v3's limits: every read returns the limit fields, so records made here carry them too.
useLimitFields(true);

let database: TestDatabase;
let admin: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  admin = database.pool({ max: 4 });
});
afterAll(async () => {
  await database?.drop();
});

const actor: Actor = { userId: 'u_admin', organizationId: 'org_1', role: 'owner' };

/** What `promise` settles with: its error, or the value it resolved with. */
async function settled(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => ({ resolved: value }),
    (error: unknown) => error,
  );
}

/** The SQLSTATE of the driver error behind `error` (itself, or its cause). */
function sqlstate(error: unknown): string | undefined {
  const own = (error as { code?: unknown })?.code;
  if (typeof own === 'string' && /^[0-9A-Z]{5}$/.test(own)) return own;
  return ((error as { cause?: { code?: string } })?.cause)?.code;
}

/** A pool whose every query and connection records the SQLSTATEs it failed with. */
function recordingPool(pool: pg.Pool): { pool: pg.Pool; codes: string[] } {
  const codes: string[] = [];
  const note = (error: unknown) => {
    codes.push((error as { code?: string }).code ?? String(error));
    throw error;
  };
  const query = pool.query.bind(pool) as (...a: unknown[]) => Promise<unknown>;
  // Only what the store calls: query and connect. (Inheriting from the pool would route the pool's
  // own query() through this connect.)
  const wrapped = {
    query: (...args: unknown[]) => query(...args).catch(note),
    async connect() {
      const client = await pool.connect();
      const own = client.query.bind(client) as (...a: unknown[]) => Promise<unknown>;
      // The pool reuses this client for its own query(), which passes a callback: leave that alone.
      client.query = ((...args: unknown[]) => (typeof args.at(-1) === 'function' ? own(...args) : own(...args).catch(note))) as typeof client.query;
      return client;
    },
  } as unknown as pg.Pool;
  return { pool: wrapped, codes };
}

/** Waits until a statement containing `text` is waiting on a lock. */
async function waitingOnLock(text: string): Promise<void> {
  await waitUntil(`a statement with "${text}" to wait on a lock`, async () => {
    const { rowCount } = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database() AND query LIKE $1`, [`%${text}%`]);
    return rowCount! > 0;
  });
}

async function migratedStore(pool: pg.Pool) {
  const tablePrefix = randomPrefix();
  const store = postgresStore({ pool, tablePrefix });
  await store.findByHash('migrate first');
  return { tablePrefix, store, table: `"public"."${tablePrefix}tokens"` };
}

describe('PostgreSQL errors: outages (StoreUnavailableError, 503)', () => {
  for (const [timeout, code] of [
    ['lock_timeout', '55P03'],
    ['statement_timeout', '57014'],
  ] as const) {
    test(`a row lock held past ${timeout} (${code}): roll, update and delete throw StoreUnavailableError (503), as for any outage`, async () => {
      const pool = database.pool({ max: 3, options: `-c ${timeout}=200` });
      const { store, table } = await migratedStore(pool);
      const record = makeRecord();
      expect(await store.insert(record)).toBe('ok');
      const locker = await admin.connect();
      try {
        await locker.query('BEGIN');
        await locker.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE`, [record.id]);
        for (const [name, operation] of [
          ['roll', () => store.roll('org_1', record.id, { hash: 'h_rolled', hint: 'kw_roll', previousExpiresAt: Date.now() + 1000 })],
          ['update', () => store.update('org_1', record.id, { name: 'renamed', nameKey: 'renamed' })],
          ['deleteMany', () => store.deleteMany('org_1', [record.id])],
        ] as const) {
          const error = await settled(operation());
          expect(error, name).toBeInstanceOf(StoreUnavailableError);
          expect(sqlstate(error), name).toBe(code);
        }
      } finally {
        await locker.query('ROLLBACK');
        locker.release();
      }
      expect(await store.findByHash(record.hash)).toEqual(record);
    });
  }

  test('a read-only transaction (25006, default_transaction_read_only): a keyward create answers as an outage', async () => {
    const { tablePrefix } = await migratedStore(admin);
    const keyward = createKeyward({
      store: postgresStore({ pool: database.pool({ max: 2, options: '-c default_transaction_read_only=on' }), tablePrefix }),
      resolveProject: () => null,
      onError: () => {},
    });
    const error = await settled(keyward.create(actor, { name: 'ro', scope: { kind: 'organization' }, expiresIn: '1d' }));
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(sqlstate(error)).toBe('25006');
    await keyward.close();
  });
});

describe('PostgreSQL errors: a connection lost inside a transaction', () => {
  /** Runs `during` while collecting what reaches process 'uncaughtException' (an 'error' no one listened to). */
  async function uncaughtDuring(during: () => Promise<void>): Promise<unknown[]> {
    const uncaught: unknown[] = [];
    const collect = (error: unknown) => void uncaught.push(error);
    process.on('uncaughtException', collect);
    try {
      await during();
      // Time for the connection's last events ('error', then 'end') to be emitted.
      await sleep(200);
    } finally {
      process.off('uncaughtException', collect);
    }
    return uncaught;
  }

  test('during a bulk delete (waiting on a row lock) and during a migration (waiting on its advisory lock): StoreUnavailableError, and no unhandled \'error\' that would kill the process', async () => {
    const proxy = await startTcpProxy(SHARED_SERVER.port);
    try {
      const { tablePrefix, table } = await migratedStore(admin);
      const record = makeRecord();
      expect(await postgresStore({ pool: admin, tablePrefix }).insert(record)).toBe('ok');
      const store = postgresStore({ pool: database.pool({ port: proxy.port, max: 2 }), tablePrefix });
      const freshPrefix = randomPrefix();
      const fresh = postgresStore({ pool: database.pool({ port: proxy.port, max: 2 }), tablePrefix: freshPrefix });
      const locker = await admin.connect();
      const outcomes: unknown[] = [];
      const uncaught = await uncaughtDuring(async () => {
        try {
          await locker.query('BEGIN');
          await locker.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE`, [record.id]);
          // Every migration takes this lock first (0x6b77 and the location, see migrate.ts): held here,
          // the fresh store's first call waits inside its migration transaction.
          await locker.query('SELECT pg_advisory_xact_lock(27511, hashtext($1))', [`public.${freshPrefix}`]);
          const pending = [settled(store.deleteMany('org_1', [record.id])), settled(Promise.resolve(fresh.findByHash('x')))];
          await waitingOnLock('DELETE FROM');
          await waitingOnLock('pg_advisory_xact_lock');
          proxy.resetConnections();
          outcomes.push(...(await Promise.all(pending)));
        } finally {
          await locker.query('ROLLBACK');
          locker.release();
        }
      });
      expect(uncaught.map(String)).toEqual([]);
      for (const outcome of outcomes) expect(outcome).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await proxy.close();
    }
  });
});

describe('PostgreSQL errors: serialization failures and deadlocks are retried inside the store', () => {
  test('a roll that meets a concurrent update under REPEATABLE READ (40001) is retried and succeeds', async () => {
    const { pool, codes } = recordingPool(database.pool({ max: 2, options: '-c default_transaction_isolation=repeatable\\ read' }));
    const { store, table } = await migratedStore(pool);
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    const locker = await admin.connect();
    let rolling: Promise<unknown> | undefined;
    try {
      await locker.query('BEGIN');
      await locker.query(`UPDATE ${table} SET last_used_at = 1 WHERE id = $1`, [record.id]);
      rolling = settled(store.roll('org_1', record.id, { hash: 'h_rolled', hint: 'kw_roll', previousExpiresAt: Date.now() + 1000 }));
      await waitingOnLock('previous_hash');
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
    const outcome = await rolling;
    expect(codes).toContain('40001');
    expect(outcome).toMatchObject({ resolved: { id: record.id, hash: 'h_rolled' } });
  });

  test('a project revocation caught in a deadlock with another transaction (40P01) is retried and deletes every token', async () => {
    // The store's connection detects the deadlock (its deadlock_timeout is the shorter), so the
    // store's statement is the one PostgreSQL aborts.
    const { pool, codes } = recordingPool(database.pool({ max: 2, options: '-c deadlock_timeout=50' }));
    const { store, table } = await migratedStore(pool);
    // Inserted in this order, the DELETE visits (and locks) first before second.
    const first = makeRecord({ scope: { kind: 'project', projectId: 'proj_dl' } });
    const second = makeRecord({ scope: { kind: 'project', projectId: 'proj_dl' } });
    expect(await store.insert(first)).toBe('ok');
    expect(await store.insert(second)).toBe('ok');
    const locker = await admin.connect();
    let revoking: Promise<unknown> | undefined;
    try {
      await locker.query('BEGIN');
      await locker.query(`SET LOCAL deadlock_timeout = '10s'`);
      await locker.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE`, [second.id]);
      revoking = settled(store.deleteByProject('proj_dl'));
      await waitingOnLock('project_id');
      // Waits for the store's lock on `first` while the store waits for this one's on `second`.
      await locker.query(`SELECT 1 FROM ${table} WHERE id = $1 FOR UPDATE`, [first.id]);
    } finally {
      await locker.query('COMMIT');
      locker.release();
    }
    const outcome = (await revoking) as { resolved?: Array<{ id: string }> };
    expect(codes).toContain('40P01');
    expect(outcome.resolved?.map((r) => r.id).sort()).toEqual([first.id, second.id].sort());
  });
});

describe('PostgreSQL errors: bugs and configuration (the driver error, StoreFailedError through keyward, 500)', () => {
  test('tables never migrated (migrate: false): the first call rejects with ConfigurationError naming what to apply, not an outage', async () => {
    const keyward = createKeyward({ store: postgresStore({ pool: admin, tablePrefix: randomPrefix(), migrate: false }), resolveProject: () => null, onError: () => {} });
    const error = await settled(keyward.list(actor));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(/has no keyward tables: apply postgresSchemaSql\(.*or pass migrate: true/);
    await keyward.close();
  });

  test('tables dropped after the store started (42P01): StoreFailedError, not an outage', async () => {
    const { store, table } = await migratedStore(admin);
    const keyward = createKeyward({ store, resolveProject: () => null, onError: () => {} });
    await admin.query(`DROP TABLE ${table}`);
    const error = await settled(keyward.list(actor));
    expect(error).toBeInstanceOf(StoreFailedError);
    expect(sqlstate(error)).toBe('42P01');
    await keyward.close();
  });

  test('a duplicate id (23505): insert throws the driver\'s unique_violation, never "name_taken" and never an outage', async () => {
    const { store } = await migratedStore(admin);
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    const error = await settled(store.insert(makeRecord({ id: record.id })));
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect(sqlstate(error)).toBe('23505');
  });

  test('a role without privileges on the tables (42501): StoreFailedError through keyward', async () => {
    const { tablePrefix } = await migratedStore(admin);
    const role = `ro_${randomPrefix()}`.replace(/_$/, '');
    await admin.query(`CREATE ROLE ${role} LOGIN`);
    try {
      const pool = database.pool({ max: 1, user: role });
      const keyward = createKeyward({ store: postgresStore({ pool, tablePrefix, migrate: false }), resolveProject: () => null, onError: () => {} });
      const error = await settled(keyward.list(actor));
      expect(error).toBeInstanceOf(StoreFailedError);
      expect(sqlstate(error)).toBe('42501');
      await keyward.close();
      await pool.end();
    } finally {
      await admin.query(`DROP ROLE ${role}`);
    }
  });

  test('an unknown role (28000) or database (3D000) at connect: configuration, not an outage', async () => {
    for (const [config, code] of [
      [{ user: 'keyward_no_such_role' }, '28000'],
      [{ database: 'keyward_no_such_database' }, '3D000'],
    ] as const) {
      const pool = new pg.Pool({ ...database.config, ...config, max: 1 });
      pool.on('error', () => {});
      const error = await settled(Promise.resolve(postgresStore({ pool, migrate: false }).findByHash('x')));
      expect(error, code).not.toBeInstanceOf(StoreUnavailableError);
      expect(sqlstate(error), code).toBe(code);
      await pool.end();
    }
  });
});
