// What schema version 2 adds, as PostgreSQL does it: the previous secret beside the current one
// (findByHash over both unique indexes), roll() and update() as single statements, jsonb
// permissions and metadata, and listExpiring's keyset pages on the (expires_at, id) index.
import { StoreUnavailableError, type TokenRecord } from '@keyward/core';
import { postgresStore } from '@keyward/postgres';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import pg from 'pg';
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

async function freshStore(p: pg.Pool = pool) {
  const tablePrefix = randomPrefix();
  const store = postgresStore({ pool: p, tablePrefix });
  await store.findByHash('migrate first');
  return { tablePrefix, store, table: `"public"."${tablePrefix}tokens"`, sql: statements({ schema: 'public', tablePrefix }) };
}

async function plan(p: pg.Pool | pg.PoolClient, text: string, values: unknown[] = []): Promise<string> {
  const { rows } = await p.query<{ 'QUERY PLAN': string }>({ text, values });
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

async function rejection(promise: unknown): Promise<unknown> {
  return Promise.resolve(promise).then(
    (value) => new Error(`resolved ${JSON.stringify(value)} instead of throwing`),
    (error: unknown) => error,
  );
}

const hashOf = (n: number) => `rolled_hash_${n}_${'x'.repeat(24)}`;

describe('findByHash over the current and the previous secret', () => {
  test('is one named prepared statement: an index probe per secret in order, the previous one never run when the current one matches', async () => {
    const single = database.pool({ max: 1 });
    const { store, sql, tablePrefix } = await freshStore(single);
    const rolled = makeRecord();
    await store.insert(rolled);
    await store.roll('org_1', rolled.id, { hash: hashOf(1), hint: 'kw_new1', previousExpiresAt: 5000 });
    expect(await store.findByHash(hashOf(1))).toMatchObject({ id: rolled.id });
    const prepared = await single.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements');
    expect(prepared.rows).toContainEqual({ name: sql.findByHashName, statement: sql.findByHash });
    // Both the plan PostgreSQL builds for the given value and the generic one it may switch to.
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      await single.query(`SET plan_cache_mode = ${mode}`);
      const current = await plan(single, `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE ${sql.findByHashName}('${hashOf(1)}')`);
      expect(current).toMatch(new RegExp(`Index Scan using ${tablePrefix}tokens_hash .*\\(actual rows=1 loops=1\\)`));
      expect(current).toMatch(new RegExp(`Index Scan using ${tablePrefix}tokens_previous_hash .*\\(never executed\\)`));
      const previous = await plan(single, `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE ${sql.findByHashName}('${rolled.hash}')`);
      expect(previous).toMatch(new RegExp(`Index Scan using ${tablePrefix}tokens_hash .*\\(actual rows=0 loops=1\\)`));
      expect(previous).toMatch(new RegExp(`Index Scan using ${tablePrefix}tokens_previous_hash .*\\(actual rows=1 loops=1\\)`));
      expect(`${current}\n${previous}`).not.toMatch(/Seq Scan|Filter/);
    }
  });

  test('on a large analyzed table with many rolled tokens, both arms stay index scans', async () => {
    const { store, sql, table, tablePrefix } = await freshStore();
    await pool.query(
      `INSERT INTO ${table} (id, organization_id, name, name_key, scope_kind, hash, hint, created_at, created_by, previous_hash, previous_hint, previous_expires_at)
       SELECT 'tok_' || i, 'org_' || (i % 50), 'n' || i, 'n' || i, 'organization', 'h' || i, 'kw_abcd', i, 'user_1',
              CASE WHEN i % 3 = 0 THEN 'p' || i END, CASE WHEN i % 3 = 0 THEN 'kw_efgh' END, CASE WHEN i % 3 = 0 THEN 10 END
       FROM generate_series(1, 30000) AS i`,
    );
    await pool.query(`ANALYZE ${table}`);
    const text = await plan(pool, `EXPLAIN (COSTS OFF) ${sql.findByHash}`, ['p300']);
    expect(text).toMatch(new RegExp(`Index Scan using ${tablePrefix}tokens_hash`));
    expect(text).toMatch(new RegExp(`Index Scan using ${tablePrefix}tokens_previous_hash`));
    expect(text).not.toMatch(/Seq Scan|Bitmap Heap Scan|Filter/);
    expect(await store.findByHash('p300')).toMatchObject({ id: 'tok_300', hash: 'h300', previous: { hash: 'p300', hint: 'kw_efgh', expiresAt: 10 } });
    expect(await store.findByHash('h300')).toMatchObject({ id: 'tok_300' });
    expect(await store.findByHash('p301')).toBeNull();
  });
});

