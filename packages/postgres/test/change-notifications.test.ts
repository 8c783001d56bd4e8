// Schema version 2 announces more than deletions on the invalidation channel: a roll, a rename, a
// metadata change (anything a verification answers with) publishes the row's old hashes in the
// changing statement; a deletion publishes the previous secret too; recording a use never
// publishes. And core's cache, fed by postgresInvalidations, follows all of it across instances.
import { createKeyward } from '@keyward/core';
import { postgresInvalidationChannel, postgresInvalidations, postgresStore } from '@keyward/postgres';
import { makeHash, makeRecord, useLimitFields } from '@keyward/store-tests';
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

/** A store at a fresh prefix, migrated, and a connection LISTENing on its channel. */
async function storeWithListener() {
  const tablePrefix = randomPrefix();
  const store = postgresStore({ pool, tablePrefix });
  await store.findByHash('migrate first');
  const client = new pg.Client(database.config);
  await client.connect();
  const channel = postgresInvalidationChannel({ tablePrefix });
  const payloads: string[] = [];
  client.on('notification', (message) => {
    if (message.channel === channel) payloads.push(message.payload ?? '');
  });
  await client.query(`LISTEN "${channel}"`);
  const sentinel = async () => {
    // Notifications arrive in commit order: once a later delete's arrives, any earlier one has.
    const marker = makeRecord();
    await store.insert(marker);
    await store.deleteMany(marker.organizationId, [marker.id]);
    for (let i = 0; i < 300 && !payloads.includes(marker.hash); i++) await new Promise((r) => setTimeout(r, 10));
    expect(payloads, 'the sentinel deletion arrived').toContain(marker.hash);
    return payloads.splice(0).filter((p) => p !== marker.hash);
  };
  return {
    tablePrefix,
    store,
    table: `"public"."${tablePrefix}tokens"`,
    /** Every payload published since the last call, once everything committed before it arrived. */
    published: sentinel,
    end: () => client.end(),
  };
}

const GRACE_END = 1_900_000_000_000;

describe('the change trigger', () => {
  test('roll() announces the old current hash, and the old previous hash it drops', async () => {
    const { store, published, end } = await storeWithListener();
    const token = makeRecord();
    await store.insert(token);
    expect(await published()).toEqual([]);
    const second = makeHash();
    await store.roll('org_1', token.id, { hash: second, hint: 'kw_two2', previousExpiresAt: GRACE_END });
    expect(await published()).toEqual([token.hash]);
    await store.roll('org_1', token.id, { hash: makeHash(), hint: 'kw_thr3', previousExpiresAt: null });
    expect(await published()).toEqual([`${second} ${token.hash}`]);
    await end();
  });

  test('update() announces the token\'s hashes for a rename and for new metadata, but not for a change that changes nothing', async () => {
    const { store, published, end } = await storeWithListener();
    const token = makeRecord({ previous: { hash: makeHash(), hint: 'kw_old1', expiresAt: GRACE_END } });
    await store.insert(token);
    await store.update('org_1', token.id, { name: 'Renamed', nameKey: 'renamed' });
    expect(await published()).toEqual([`${token.hash} ${token.previous!.hash}`]);
    await store.update('org_1', token.id, { metadata: { team: 'ops' } });
    expect(await published()).toEqual([`${token.hash} ${token.previous!.hash}`]);
    expect(await store.update('org_1', token.id, { name: 'Renamed', nameKey: 'renamed', metadata: { team: 'ops' } })).toMatchObject({ name: 'Renamed' });
    expect(await published()).toEqual([]);
    await end();
  });

  test('a rename refused as name_taken, and a roll rolled back with its transaction, announce nothing', async () => {
    const { store, table, published, end } = await storeWithListener();
    const [a, b] = [makeRecord({ name: 'A', nameKey: 'a' }), makeRecord({ name: 'B', nameKey: 'b' })];
    await store.insert(a);
    await store.insert(b);
    expect(await store.update('org_1', a.id, { name: 'B', nameKey: 'b' })).toBe('name_taken');
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`UPDATE ${table} SET hash = 'rolled back' WHERE id = $1`, [a.id]);
      await client.query('ROLLBACK');
    } finally {
      client.release();
    }
    expect(await published()).toEqual([]);
    await end();
  });

  test('touch() never announces, however many uses it records', async () => {
    const { store, published, end } = await storeWithListener();
    const tokens = Array.from({ length: 50 }, () => makeRecord());
    for (const t of tokens) await store.insert(t);
    for (let at = 1; at <= 3; at++) await store.touch(tokens.map((t) => ({ id: t.id, organizationId: 'org_1', lastUsedAt: at * 1000 })));
    expect((await store.get('org_1', tokens[0]!.id))?.lastUsedAt).toBe(3000);
    expect(await published()).toEqual([]);
    await end();
  });

  test('a host\'s own UPDATE of what a verification answers with (expiry, permissions, scope) announces; of last_used_at alone, nothing', async () => {
    const { store, table, published, end } = await storeWithListener();
    const token = makeRecord({ permissions: ['a'] });
    await store.insert(token);
    await pool.query(`UPDATE ${table} SET last_used_at = 5 WHERE id = $1`, [token.id]);
    expect(await published()).toEqual([]);
    await pool.query(`UPDATE ${table} SET expires_at = 10 WHERE id = $1`, [token.id]);
    await pool.query(`UPDATE ${table} SET permissions = '[]' WHERE id = $1`, [token.id]);
    await pool.query(`UPDATE ${table} SET scope_kind = 'project', project_id = 'proj_q' WHERE id = $1`, [token.id]);
    expect(await published()).toEqual([token.hash, token.hash, token.hash]);
    await end();
  });

  test('deleting a rolled token announces its current and its previous hash, by every deleting method', async () => {
    const { store, published, end } = await storeWithListener();
    const previous = () => ({ hash: makeHash(), hint: 'kw_old1', expiresAt: GRACE_END });
    const [many, project, expired] = [
      makeRecord({ previous: previous() }),
      makeRecord({ previous: previous(), scope: { kind: 'project', projectId: 'proj_n' } }),
      makeRecord({ previous: previous(), expiresAt: 10 }),
    ];
    for (const r of [many, project, expired]) await store.insert(r);
    await store.deleteMany('org_1', [many.id]);
    await store.deleteByProject('proj_n');
    await store.deleteExpired(10);
    expect(await published()).toEqual([many, project, expired].map((r) => `${r.hash} ${r.previous!.hash}`));
    await end();
  });
});

