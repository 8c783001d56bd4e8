import { ConfigurationError } from '@keyward/core';
import { parseInvalidation, postgresInvalidationChannel, postgresInvalidations, postgresStore, type TokenInvalidation } from '@keyward/postgres';
import { makeRecord } from '@keyward/store-tests';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, randomPrefix, type TestDatabase } from './database.js';

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = database.pool({ max: 6 });
});

afterAll(async () => {
  await database?.drop();
});

/** A dedicated connection LISTENing on a store's channel, recording every raw payload. */
async function listen(tablePrefix: string) {
  const client = new pg.Client(database.config);
  await client.connect();
  const payloads: string[] = [];
  client.on('notification', (message) => {
    if (message.channel === postgresInvalidationChannel({ tablePrefix })) payloads.push(message.payload ?? '');
  });
  await client.query(`LISTEN "${postgresInvalidationChannel({ tablePrefix })}"`);
  return {
    payloads,
    hashes: () => payloads.flatMap((p) => p.split(' ')),
    /** Resolves once `count` payloads arrived; bounded so a missing notification fails the test. */
    async waitFor(count: number) {
      for (let i = 0; i < 200 && payloads.length < count; i++) await new Promise((r) => setTimeout(r, 10));
      expect(payloads.length).toBeGreaterThanOrEqual(count);
    },
    end: () => client.end(),
  };
}

async function storeWithListener() {
  const tablePrefix = randomPrefix();
  const store = postgresStore({ pool, tablePrefix });
  await store.findByHash('migrate first');
  return { tablePrefix, store, listener: await listen(tablePrefix) };
}

describe('deletions publish the deleted hashes on the channel, on commit', () => {
  test('deleteMany, deleteByProject and deleteExpired each notify exactly their tokens\' hashes', async () => {
    const { store, listener } = await storeWithListener();
    const many = [makeRecord(), makeRecord()];
    const project = [makeRecord({ scope: { kind: 'project', projectId: 'proj_9' } }), makeRecord({ organizationId: 'org_2', scope: { kind: 'project', projectId: 'proj_9' } })];
    const expired = [makeRecord({ expiresAt: 10 })];
    const kept = makeRecord();
    for (const record of [...many, ...project, ...expired, kept]) await store.insert(record);

    await store.deleteMany('org_1', many.map((r) => r.id));
    await listener.waitFor(1);
    await store.deleteByProject('proj_9');
    await listener.waitFor(2);
    await store.deleteExpired(100);
    await listener.waitFor(3);
    expect(listener.payloads.map((p) => p.split(' ').sort())).toEqual([
      many.map((r) => r.hash).sort(),
      project.map((r) => r.hash).sort(),
      expired.map((r) => r.hash),
    ]);
    expect(listener.hashes()).not.toContain(kept.hash);
    await listener.end();
  });

  test('a 1000-token delete is split into payloads under 8000 bytes that together hold every hash once', async () => {
    const { store, listener } = await storeWithListener();
    const records = Array.from({ length: 1000 }, () => makeRecord());
    await Promise.all(records.map((r) => store.insert(r)));
    const result = await store.deleteMany('org_1', records.map((r) => r.id));
    expect(result.ok).toBe(true);
    // 43-byte hashes and a separator: 181 per payload.
    await listener.waitFor(6);
    for (const payload of listener.payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(listener.hashes().sort()).toEqual(records.map((r) => r.hash).sort());
    await listener.end();
  });

  test('a bulk delete refused as all-or-none (one missing id) notifies nothing', async () => {
    const { store, listener } = await storeWithListener();
    const records = [makeRecord(), makeRecord()];
    const sentinel = makeRecord();
    for (const record of [...records, sentinel]) await store.insert(record);
    expect(await store.deleteMany('org_1', [...records.map((r) => r.id), 'tok_missing'])).toEqual({ ok: false, missing: ['tok_missing'] });
    // Notifications arrive in commit order: once the sentinel's arrives, an earlier one would have.
    await store.deleteMany('org_1', [sentinel.id]);
    await listener.waitFor(1);
    expect(listener.payloads).toEqual([sentinel.hash]);
    await listener.end();
  });

  test('a delete rolled back by its transaction notifies nothing; any committed delete notifies, even outside the store', async () => {
    const { tablePrefix, store, listener } = await storeWithListener();
    const [a, b] = [makeRecord(), makeRecord()];
    await store.insert(a);
    await store.insert(b);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`DELETE FROM "public"."${tablePrefix}tokens" WHERE id = $1`, [a.id]);
      await client.query('ROLLBACK');
      // A host's own SQL (or an operator in psql) deleting a token notifies too.
      await client.query(`DELETE FROM "public"."${tablePrefix}tokens" WHERE id = $1`, [b.id]);
    } finally {
      client.release();
    }
    await listener.waitFor(1);
    expect(listener.payloads).toEqual([b.hash]);
    expect(await store.findByHash(a.hash)).toEqual(a);
    await listener.end();
  });

  test('nothing is published before the deleting transaction commits', async () => {
    const { tablePrefix, store, listener } = await storeWithListener();
    const record = makeRecord();
    await store.insert(record);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`DELETE FROM "public"."${tablePrefix}tokens" WHERE id = $1`, [record.id]);
      // Time for a notification to arrive, were one sent before COMMIT.
      await new Promise((r) => setTimeout(r, 100));
      expect(listener.payloads).toEqual([]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await listener.waitFor(1);
    expect(listener.payloads).toEqual([record.hash]);
    await listener.end();
  });

  test('TRUNCATE of the tokens table publishes "*" (everything may be gone)', async () => {
    const { tablePrefix, store, listener } = await storeWithListener();
    await store.insert(makeRecord());
    await pool.query(`TRUNCATE "public"."${tablePrefix}tokens"`);
    await listener.waitFor(1);
    expect(listener.payloads).toEqual(['*']);
    expect(parseInvalidation('*')).toEqual({ kind: 'all' });
    await listener.end();
  });
});

describe('postgresInvalidations()', () => {
  test('delivers parsed invalidations from its client until stopped', async () => {
    const tablePrefix = randomPrefix();
    const store = postgresStore({ pool, tablePrefix });
    const [a, b] = [makeRecord(), makeRecord()];
    await store.insert(a);
    await store.insert(b);
    const client = new pg.Client(database.config);
    await client.connect();
    const seen: TokenInvalidation[] = [];
    const stop = await postgresInvalidations({ client, tablePrefix, onInvalidation: (i) => seen.push(i) });
    await store.deleteMany('org_1', [a.id]);
    for (let i = 0; i < 200 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([{ kind: 'hashes', hashes: [a.hash] }]);
    await stop();
    await store.deleteMany('org_1', [b.id]);
    // After UNLISTEN the server sends nothing: a query on the same connection is answered after any pending notification.
    await client.query('SELECT 1');
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toHaveLength(1);
    await client.end();
  });

  test('the channel is <tablePrefix>tokens_deleted; bad options are ConfigurationErrors', async () => {
    expect(postgresInvalidationChannel()).toBe('keyward_tokens_deleted');
    expect(postgresInvalidationChannel({ tablePrefix: 'auth_' })).toBe('auth_tokens_deleted');
    expect(() => postgresInvalidationChannel({ tablePrefix: 'a-b' })).toThrow(ConfigurationError);
    await expect(postgresInvalidations({ client: undefined as never, onInvalidation: () => {} })).rejects.toThrow(/client/);
    expect(parseInvalidation('h1 h2')).toEqual({ kind: 'hashes', hashes: ['h1', 'h2'] });
  });
});