describe('roll()', () => {
  test('keeps the old secret as previous until the given instant; without one, or at the next roll, a secret stops at once', async () => {
    const { store } = await freshStore();
    const token = makeRecord({ permissions: ['tokens:read'], metadata: { team: 'ops' }, lastUsedAt: 77, expiresAt: 9_000_000_000_000 });
    await store.insert(token);
    const once = await store.roll('org_1', token.id, { hash: hashOf(1), hint: 'kw_one1', previousExpiresAt: 1234 });
    expect(once).toEqual({ ...token, hash: hashOf(1), hint: 'kw_one1', previous: { hash: token.hash, hint: token.hint, expiresAt: 1234 } });
    expect(await store.findByHash(token.hash)).toEqual(once);
    expect(await store.findByHash(hashOf(1))).toEqual(once);

    const twice = await store.roll('org_1', token.id, { hash: hashOf(2), hint: 'kw_two2', previousExpiresAt: 5678 });
    expect(twice?.previous).toEqual({ hash: hashOf(1), hint: 'kw_one1', expiresAt: 5678 });
    expect(await store.findByHash(token.hash)).toBeNull();

    const abrupt = await store.roll('org_1', token.id, { hash: hashOf(3), hint: 'kw_thr3', previousExpiresAt: null });
    expect(abrupt).toEqual({ ...token, hash: hashOf(3), hint: 'kw_thr3', previous: null });
    for (const gone of [token.hash, hashOf(1), hashOf(2)]) expect(await store.findByHash(gone)).toBeNull();
    expect(await store.get('org_1', token.id)).toEqual(abrupt);
  });

  test('of an unknown id, or of another organization\'s token, resolves null and writes nothing', async () => {
    const { store } = await freshStore();
    const token = makeRecord({ organizationId: 'org_2' });
    await store.insert(token);
    expect(await store.roll('org_1', token.id, { hash: hashOf(1), hint: 'kw_x', previousExpiresAt: 10 })).toBeNull();
    expect(await store.roll('org_2', 'tok_missing', { hash: hashOf(1), hint: 'kw_x', previousExpiresAt: 10 })).toBeNull();
    expect(await store.findByHash(hashOf(1))).toBeNull();
    expect(await store.get('org_2', token.id)).toEqual(token);
  });

  test('twenty concurrent rolls of one token are each applied whole: the current secret is one of them, previous the one rolled just before, and the rest find nothing', async () => {
    const { store } = await freshStore();
    const token = makeRecord();
    await store.insert(token);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.roll('org_1', token.id, { hash: hashOf(i), hint: `kw_${i}`, previousExpiresAt: 1000 + i })));
    const final = (await store.get('org_1', token.id))!;
    // Each roll saw the row its predecessor left: the results chain from the original secret.
    const byPrevious = new Map(results.map((r) => [r!.previous!.hash, r!]));
    let hash = token.hash;
    for (let i = 0; i < 20; i++) {
      const next = byPrevious.get(hash);
      expect(next, `a roll took over from ${hash}`).toBeDefined();
      hash = next!.hash;
    }
    expect(final.hash).toBe(hash);
    const live = [final.hash, final.previous!.hash];
    for (const candidate of [token.hash, ...Array.from({ length: 20 }, (_, i) => hashOf(i))]) {
      const found = await store.findByHash(candidate);
      if (live.includes(candidate)) expect(found).toEqual(final);
      else expect(found).toBeNull();
    }
  });

  test('onto a hash another token holds is a unique_violation (a bug in the caller), and writes nothing', async () => {
    const { store } = await freshStore();
    const [a, b] = [makeRecord(), makeRecord()];
    await store.insert(a);
    await store.insert(b);
    const error = await rejection(store.roll('org_1', a.id, { hash: b.hash, hint: 'kw_x', previousExpiresAt: 10 }));
    expect(error).not.toBeInstanceOf(StoreUnavailableError);
    expect((error as { code?: string }).code).toBe('23505');
    expect(await store.get('org_1', a.id)).toEqual(a);
  });
});

