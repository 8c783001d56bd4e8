import { ConfigurationError, createKeyward, type InvalidationListener } from '@keyward/core';
import { parseInvalidation, postgresInvalidationChannel, postgresInvalidations, postgresStore } from '@keyward/postgres';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import { countingStore } from '@keyward/test-kit/stores';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, randomPrefix, type TestDatabase } from './database.js';

// The store carries contract v3's limits: every read returns the limit fields, so records made here carry them too.
useLimitFields(true);

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
    /**
     * Resolves once `count` payloads arrived; bounded so a missing notification fails the test.
     * The bound is 15 s of wall time, not 200 polls: on a busy machine 200 polls (≥ 2 s) ended
     * before the 6 payloads of a 1000-token delete had arrived.
     */
    async waitFor(count: number) {
      const deadline = Date.now() + 15_000;
      while (payloads.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
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
    // Six at a time, one per pooled connection: 1000 inserts queued at once waited past the pool's
    // 5 s connection timeout on a busy machine.
    for (let i = 0; i < records.length; i += 6) await Promise.all(records.slice(i, i + 6).map((r) => store.insert(r)));
    const result = await store.deleteMany('org_1', records.map((r) => r.id));
    expect(result.missing).toEqual([]);
    // 43-byte hashes and a separator: 181 per payload.
    await listener.waitFor(6);
    for (const payload of listener.payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    expect(listener.hashes().sort()).toEqual(records.map((r) => r.hash).sort());
    await listener.end();
  });

  test('a bulk delete that meets an id already gone notifies exactly the tokens it deleted, and one that finds nothing notifies nothing', async () => {
    const { store, listener } = await storeWithListener();
    const records = [makeRecord(), makeRecord()];
    const sentinel = makeRecord();
    for (const record of [...records, sentinel]) await store.insert(record);
    expect(await store.deleteMany('org_1', ['tok_missing'])).toEqual({ deleted: [], missing: ['tok_missing'] });
    const result = await store.deleteMany('org_1', [records[0]!.id, 'tok_missing', records[1]!.id]);
    expect(result.missing).toEqual(['tok_missing']);
    // Notifications arrive in commit order: once the sentinel's arrives, an earlier one would have.
    await store.deleteMany('org_1', [sentinel.id]);
    await listener.waitFor(2);
    expect(listener.payloads.map((p) => p.split(' ').sort())).toEqual([records.map((r) => r.hash).sort(), [sentinel.hash]]);
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

/** A listener that records what a channel tells it. */
function recorder() {
  const events: Array<{ kind: 'invalidate'; hashes: readonly string[] | null } | { kind: 'proven'; sentAt: number } | { kind: 'lost' }> = [];
  const listener: InvalidationListener = {
    invalidate: (hashes) => events.push({ kind: 'invalidate', hashes }),
    proven: (sentAt) => events.push({ kind: 'proven', sentAt }),
    lost: () => events.push({ kind: 'lost' }),
  };
  const count = (kind: string) => events.filter((e) => e.kind === kind).length;
  return {
    events,
    listener,
    count,
    invalidations: () => events.filter((e) => e.kind === 'invalidate').map((e) => (e as { hashes: readonly string[] | null }).hashes),
    /** Waits (bounded) until `probe` holds, so a missing event fails the test instead of hanging it. */
    async until(what: string, probe: () => boolean) {
      for (let i = 0; i < 300 && !probe(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(probe(), what).toBe(true);
    },
  };
}

describe('postgresInvalidations(): the channel for core\'s lookup cache', () => {
  test('on a pool: trust starts at LISTEN (lost), heartbeats come back (proven), deletes arrive as invalidate(hashes), TRUNCATE as invalidate(null)', async () => {
    const tablePrefix = randomPrefix();
    const store = postgresStore({ pool, tablePrefix });
    const [a, b, c] = [makeRecord(), makeRecord(), makeRecord()];
    for (const record of [a, b, c]) await store.insert(record);
    const errors: unknown[] = [];
    const seen = recorder();
    const subscription = postgresInvalidations({ pool, tablePrefix }).subscribe(seen.listener, { heartbeatMs: 20, onError: (e) => errors.push(e) });
    await seen.until('a heartbeat came back', () => seen.count('proven') >= 2);
    expect(seen.events[0]).toEqual({ kind: 'lost' });
    const before = performance.now();
    for (const event of seen.events) if (event.kind === 'proven') expect(event.sentAt).toBeLessThanOrEqual(before);

    expect(await store.deleteMany('org_1', ['tok_missing'])).toEqual({ deleted: [], missing: ['tok_missing'] });
    await store.deleteMany('org_1', [a.id, b.id]);
    await seen.until('the deletion arrived', () => seen.count('invalidate') >= 1);
    expect(seen.invalidations().map((h) => [...h!].sort())).toEqual([[a.hash, b.hash].sort()]);
    await pool.query(`TRUNCATE "public"."${tablePrefix}tokens"`);
    await seen.until('the truncate arrived', () => seen.count('invalidate') >= 2);
    expect(seen.invalidations()[1]).toBeNull();

    await subscription.close();
    const after = seen.events.length;
    await store.insert(c);
    await store.deleteMany('org_1', [c.id]);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.events.length).toBe(after);
    expect(errors).toEqual([]);
  });

  test('a listening connection killed by the server signals lost(); on a pool the feed reconnects and is trusted again', async () => {
    const tablePrefix = randomPrefix();
    const store = postgresStore({ pool, tablePrefix });
    const record = makeRecord();
    await store.insert(record);
    const seen = recorder();
    const subscription = postgresInvalidations({ pool, tablePrefix }).subscribe(seen.listener, { heartbeatMs: 20, onError: () => {} });
    await seen.until('a heartbeat came back', () => seen.count('proven') >= 1);
    const channel = postgresInvalidationChannel({ tablePrefix });
    const killed = await pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_notify(%' AND datname = current_database()`);
    expect(killed.rowCount).toBeGreaterThanOrEqual(1);
    await seen.until('the loss was signalled', () => seen.count('lost') >= 2);
    const lostAt = seen.events.length;
    await seen.until('heartbeats came back after reconnecting', () => seen.events.slice(lostAt).some((e) => e.kind === 'proven'));
    await store.deleteMany('org_1', [record.id]);
    await seen.until('a deletion arrived on the new connection', () => seen.count('invalidate') >= 1);
    expect(seen.invalidations()).toEqual([[record.hash]]);
    expect(channel).toBe(`${tablePrefix}tokens_deleted`);
    await subscription.close();
  });

  test('on a caller\'s client: its end signals lost() and the feed stops; other instances\' heartbeats are not taken as proof', async () => {
    const tablePrefix = randomPrefix();
    const mine = new pg.Client(database.config);
    await mine.connect();
    const seen = recorder();
    const other = recorder();
    const otherSubscription = postgresInvalidations({ pool, tablePrefix }).subscribe(other.listener, { heartbeatMs: 10, onError: () => {} });
    await other.until('the other instance is live', () => other.count('proven') >= 1);
    const subscription = postgresInvalidations({ client: mine, tablePrefix }).subscribe(seen.listener, { heartbeatMs: 1000, onError: () => {} });
    // One heartbeat of its own at LISTEN; the other instance beats every 10 ms meanwhile.
    await seen.until('its own first heartbeat came back', () => seen.count('proven') >= 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.count('proven')).toBe(1);
    await mine.end();
    await seen.until('the end was signalled', () => seen.count('lost') >= 2);
    await subscription.close();
    await otherSubscription.close();
  });

  test('core\'s cache on PostgreSQL: B answers a token from its cache, A deletes it, B refuses it once the deletion arrives', async () => {
    const tablePrefix = randomPrefix();
    const owner = { userId: 'user_1', organizationId: 'org_1', role: 'owner' } as const;
    const a = createKeyward({ store: postgresStore({ pool, tablePrefix }), resolveProject: () => null });
    const lookups = countingStore(postgresStore({ pool, tablePrefix }));
    const b = createKeyward({ store: lookups, resolveProject: () => null, cache: { channel: postgresInvalidations({ pool, tablePrefix }), maxStalenessMs: 2000 } });
    const { plaintext, token } = await a.create(owner, { name: 'cached', scope: { kind: 'organization' }, expiresIn: '7d' });
    // Once the feed is proven live, a repeated verify is answered from B's cache.
    let cached = false;
    for (let i = 0; i < 300 && !cached; i++) {
      expect((await b.verify(plaintext)).ok).toBe(true);
      const before = lookups.calls.findByHash;
      expect((await b.verify(plaintext)).ok).toBe(true);
      cached = lookups.calls.findByHash === before;
      if (!cached) await new Promise((r) => setTimeout(r, 10));
    }
    expect(cached).toBe(true);
    const cachedAt = lookups.calls.findByHash;
    expect((await b.verify(plaintext)).ok).toBe(true);
    expect(lookups.calls.findByHash).toBe(cachedAt);

    await a.delete(owner, token.id);
    let refused = false;
    for (let i = 0; i < 300 && !refused; i++) {
      refused = (await b.verify(plaintext)).ok === false;
      if (!refused) await new Promise((r) => setTimeout(r, 10));
    }
    expect(refused).toBe(true);
    expect(await b.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    await a.close();
    await b.close();
  });

  test('the channel name is <tablePrefix>tokens_deleted; bad options are ConfigurationErrors naming them', () => {
    expect(postgresInvalidationChannel()).toBe('keyward_tokens_deleted');
    expect(postgresInvalidationChannel({ tablePrefix: 'auth_' })).toBe('auth_tokens_deleted');
    expect(() => postgresInvalidationChannel({ tablePrefix: 'a-b' })).toThrow(ConfigurationError);
    expect(() => postgresInvalidations({} as never)).toThrow(/pool.*client/);
    expect(() => postgresInvalidations({ pool, client: {} } as never)).toThrow(ConfigurationError);
    expect(() => postgresInvalidations({ pool: {} } as never)).toThrow(/pool must be/);
    expect(() => postgresInvalidations({ client: null } as never)).toThrow(/client must be/);
    expect(() => postgresInvalidations({ pool, tablePrefix: 'x y' })).toThrow(/tablePrefix/);
    expect(parseInvalidation('h1 h2')).toEqual({ kind: 'hashes', hashes: ['h1', 'h2'] });
    expect(parseInvalidation('~abc:12.5')).toEqual({ kind: 'heartbeat' });
  });
});
