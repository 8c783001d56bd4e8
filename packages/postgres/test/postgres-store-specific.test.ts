import { ConfigurationError, StoreUnavailableError } from '@keyward/core';
import { postgresStore } from '@keyward/postgres';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { statements } from '../src/statements.js';
import { createTestDatabase, randomPrefix, type TestDatabase } from './database.js';

// The store carries contract v3's limits: every read returns the limit fields, so records made here carry them too.
useLimitFields(true);

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = database.pool({ max: 8 });
});

afterAll(async () => {
  await database?.drop();
});

async function rejection(promise: unknown): Promise<unknown> {
  return Promise.resolve(promise).then(
    (value) => new Error(`resolved ${JSON.stringify(value)} instead of throwing`),
    (error: unknown) => error,
  );
}

function sorted(ids: string[]): string[] {
  return [...ids].sort();
}

describe('postgresStore specifics', () => {
  test('verification runs one named prepared statement, on the hash\'s unique index', async () => {
    const single = database.pool({ max: 1 });
    const tablePrefix = randomPrefix();
    const store = postgresStore({ pool: single, tablePrefix });
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    expect(await store.findByHash(record.hash)).toEqual(record);
    const { findByHashName: name, findByHash } = statements({ schema: 'public', tablePrefix });
    // max: 1, so this is the connection that just verified.
    const prepared = await single.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements');
    expect(prepared.rows).toContainEqual({ name, statement: findByHash });
    const plan = await single.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) EXECUTE ${name}('${record.hash}')`);
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(new RegExp(`Index Scan using ${tablePrefix}tokens_hash`));
  });

  test('a deep list() page is one index range starting at the cursor (row-value comparison as the index condition)', async () => {
    const tablePrefix = randomPrefix();
    const store = postgresStore({ pool, tablePrefix });
    await store.list('org_1', { limit: 1 });
    const table = `"public"."${tablePrefix}tokens"`;
    await pool.query(
      `INSERT INTO ${table} (id, organization_id, name, name_key, scope_kind, hash, hint, created_at, created_by)
       SELECT 'tok_' || lpad(i::text, 6, '0'), 'org_' || (i % 4), 'n' || i, 'n' || i, 'organization', md5(i::text), 'kw_abcd', 1700000000000 + i / 3, 'user_1'
       FROM generate_series(1, 40000) AS i`,
    );
    await pool.query(`ANALYZE ${table}`);
    const sql = statements({ schema: 'public', tablePrefix }).listAfter;
    const plan = await pool.query<{ 'QUERY PLAN': string }>({
      text: `EXPLAIN (COSTS OFF) ${sql}`,
      values: ['org_1', 1_700_000_000_100, 'tok_000301', 50],
    });
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(new RegExp(`Index Scan Backward using ${tablePrefix}tokens_org_created`));
    expect(text).toMatch(/Index Cond: .*ROW\(created_at, id\) < ROW\(/);
    expect(text).not.toMatch(/Sort|Filter/);
    // And the pages are right at depth: the page after a cursor deep in the list.
    const cursor = { createdAt: 1_700_000_009_000, id: 'tok_027001' };
    const deep = await store.list('org_1', { limit: 3, after: cursor });
    const expected = Array.from({ length: 40000 }, (_, k) => k + 1)
      .filter((i) => i % 4 === 1)
      .map((i) => [1_700_000_000_000 + Math.floor(i / 3), `tok_${String(i).padStart(6, '0')}`] as const)
      .filter(([createdAt, id]) => createdAt < cursor.createdAt || (createdAt === cursor.createdAt && id < cursor.id))
      .sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? 1 : -1))
      .slice(0, 3);
    expect(deep.items.map((r) => [r.createdAt, r.id])).toEqual(expected);
  });

  test('ids page in byte order whatever the database collation: lower case after upper case, digits first', async () => {
    const store = postgresStore({ pool, tablePrefix: randomPrefix() });
    const ids = ['tok_a', 'tok_B', 'tok_1', 'tok_b', 'tok_Z', 'tok__'];
    for (const id of ids) expect(await store.insert(makeRecord({ id, createdAt: 1000 }))).toBe('ok');
    const all: string[] = [];
    let after;
    for (;;) {
      const page = await store.list('org_1', { limit: 2, after });
      all.push(...page.items.map((r) => r.id));
      if (!page.next) break;
      after = page.next;
    }
    expect(all).toEqual([...ids].sort().reverse());
  });

  test('instants round-trip as numbers at the edges of safe integers', async () => {
    const store = postgresStore({ pool, tablePrefix: randomPrefix() });
    const record = makeRecord({ createdAt: Number.MAX_SAFE_INTEGER, expiresAt: Number.MAX_SAFE_INTEGER - 1, lastUsedAt: 0 });
    const early = makeRecord({ createdAt: -8_640_000_000_000_000, expiresAt: 1 });
    await store.insert(record);
    await store.insert(early);
    expect(await store.findByHash(record.hash)).toEqual(record);
    expect(await store.get('org_1', early.id)).toEqual(early);
    expect((await store.list('org_1', { limit: 10 })).items).toEqual([record, early]);
  });

  test('a duplicate hash or id is an error (unique_violation), neither ok nor name_taken, and writes nothing', async () => {
    const store = postgresStore({ pool, tablePrefix: randomPrefix() });
    const first = makeRecord();
    await store.insert(first);
    for (const clash of [makeRecord({ hash: first.hash }), makeRecord({ id: first.id })]) {
      const error = await rejection(store.insert(clash));
      expect(error).not.toBeInstanceOf(StoreUnavailableError);
      expect((error as { code?: string }).code).toBe('23505');
    }
    expect((await store.list('org_1', { limit: 10 })).items).toEqual([first]);
  });

  test('touch() keeps the newest instant of a batch that names a token twice', async () => {
    const store = postgresStore({ pool, tablePrefix: randomPrefix() });
    const record = makeRecord();
    await store.insert(record);
    const ref = { id: record.id, organizationId: 'org_1' };
    await store.touch([{ ...ref, lastUsedAt: 300 }, { ...ref, lastUsedAt: 900 }, { ...ref, lastUsedAt: 500 }]);
    expect((await store.get('org_1', record.id))?.lastUsedAt).toBe(900);
    // The organization must match too.
    await store.touch([{ id: record.id, organizationId: 'org_other', lastUsedAt: 5000 }]);
    expect((await store.get('org_1', record.id))?.lastUsedAt).toBe(900);
  });

  test('concurrent touch() batches over the same tokens in opposite orders neither deadlock nor go backwards', async () => {
    const tablePrefix = randomPrefix();
    const store = postgresStore({ pool, tablePrefix });
    const records = Array.from({ length: 40 }, () => makeRecord());
    for (const record of records) await store.insert(record);
    // A table big enough that the planner walks the batch in its given order through the primary
    // key (a nested loop), the plan in which lock order follows input order.
    await pool.query(
      `INSERT INTO "public"."${tablePrefix}tokens" (id, organization_id, name, name_key, scope_kind, hash, hint, created_at, created_by)
       SELECT 'tok_f' || i, 'org_f', 'f' || i, 'f' || i, 'organization', 'hf' || i, 'kw_abcd', i, 'user_1' FROM generate_series(1, 20000) AS i`,
    );
    await pool.query(`ANALYZE "public"."${tablePrefix}tokens"`);
    const batch = (at: number, reverse: boolean) => {
      const updates = records.map((r) => ({ id: r.id, organizationId: 'org_1', lastUsedAt: at }));
      return reverse ? updates.reverse() : updates;
    };
    await Promise.all(Array.from({ length: 16 }, (_, i) => store.touch(batch(1000 + i, i % 2 === 1))));
    for (const record of records) expect((await store.get('org_1', record.id))?.lastUsedAt).toBe(1015);
  });

  test('deleteExpired() and deleteByProject() called concurrently report each token exactly once', async () => {
    const store = postgresStore({ pool, tablePrefix: randomPrefix() });
    const expired = Array.from({ length: 60 }, (_, i) => makeRecord({ expiresAt: 1000 + i }));
    const inProject = Array.from({ length: 60 }, () => makeRecord({ scope: { kind: 'project', projectId: 'proj_x' } }));
    for (const record of [...expired, ...inProject]) await store.insert(record);
    const expiredRuns = await Promise.all(Array.from({ length: 6 }, () => store.deleteExpired(5000)));
    const projectRuns = await Promise.all(Array.from({ length: 6 }, () => store.deleteByProject('proj_x')));
    expect(sorted(expiredRuns.flat().map((r) => r.id))).toEqual(sorted(expired.map((r) => r.id)));
    expect(sorted(projectRuns.flat().map((r) => r.id))).toEqual(sorted(inProject.map((r) => r.id)));
    expect(expiredRuns.flat().find((r) => r.id === expired[0]!.id)).toEqual(expired[0]);
  });

  test('two concurrent deleteMany() of the same 20 ids in opposite orders: no deadlock, each token reported by exactly one, every id in one list of each answer', async () => {
    const store = postgresStore({ pool, tablePrefix: randomPrefix() });
    const records = Array.from({ length: 20 }, () => makeRecord());
    for (const record of records) await store.insert(record);
    const ids = records.map((r) => r.id);
    const results = await Promise.all([store.deleteMany('org_1', ids), store.deleteMany('org_1', [...ids].reverse())]);
    expect(sorted(results.flatMap((r) => r.deleted.map((record) => record.id)))).toEqual(sorted(ids));
    for (const result of results) expect(sorted([...result.deleted.map((r) => r.id), ...result.missing])).toEqual(sorted(ids));
  });

  test('deleteMany() of no ids deletes nothing and succeeds', async () => {
    const store = postgresStore({ pool, tablePrefix: randomPrefix() });
    await store.insert(makeRecord());
    expect(await store.deleteMany('org_1', [])).toEqual({ deleted: [], missing: [] });
    expect((await store.list('org_1', { limit: 10 })).items).toHaveLength(1);
  });

  test('close() leaves the caller\'s pool open', async () => {
    const store = postgresStore({ pool, tablePrefix: randomPrefix() });
    await store.findByHash('x');
    await store.close?.();
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});

describe('postgresStore options', () => {
  test('a pool that is not a node-postgres Pool is a ConfigurationError naming pool', () => {
    for (const bad of [undefined, null, 'postgres://', {}, { query() {} }]) {
      expect(() => postgresStore({ pool: bad } as never)).toThrow(ConfigurationError);
      expect(() => postgresStore({ pool: bad } as never)).toThrow(/\bpool\b/);
    }
    expect(() => postgresStore(undefined as never)).toThrow(ConfigurationError);
  });

  test('a schema or tablePrefix that is not a plain identifier is a ConfigurationError naming the option', () => {
    for (const tablePrefix of ['', '1abc', 'a-b', 'a b', 'x"; DROP TABLE y; --', 'é', 'a'.repeat(32), 42]) {
      expect(() => postgresStore({ pool, tablePrefix } as never)).toThrow(ConfigurationError);
      expect(() => postgresStore({ pool, tablePrefix } as never)).toThrow(/tablePrefix/);
    }
    for (const schema of ['', '1abc', 'a.b', 'a"b', 'a'.repeat(64), null]) {
      expect(() => postgresStore({ pool, schema } as never)).toThrow(ConfigurationError);
      expect(() => postgresStore({ pool, schema } as never)).toThrow(/schema/);
    }
    expect(() => postgresStore({ pool, schema: 'A'.repeat(63), tablePrefix: `_${'a'.repeat(30)}` })).not.toThrow();
  });

  test('the pool passed positionally, postgresStore(pool), says to pass it as { pool }', () => {
    expect(() => postgresStore(pool as never)).toThrow(ConfigurationError);
    expect(() => postgresStore(pool as never)).toThrow('postgresStore(options): pass the pool as { pool }: postgresStore({ pool })');
  });

  test('migrate must be a boolean', () => {
    expect(() => postgresStore({ pool, migrate: 'no' } as never)).toThrow(/migrate/);
  });
});