describe('update()', () => {
  test('renames and replaces metadata in one statement; every other field stays', async () => {
    const { store } = await freshStore();
    const token = makeRecord({ permissions: ['a', 'b'], metadata: { keep: false }, lastUsedAt: 5 });
    await store.insert(token);
    const renamed = await store.update('org_1', token.id, { name: 'Renamed', nameKey: 'renamed' });
    expect(renamed).toEqual({ ...token, name: 'Renamed', nameKey: 'renamed' });
    const both = (await store.update('org_1', token.id, { name: 'Both', nameKey: 'both', metadata: { nested: { list: [1, 'two', null, true] } } })) as TokenRecord;
    expect(both).toEqual({ ...token, name: 'Both', nameKey: 'both', metadata: { nested: { list: [1, 'two', null, true] } } });
    expect(await store.update('org_1', token.id, { metadata: null })).toEqual({ ...both, metadata: null });
    expect(await store.update('org_1', token.id, {})).toEqual({ ...both, metadata: null });
    expect(await store.findByHash(token.hash)).toEqual({ ...both, metadata: null });
  });

  test('a name another token of the organization holds is name_taken, and nothing of the change is written; the token\'s own key, or another organization\'s, is not a clash', async () => {
    const { store } = await freshStore();
    const [a, b] = [makeRecord({ name: 'Alpha', nameKey: 'alpha' }), makeRecord({ name: 'Beta', nameKey: 'beta' })];
    const elsewhere = makeRecord({ organizationId: 'org_2', name: 'Gamma', nameKey: 'gamma' });
    for (const r of [a, b, elsewhere]) await store.insert(r);
    expect(await store.update('org_1', a.id, { name: 'BETA', nameKey: 'beta', metadata: { lost: true } })).toBe('name_taken');
    expect(await store.get('org_1', a.id)).toEqual(a);
    expect(await store.update('org_1', a.id, { name: 'ALPHA', nameKey: 'alpha' })).toMatchObject({ name: 'ALPHA', nameKey: 'alpha' });
    expect(await store.update('org_1', a.id, { name: 'Gamma', nameKey: 'gamma' })).toMatchObject({ name: 'Gamma' });
  });

  test('of an unknown id, or of another organization\'s token, resolves null (not name_taken) and writes nothing', async () => {
    const { store } = await freshStore();
    const [a, b] = [makeRecord({ name: 'A', nameKey: 'a' }), makeRecord({ organizationId: 'org_2', name: 'B', nameKey: 'b' })];
    await store.insert(a);
    await store.insert(b);
    expect(await store.update('org_1', b.id, { name: 'A', nameKey: 'a' })).toBeNull();
    expect(await store.update('org_1', 'tok_missing', { name: 'A', nameKey: 'a' })).toBeNull();
    expect(await store.update('org_1', 'tok_missing', {})).toBeNull();
    expect(await store.get('org_2', b.id)).toEqual(b);
  });

  test('of twenty tokens renamed to one name at once, exactly one gets it', async () => {
    const { store, table } = await freshStore();
    const tokens = Array.from({ length: 20 }, () => makeRecord());
    for (const t of tokens) await store.insert(t);
    const outcomes = await Promise.all(tokens.map((t, i) => store.update('org_1', t.id, { name: i % 2 ? 'Shared' : 'SHARED', nameKey: 'shared' })));
    expect(outcomes.filter((o) => o === 'name_taken')).toHaveLength(19);
    const { rows } = await pool.query(`SELECT 1 FROM ${table} WHERE name_key = 'shared'`);
    expect(rows).toHaveLength(1);
  });
});

