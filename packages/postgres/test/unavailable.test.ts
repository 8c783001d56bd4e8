// Fault probes on a throwaway cluster of the test's own: the server killed under load, locks that
// outlast statement_timeout, terminated backends, read-only transactions, connection limits.
import { createServer, type Socket } from 'node:net';
import { once } from 'node:events';
import { createKeyward, StoreUnavailableError, type Keyward, type TokenStore } from '@keyward/core';
import { requireToken } from '@keyward/hono';
import { postgresStore } from '@keyward/postgres';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import { Hono } from 'hono';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, waitUntil } from '@keyward/test-kit/net';
import { startCluster, type Cluster } from './cluster.js';
import { createTestDatabase, randomPrefix, type TestDatabase } from './database.js';

// The store carries contract v3's limits: every read returns the limit fields, so records made here carry them too.
useLimitFields(true);

/** Every operation of the contract, each expected to fail closed while PostgreSQL cannot answer. */
function everyOperation(store: TokenStore): Record<string, () => unknown> {
  const record = makeRecord();
  return {
    insert: () => store.insert(record),
    findByHash: () => store.findByHash(record.hash),
    get: () => store.get('org_1', record.id),
    list: () => store.list('org_1', { limit: 10 }),
    listAfter: () => store.list('org_1', { limit: 10, after: { createdAt: 1, id: 'tok_x' } }),
    deleteMany: () => store.deleteMany('org_1', [record.id]),
    deleteByProject: () => store.deleteByProject('proj_1'),
    deleteExpired: () => store.deleteExpired(Date.now()),
    touch: () => store.touch([{ id: record.id, organizationId: 'org_1', lastUsedAt: 1 }]),
  };
}

async function thrown(operation: () => unknown): Promise<unknown> {
  return Promise.resolve()
    .then(operation)
    .then(
      (value) => new Error(`resolved ${JSON.stringify(value)} instead of throwing`),
      (error: unknown) => error,
    );
}

async function expectUnavailable(operation: () => unknown, cause?: RegExp | string): Promise<void> {
  const error = await thrown(operation);
  expect(error).toBeInstanceOf(StoreUnavailableError);
  const reason = (error as StoreUnavailableError).cause as { message: string; code?: string };
  expect(reason).toBeInstanceOf(Error);
  if (typeof cause === 'string') expect(reason.code).toBe(cause);
  else if (cause) expect(reason.message).toMatch(cause);
}

async function expectEveryOperationUnavailable(store: TokenStore): Promise<void> {
  for (const [name, operation] of Object.entries(everyOperation(store))) {
    await expectUnavailable(operation).catch((error: unknown) => {
      throw new Error(`${name}: ${String(error)}`);
    });
  }
}

let cluster: Cluster;
let database: TestDatabase;
let admin: pg.Pool;

beforeAll(async () => {
  cluster = await startCluster();
  database = await createTestDatabase(cluster.server);
  admin = database.pool({ max: 2 });
});

afterAll(async () => {
  await database?.drop().catch(() => {});
  await cluster?.destroy();
});