describe('core\'s cache on PostgreSQL across instances', () => {
  /** A (writing, no cache) and B (cached, counting its store lookups) on one store location. */
  async function twoInstances() {
    const tablePrefix = randomPrefix();
    const a = createKeyward({ store: postgresStore({ pool, tablePrefix }), resolveProject: () => null, onError: () => {} });
    const lookups = countingStore(postgresStore({ pool, tablePrefix }));
    const b = createKeyward({
      store: lookups,
      resolveProject: () => null,
      onError: () => {},
      cache: { channel: postgresInvalidations({ pool, tablePrefix }), maxStalenessMs: 2000 },
    });
    return { a, b, lookups };
  }

  const owner = { userId: 'user_1', organizationId: 'org_1', role: 'owner' } as const;

  /** Verifies in B until B answers from its cache (the feed proven live), bounded. */
  async function cachedIn(b: ReturnType<typeof createKeyward>, lookups: { calls: { findByHash: number } }, plaintext: string) {
    for (let i = 0; i < 300; i++) {
      expect((await b.verify(plaintext)).ok).toBe(true);
      const before = lookups.calls.findByHash;
      expect((await b.verify(plaintext)).ok).toBe(true);
      if (lookups.calls.findByHash === before) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('B never answered from its cache');
  }

  /** Asks `probe` until `done` holds for its answer, bounded; returns the last answer. */
  async function eventually<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    let value = await probe();
    for (let i = 0; i < 300 && !done(value); i++) {
      await new Promise((r) => setTimeout(r, 10));
      value = await probe();
    }
    return value;
  }

  test('after A rolls a token with no grace, B stops accepting the old secret it had cached, and accepts the new one', async () => {
    const { a, b, lookups } = await twoInstances();
    const { plaintext, token } = await a.create(owner, { name: 'cached', scope: { kind: 'organization' }, expiresIn: '7d' });
    await cachedIn(b, lookups, plaintext);
    const rolled = await a.roll(owner, token.id);
    const old = await eventually(() => b.verify(plaintext), (r) => !r.ok);
    expect(old).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await b.verify(rolled.plaintext)).toMatchObject({ ok: true, token: { id: token.id } });
    await a.close();
    await b.close();
  });

  test('after A rolls with a grace period then rolls again, B stops accepting the first secret it had cached', async () => {
    const { a, b, lookups } = await twoInstances();
    const { plaintext, token } = await a.create(owner, { name: 'cached twice', scope: { kind: 'organization' }, expiresIn: '7d' });
    const graced = await a.roll(owner, token.id, { previousSecretExpiresIn: '1h' });
    await cachedIn(b, lookups, plaintext);
    await cachedIn(b, lookups, graced.plaintext);
    const last = await a.roll(owner, token.id, { previousSecretExpiresIn: '1h' });
    expect(await eventually(() => b.verify(plaintext), (r) => !r.ok)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect((await b.verify(graced.plaintext)).ok).toBe(true);
    expect((await b.verify(last.plaintext)).ok).toBe(true);
    await a.close();
    await b.close();
  });

  test('after A renames a token and sets its metadata, B answers with the new name and metadata, not its cached record', async () => {
    const { a, b, lookups } = await twoInstances();
    const { plaintext, token } = await a.create(owner, { name: 'before', scope: { kind: 'organization' }, expiresIn: '7d' });
    await cachedIn(b, lookups, plaintext);
    await a.update(owner, token.id, { name: 'after', metadata: { team: 'ops' } });
    const answer = await eventually(() => b.verify(plaintext), (r) => r.ok && r.token.name === 'after');
    expect(answer).toMatchObject({ ok: true, token: { id: token.id, name: 'after', metadata: { team: 'ops' } } });
    await a.close();
    await b.close();
  });

  test('after A deletes a token rolled with a grace period, B refuses both secrets it had cached', async () => {
    const { a, b, lookups } = await twoInstances();
    const { plaintext, token } = await a.create(owner, { name: 'doomed', scope: { kind: 'organization' }, expiresIn: '7d' });
    const rolled = await a.roll(owner, token.id, { previousSecretExpiresIn: '24h' });
    await cachedIn(b, lookups, plaintext);
    await cachedIn(b, lookups, rolled.plaintext);
    await a.delete(owner, token.id);
    // Each on its own: B may have dropped one entry before the delete (the roll's own notification
    // can arrive after B cached the old secret), and then answers it from the store at once.
    for (const secret of [plaintext, rolled.plaintext]) {
      expect(await eventually(() => b.verify(secret), (r) => !r.ok)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    }
    await a.close();
    await b.close();
  });
});