describe('permissions and metadata (jsonb)', () => {
  test('round-trip through every reading method, whatever jsonb type parser the host set on its pool', async () => {
    // A host that wants jsonb as text (pg's JSON and JSONB type ids, 114 and 3802).
    const jsonAsText = (id: number, format?: string) => (id === 114 || id === 3802 ? (value: string) => value : pg.types.getTypeParser(id, format as 'text'));
    const raw = database.pool({ max: 2, types: { getTypeParser: jsonAsText as never } });
    for (const p of [pool, raw]) {
      const { store } = await freshStore(p);
      const token = makeRecord({
        permissions: ['billing:read', 'tokens:write'],
        metadata: { owner: 'Zoë', limits: { rps: 12.5, burst: 1e21 }, tags: ['a', 'b'], empty: {}, flag: false, nothing: null },
        expiresAt: 100,
        scope: { kind: 'project', projectId: 'proj_j' },
      });
      await store.insert(token);
      expect(await store.findByHash(token.hash)).toEqual(token);
      expect(await store.get('org_1', token.id)).toEqual(token);
      expect((await store.list('org_1', { limit: 5 })).items).toEqual([token]);
      expect((await store.listExpiring({ expiresAfter: 0, expiresBy: 1000, limit: 5 })).items).toEqual([token]);
      expect(await store.deleteByProject('proj_j')).toEqual([token]);
    }
  });

  test('the table refuses a permissions value that is not an array, metadata that is not an object, and a half-set previous secret', async () => {
    const { table } = await freshStore();
    const insert = (columns: string, values: string) =>
      rejection(
        pool.query(
          `INSERT INTO ${table} (id, organization_id, name, name_key, scope_kind, hash, hint, created_at, created_by, ${columns})
           VALUES ('tok_c', 'org_1', 'n', 'n', 'organization', 'h', 'kw_abcd', 1, 'user_1', ${values})`,
        ),
      );
    for (const [columns, values] of [
      ['permissions', `'"read"'`],
      ['metadata', `'[1]'`],
      ['previous_hash', `'p'`],
      ['previous_hash, previous_hint', `'p', 'kw_p'`],
      ['previous_hint, previous_expires_at', `'kw_p', 10`],
    ] as const) {
      expect(((await insert(columns, values)) as { code?: string }).code, columns).toBe('23514');
    }
  });
});

describe('deleting returns records with their previous secret, and both stop', () => {
  test('deleteMany, deleteByProject and deleteExpired', async () => {
    const { store } = await freshStore();
    const [many, project, expired] = [makeRecord(), makeRecord({ scope: { kind: 'project', projectId: 'proj_d' } }), makeRecord({ expiresAt: 50 })];
    const rolled: TokenRecord[] = [];
    for (const [i, r] of [many, project, expired].entries()) {
      await store.insert(r);
      rolled.push((await store.roll('org_1', r.id, { hash: hashOf(i), hint: 'kw_new', previousExpiresAt: 9_000_000_000_000 }))!);
    }
    expect(await store.deleteMany('org_1', [many.id])).toEqual({ deleted: [rolled[0]], missing: [] });
    expect(await store.deleteByProject('proj_d')).toEqual([rolled[1]]);
    expect(await store.deleteExpired(50)).toEqual([rolled[2]]);
    for (const r of rolled) {
      expect(await store.findByHash(r.hash)).toBeNull();
      expect(await store.findByHash(r.previous!.hash)).toBeNull();
    }
  });
});