describe('postgresStore when PostgreSQL cannot answer', () => {
  test('postmaster killed under load: every verify fails closed (0 NOT_FOUND), a guarded route answers 503; restarted: the same store serves again', { timeout: 45_000 }, async () => {
    const pool = database.pool({ max: 8, connectionTimeoutMillis: 1000 });
    const store = postgresStore({ pool, tablePrefix: randomPrefix() });
    const keyward: Keyward = createKeyward({ store, resolveProject: () => null, onError: () => {}, lastUsedIntervalMs: 3_600_000 });
    const owner = { userId: 'user_1', organizationId: 'org_1', role: 'owner' } as const;
    const refusals: unknown[] = [];
    const app = new Hono().get('/ping', requireToken({ keyward, onError: (error) => refusals.push(error) }), (c) => c.text('pong'));
    const call = (token: string) => app.request('/ping', { headers: { authorization: `Bearer ${token}` } });
    const tokens: string[] = [];
    for (let i = 0; i < 40; i++) tokens.push((await keyward.create(owner, { name: `t${i}`, scope: { kind: 'organization' }, expiresIn: 'never' })).plaintext);
    const hashes = (await store.list('org_1', { limit: 100 })).items.map((r) => r.hash);

    let killed = false;
    let stop = false;
    const seen = { ok: 0, unavailable: 0, afterKill: 0, falseNotFound: 0, other: [] as unknown[] };
    // Half the workers verify through keyward (what a guard sees), half ask the store directly
    // (what the store itself throws).
    const worker = async (w: number) => {
      for (let i = w; !stop; i += 8) {
        const startedAfterKill = killed;
        try {
          if (w % 2 === 0) {
            const result = await keyward.verify(tokens[i % tokens.length]!);
            if (result.ok) seen.ok++;
            else seen.falseNotFound++;
          } else {
            const found = await store.findByHash(hashes[i % hashes.length]!);
            if (found === null) seen.falseNotFound++;
            else seen.ok++;
          }
        } catch (error) {
          if (error instanceof StoreUnavailableError) seen.unavailable++;
          else seen.other.push(error);
        }
        if (startedAfterKill) seen.afterKill++;
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    await waitUntil('some verifications before the kill', async () => seen.ok >= 200);
    await cluster.kill();
    killed = true;
    await waitUntil('verifications after the kill', async () => seen.afterKill >= 200);
    stop = true;
    await load;
    expect(seen.other).toEqual([]);
    expect(seen.falseNotFound).toBe(0);
    expect(seen.unavailable).toBeGreaterThanOrEqual(200);

    await expectEveryOperationUnavailable(store);
    const answers = await Promise.all(tokens.map(call));
    expect(answers.map((r) => r.status)).toEqual(tokens.map(() => 503));
    expect(answers[0]!.headers.get('retry-after')).not.toBeNull();
    expect(refusals.every((error) => error instanceof StoreUnavailableError)).toBe(true);

    await cluster.start();
    // The pool reconnects by itself: the store is not recreated.
    await waitUntil('the store to answer again', async () => (await keyward.verify(tokens[0]!)).ok);
    for (const token of tokens) expect((await keyward.verify(token)).ok).toBe(true);
    expect((await call(tokens[0]!)).status).toBe(200);
    const after = makeRecord();
    expect(await store.insert(after)).toBe('ok');
    expect(await store.findByHash(after.hash)).toEqual(after);
    expect(await store.deleteMany('org_1', [after.id])).toMatchObject({ missing: [] });
    expect(await store.findByHash(after.hash)).toBeNull();
    await keyward.close();
  });

  test('a lock held past statement_timeout throws StoreUnavailableError (57014); released, the store answers', async () => {
    const tablePrefix = randomPrefix();
    const store = postgresStore({ pool: database.pool({ max: 2, options: '-c statement_timeout=300' }), tablePrefix });
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    const locker = await admin.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE "public"."${tablePrefix}tokens" IN ACCESS EXCLUSIVE MODE`);
      await expectUnavailable(() => store.findByHash(record.hash), '57014');
      await expectUnavailable(() => store.insert(makeRecord()), '57014');
      await expectUnavailable(() => store.deleteMany('org_1', [record.id]), '57014');
      await locker.query('ROLLBACK');
    } finally {
      locker.release();
    }
    expect(await store.findByHash(record.hash)).toEqual(record);
  });

  test('a backend terminated by an administrator mid-query (57P01) throws StoreUnavailableError', async () => {
    const tablePrefix = randomPrefix();
    const store = postgresStore({ pool: database.pool({ max: 2 }), tablePrefix });
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    const locker = await admin.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE "public"."${tablePrefix}tokens" IN ACCESS EXCLUSIVE MODE`);
      const pending = thrown(() => store.findByHash(record.hash));
      await waitUntil('the lookup to wait on the lock', async () => {
        const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%WHERE hash = $1%'`);
        return rowCount === 1;
      });
      const error = await pending;
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(((error as Error).cause as { code?: string }).code).toBe('57P01');
      await locker.query('ROLLBACK');
    } finally {
      locker.release();
    }
    expect(await store.findByHash(record.hash)).toEqual(record);
  });

  test('a read-only server (25006) fails every write with StoreUnavailableError and still answers reads', async () => {
    const tablePrefix = randomPrefix();
    const writable = postgresStore({ pool: admin, tablePrefix });
    const existing = makeRecord({ expiresAt: 5, scope: { kind: 'project', projectId: 'proj_1' } });
    expect(await writable.insert(existing)).toBe('ok');
    // What a standby, or a primary switched to read-only, answers.
    const store = postgresStore({ pool: database.pool({ max: 2, options: '-c default_transaction_read_only=on' }), tablePrefix });
    await expectUnavailable(() => store.insert(makeRecord()), '25006');
    await expectUnavailable(() => store.touch([{ id: existing.id, organizationId: 'org_1', lastUsedAt: 9 }]), '25006');
    await expectUnavailable(() => store.deleteMany('org_1', [existing.id]), '25006');
    await expectUnavailable(() => store.deleteByProject('proj_1'), '25006');
    await expectUnavailable(() => store.deleteExpired(10), '25006');
    expect(await store.findByHash(existing.hash)).toEqual(existing);
  });

  test('a role out of connections (53300 too_many_connections) throws StoreUnavailableError', async () => {
    const role = `app_${randomPrefix()}`.replace(/_$/, '');
    await admin.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 1`);
    const hog = new pg.Client({ ...database.config, user: role });
    await hog.connect();
    try {
      const store = postgresStore({ pool: database.pool({ user: role, max: 1 }), tablePrefix: randomPrefix() });
      await expectUnavailable(() => store.findByHash('x'), '53300');
    } finally {
      await hog.end();
    }
  });

  test('the server down at first use: the migration fails closed, and the same store migrates once it is back', { timeout: 30_000 }, async () => {
    const store = postgresStore({ pool: database.pool({ max: 2, connectionTimeoutMillis: 1000 }), tablePrefix: randomPrefix() });
    await cluster.kill();
    try {
      await expectEveryOperationUnavailable(store);
    } finally {
      await cluster.start();
    }
    await waitUntil('the store to answer again', async () => (await store.findByHash('x')) === null);
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    expect(await store.findByHash(record.hash)).toEqual(record);
  });
});

describe('postgresStore when nothing answers at all', () => {
  test('connection refused (nothing listening) throws StoreUnavailableError from every operation', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: await freePort(), user: 'postgres', connectionTimeoutMillis: 1000 });
    pool.on('error', () => {});
    try {
      const store = postgresStore({ pool });
      await expectEveryOperationUnavailable(store);
      await expectUnavailable(() => store.findByHash('x'), 'ECONNREFUSED');
      await expectUnavailable(() => postgresStore({ pool, migrate: false }).findByHash('x'), 'ECONNREFUSED');
    } finally {
      await pool.end();
    }
  });

  test('a server that accepts but never answers hits the pool\'s connectionTimeoutMillis: StoreUnavailableError', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const { port } = silent.address() as { port: number };
    const pool = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', connectionTimeoutMillis: 200 });
    pool.on('error', () => {});
    try {
      await expectUnavailable(() => postgresStore({ pool, migrate: false }).findByHash('x'), /timeout/);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await pool.end();
    }
  });

  test('a pool the caller already ended throws StoreUnavailableError', async () => {
    const pool = new pg.Pool({ host: '127.0.0.1', port: await freePort(), user: 'postgres' });
    await pool.end();
    await expectUnavailable(() => postgresStore({ pool, migrate: false }).findByHash('x'), /after calling end/);
  });
});
