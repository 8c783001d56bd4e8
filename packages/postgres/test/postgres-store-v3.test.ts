// What schema version 3 adds, as PostgreSQL does it: spend() as one prepared statement whose
// refusal writes nothing, rate-limiter-flexible on the store's pool and the migration's table,
// usage batches as one upsert, and dates that do not depend on the session's DateStyle.
import { createKeyward } from '@keyward/core';
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

/** The row's physical position and its locker: both stay when nothing wrote or locked the row. */
async function rowVersion(tablePrefix: string, id: string): Promise<{ ctid: string; xmax: string }> {
  const { rows } = await pool.query<{ ctid: string; xmax: string }>(`SELECT ctid::text, xmax::text FROM "public"."${tablePrefix}tokens" WHERE id = $1`, [id]);
  return rows[0]!;
}

describe('postgresStore, schema version 3', () => {
  test('spend() runs one named prepared statement, on an index (no scan of the table)', async () => {
    const single = database.pool({ max: 1 });
    const tablePrefix = randomPrefix();
    const store = postgresStore({ pool: single, tablePrefix });
    const record = makeRecord({ remaining: 3 });
    expect(await store.insert(record)).toBe('ok');
    expect(await store.spend(record.organizationId, record.id, 1, 0)).toEqual({ ok: true, remaining: 2, refilledAt: null });
    const { spendName: name, spend } = statements({ schema: 'public', tablePrefix });
    const prepared = await single.query<{ name: string; statement: string }>('SELECT name, statement FROM pg_prepared_statements');
    expect(prepared.rows).toContainEqual({ name, statement: spend });
    const plan = await single.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) EXECUTE ${name}('${record.organizationId}', '${record.id}', 1, 0)`);
    const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(text).toMatch(new RegExp(`Index Scan using ${tablePrefix}tokens_`));
    expect(text).not.toMatch(/Seq Scan/);
  });

  test('a verification is one statement for a token without limits, two with credits, two with a rate limit', async () => {
    const counted = database.pool({ max: 2 });
    const store = postgresStore({ pool: counted, tablePrefix: randomPrefix() });
    const keyward = createKeyward({ store, resolveProject: () => null, usage: false });
    const actor = { userId: 'user_1', organizationId: 'org_1', role: 'owner' } as const;
    const create = async (limits: object) => (await keyward.create(actor, { name: `t ${Math.random()}`, scope: { kind: 'organization' }, expiresIn: 'never', ...limits })).plaintext;
    const plain = await create({});
    const credited = await create({ remaining: 10 });
    const limited = await create({ rateLimit: { limit: 10, window: '1m' } });
    const query = counted.query.bind(counted);
    let statements = 0;
    counted.query = ((...args: Parameters<typeof query>) => {
      statements++;
      return query(...args);
    }) as typeof counted.query;
    const count = async (plaintext: string) => {
      statements = 0;
      expect((await keyward.verify(plaintext)).ok).toBe(true);
      return statements;
    };
    expect([await count(plain), await count(credited), await count(limited)]).toEqual([1, 2, 2]);
    counted.query = query;
    await keyward.close();
  });

  test('a refused spend (credits used up, no refill due) neither writes nor locks the row; a refill that fell due is written', async () => {
    const tablePrefix = randomPrefix();
    const store = postgresStore({ pool, tablePrefix });
    const empty = makeRecord({ remaining: 0 });
    const due = makeRecord({ remaining: 0, refill: { amount: 1, interval: 1000 }, refilledAt: 0 });
    for (const record of [empty, due]) expect(await store.insert(record)).toBe('ok');
    const before = await rowVersion(tablePrefix, empty.id);
    for (let i = 0; i < 3; i++) expect(await store.spend(empty.organizationId, empty.id, 1, 5000)).toEqual({ ok: false, remaining: 0, refilledAt: null });
    expect(await rowVersion(tablePrefix, empty.id)).toEqual(before);
    // Refused (cost 2 > amount 1), and the refill to 1 at 5000 is kept.
    expect(await store.spend(due.organizationId, due.id, 2, 5500)).toEqual({ ok: false, remaining: 1, refilledAt: 5000 });
    expect(await store.get(due.organizationId, due.id)).toMatchObject({ remaining: 1, refilledAt: 5000 });
  });

  test('rate limits count in the table migration 3 made; two stores in two schemas on one pool, same prefix, each count their own', async () => {
    const single = database.pool({ max: 1 });
    const tablePrefix = randomPrefix();
    const schemas = [`a_${randomPrefix()}`, `b_${randomPrefix()}`];
    const stores = schemas.map((schema) => postgresStore({ pool: single, schema, tablePrefix }));
    const options = { keyPrefix: 'keyward:rl:2:60', points: 2, duration: 60 };
    // rate-limiter-flexible names its prepared statements after the table alone: on one connection,
    // two schemas would give one name two texts unless the store renames them.
    for (const store of stores) {
      expect((await store.rateLimiter(options).consume('tok_1', 1)).remainingPoints).toBe(1);
      expect((await store.rateLimiter(options).consume('tok_1', 1)).remainingPoints).toBe(0);
    }
    for (const schema of schemas) {
      const { rows } = await single.query(`SELECT key, points FROM "${schema}"."${tablePrefix}rate_limits"`);
      expect(rows).toEqual([{ key: 'keyward:rl:2:60:tok_1', points: 2 }]);
    }
    // The table is the migration's: rate-limiter-flexible created nothing (its own would lack the expire index).
    const { rows } = await single.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname', [schemas[0], `${tablePrefix}rate_limits`]);
    expect(rows.map((r) => r.indexname.slice(tablePrefix.length))).toEqual(['rate_limits_expire', 'rate_limits_pkey']);
  });

  test('a rate limiter used before anything else waits for the migration that makes its table', async () => {
    const store = postgresStore({ pool, tablePrefix: randomPrefix() });
    expect((await store.rateLimiter({ keyPrefix: 'keyward:rl:5:1', points: 5, duration: 1 }).consume('tok_first', 2)).remainingPoints).toBe(3);
  });

  test('addUsage() of a batch that names one (token, day) twice adds both, in one statement', async () => {
    const store = postgresStore({ pool, tablePrefix: randomPrefix() });
    const count = { tokenId: 'tok_a', organizationId: 'org_1', day: '2026-03-01', accepted: 1, refused: { EXPIRED: 1 } };
    await store.addUsage([count, { ...count, accepted: 2, refused: { RATE_LIMITED: 3 } }]);
    expect(await store.readUsage('org_1', { tokenId: 'tok_a', fromDay: '2026-03-01', toDay: '2026-03-01' })).toEqual([
      { day: '2026-03-01', accepted: 3, refused: { DISABLED: 0, EXPIRED: 1, SCOPE_DENIED: 0, PERMISSION_DENIED: 0, RATE_LIMITED: 3, USAGE_EXHAUSTED: 0 } },
    ]);
  });

  test('usage days read back as YYYY-MM-DD whatever DateStyle the host gave its sessions', async () => {
    const sqlStyle = database.pool({ max: 2, options: '-c DateStyle=SQL,DMY' });
    const store = postgresStore({ pool: sqlStyle, tablePrefix: randomPrefix() });
    await store.addUsage([{ tokenId: 'tok_a', organizationId: 'org_1', day: '2026-03-04', accepted: 1, refused: {} }]);
    expect((await store.readUsage('org_1', { tokenId: null, fromDay: '2026-03-01', toDay: '2026-03-31' })).map((d) => d.day)).toEqual(['2026-03-04']);
    expect(await store.pruneUsage('2026-03-05')).toBe(1);
  });
});