describe('listExpiring()', () => {
  test('pages every organization\'s tokens in (expiresAfter, expiresBy], soonest first then by id, and a cursor outside the window changes nothing', async () => {
    const { store } = await freshStore();
    const tokens = [
      makeRecord({ id: 'tok_b', organizationId: 'org_2', expiresAt: 200 }),
      makeRecord({ id: 'tok_a', expiresAt: 200 }),
      makeRecord({ id: 'tok_c', expiresAt: 100 }),
      makeRecord({ id: 'tok_d', expiresAt: 300 }),
      makeRecord({ id: 'tok_e', expiresAt: 301 }),
      makeRecord({ id: 'tok_f', expiresAt: null }),
      makeRecord({ id: 'tok_B', expiresAt: 200 }),
    ];
    for (const t of tokens) await store.insert(t);
    const ids: string[] = [];
    let after;
    for (;;) {
      const page = await store.listExpiring({ expiresAfter: 100, expiresBy: 300, limit: 2, after });
      ids.push(...page.items.map((r) => r.id));
      if (!page.next) break;
      expect(page.next).toEqual({ expiresAt: page.items[1]!.expiresAt, id: page.items[1]!.id });
      after = page.next;
    }
    expect(ids).toEqual(['tok_B', 'tok_a', 'tok_b', 'tok_d']);
    const early = await store.listExpiring({ expiresAfter: 100, expiresBy: 300, limit: 10, after: { expiresAt: 50, id: 'tok_z' } });
    expect(early.items.map((r) => r.id)).toEqual(ids);
    expect(await store.listExpiring({ expiresAfter: 100, expiresBy: 300, limit: 10, after: { expiresAt: 300, id: 'tok_d' } })).toEqual({ items: [], next: null });
  });

  test('a deep page is one range of the (expires_at, id) index starting at the cursor, and right', async () => {
    const { store, sql, table, tablePrefix } = await freshStore();
    await pool.query(
      `INSERT INTO ${table} (id, organization_id, name, name_key, scope_kind, hash, hint, created_at, created_by, expires_at)
       SELECT 'tok_' || lpad(i::text, 6, '0'), 'org_' || (i % 7), 'n' || i, 'n' || i, 'organization', md5(i::text), 'kw_abcd', 1, 'user_1',
              CASE WHEN i % 10 = 0 THEN NULL ELSE 1700000000000 + (i / 4) END
       FROM generate_series(1, 40000) AS i`,
    );
    await pool.query(`ANALYZE ${table}`);
    const values = [1_700_000_008_000, 'tok_032001', 1_800_000_000_000, 51];
    const text = await plan(pool, `EXPLAIN (COSTS OFF) ${sql.listExpiringAfter}`, values);
    expect(text).toMatch(new RegExp(`Index Scan using ${tablePrefix}tokens_expires_id`));
    expect(text).toMatch(/Index Cond: .*ROW\(expires_at, id\) > ROW\(/);
    expect(text).not.toMatch(/Sort|Filter|Seq Scan/);
    const first = await plan(pool, `EXPLAIN (COSTS OFF) ${sql.listExpiringFirst}`, [1_700_000_000_000, 1_800_000_000_000, 51]);
    expect(first).toMatch(new RegExp(`Index Scan using ${tablePrefix}tokens_expires_id`));
    expect(first).not.toMatch(/Sort|Filter|Seq Scan/);

    const deep = await store.listExpiring({ expiresAfter: 0, expiresBy: 1_800_000_000_000, limit: 3, after: { expiresAt: 1_700_000_008_000, id: 'tok_032001' } });
    expect(deep.items.map((r) => [r.expiresAt, r.id])).toEqual([
      [1_700_000_008_000, 'tok_032002'],
      [1_700_000_008_000, 'tok_032003'],
      [1_700_000_008_001, 'tok_032004'],
    ]);
  });
});
