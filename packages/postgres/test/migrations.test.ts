import { readFileSync } from 'node:fs';
import { ConfigurationError } from '@keyward/core';
import { SCHEMA_VERSION, postgresSchemaSql, postgresStore } from '@keyward/postgres';
import { makeRecord, useLimitFields } from '@keyward/store-tests';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MIGRATIONS, migrationFileName, migrationSql } from '../src/schema-sql.js';
import { createTestDatabase, randomPrefix, type TestDatabase } from './database.js';

// The store carries contract v3's limits: every read returns the limit fields, so records made here carry them too.
useLimitFields(true);

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = database.pool({ max: 4 });
});

afterAll(async () => {
  await database?.drop();
});

async function versions(tablePrefix: string, schema = 'public'): Promise<number[]> {
  const { rows } = await pool.query<{ version: number }>(`SELECT version FROM "${schema}"."${tablePrefix}schema_migrations" ORDER BY version`);
  return rows.map((r) => r.version);
}

async function exists(name: string): Promise<boolean> {
  return (await pool.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [name])).rows[0]!.found;
}

describe('migrations', () => {
  test('nothing happens at construction; the first call creates the tables, indexes and triggers and records the version', async () => {
    const tablePrefix = randomPrefix();
    const store = postgresStore({ pool, tablePrefix });
    expect(await exists(`public.${tablePrefix}tokens`)).toBe(false);
    expect(await store.findByHash('x')).toBeNull();
    expect(await versions(tablePrefix)).toEqual(MIGRATIONS.map((m) => m.version));
    const indexes = await pool.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY indexname', [`${tablePrefix}tokens`]);
    expect(indexes.rows.map((r) => r.indexname.slice(tablePrefix.length))).toEqual([
      'tokens_expires_id',
      'tokens_hash',
      'tokens_org_created',
      'tokens_org_name_key',
      'tokens_pkey',
      'tokens_previous_hash',
      'tokens_project',
    ]);
    const triggers = await pool.query<{ tgname: string }>(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal ORDER BY tgname`,
      [`public.${tablePrefix}tokens`],
    );
    expect(triggers.rows.map((r) => r.tgname.slice(tablePrefix.length))).toEqual(['tokens_notify_changed', 'tokens_notify_deleted', 'tokens_notify_truncated']);
  });

  test('many stores in several pools starting at once on one location apply the migration exactly once, and all work', async () => {
    const tablePrefix = randomPrefix();
    const pools = Array.from({ length: 4 }, () => database.pool({ max: 3 }));
    const stores = pools.flatMap((p) => [postgresStore({ pool: p, tablePrefix }), postgresStore({ pool: p, tablePrefix })]);
    const records = stores.map(() => makeRecord());
    // Several calls per store too: they share one migration promise.
    const outcomes = await Promise.all(stores.flatMap((store, i) => [store.insert(records[i]!), store.findByHash('x'), store.list('org_1', { limit: 1 })]));
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(stores.length);
    expect(await versions(tablePrefix)).toEqual(MIGRATIONS.map((m) => m.version));
    expect((await stores[0]!.list('org_1', { limit: 100 })).items).toHaveLength(stores.length);
    await Promise.all(pools.map((p) => p.end()));
  });

  test('a schema that does not exist is created, with quoted mixed-case names kept as given', async () => {
    const schema = `Auth_${randomPrefix()}`;
    const store = postgresStore({ pool, schema, tablePrefix: 'Kw_' });
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    expect(await exists(`"${schema}"."Kw_tokens"`)).toBe(true);
    expect(await versions('Kw_', schema)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await postgresStore({ pool, schema, tablePrefix: 'Kw_' }).findByHash(record.hash)).toEqual(record);
  });

  test('tables at a schema version newer than this package are refused with ConfigurationError on first use', async () => {
    const tablePrefix = randomPrefix();
    await postgresStore({ pool, tablePrefix }).findByHash('x');
    await pool.query(`INSERT INTO "public"."${tablePrefix}schema_migrations" (version) VALUES ($1)`, [SCHEMA_VERSION + 1]);
    const error = await Promise.resolve(postgresStore({ pool, tablePrefix }).findByHash('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(new RegExp(`tablePrefix "${tablePrefix}".*schema version ${SCHEMA_VERSION + 1}`));
  });

  test('migrate: false never creates anything; missing tables are a ConfigurationError naming what to apply (not a 42P01 on some later query)', async () => {
    const tablePrefix = randomPrefix();
    const store = postgresStore({ pool, tablePrefix, migrate: false });
    const error = await Promise.resolve(store.findByHash('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    const files = MIGRATIONS.map((m) => `@keyward/postgres/sql/${migrationFileName(m)}`);
    expect((error as Error).message).toBe(
      `postgresStore: migrate is false and schema "public" with tablePrefix "${tablePrefix}" has no keyward tables: apply postgresSchemaSql({ schema: "public", tablePrefix: "${tablePrefix}", afterVersion: 0 }) in one transaction (the shipped ${files.join(', ')} are written for schema "public" and tablePrefix "keyward_"), or pass migrate: true to let the store apply them`,
    );
    expect(await exists(`public.${tablePrefix}schema_migrations`)).toBe(false);
  });

  test('migrate: false on tables a version behind names only the missing files; once applied the store works, and checks no more', async () => {
    const schema = `behind_${randomPrefix()}`;
    const location = { schema, tablePrefix: 'keyward_' };
    await pool.query(`BEGIN;\n${migrationSql(MIGRATIONS[0]!, location)}\nCOMMIT;`);
    const store = postgresStore({ ...location, pool, migrate: false });
    const error = await Promise.resolve(store.findByHash('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain(`is at schema version 1 of ${SCHEMA_VERSION}: apply postgresSchemaSql({ schema: "${schema}", tablePrefix: "keyward_", afterVersion: 1 })`);
    expect((error as Error).message).not.toContain(migrationFileName(MIGRATIONS[0]!));
    await pool.query(`BEGIN;\n${postgresSchemaSql({ ...location, afterVersion: 1 })}\nCOMMIT;`);
    // The refusal was not remembered: the next call checks again, finds the schema current, and works.
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    // Checked once: verification is one query, with no version check in front of it.
    const queries: string[] = [];
    const query = pool.query.bind(pool);
    pool.query = ((config: unknown, ...rest: unknown[]) => {
      queries.push(typeof config === 'string' ? config : (config as { text: string }).text);
      return (query as (...args: unknown[]) => unknown)(config, ...rest);
    }) as typeof pool.query;
    try {
      expect(await store.findByHash(record.hash)).toEqual(record);
    } finally {
      pool.query = query;
    }
    expect(queries).toHaveLength(1);
    expect(queries[0]).not.toContain('schema_migrations');
  });

  test('migrate: false at the default location names the shipped files to apply', async () => {
    // A database of its own: the default location (public.keyward_*) is shared by other tests' stores.
    const own = await createTestDatabase();
    const ownPool = own.pool({ max: 1 });
    try {
      const error = await Promise.resolve(postgresStore({ pool: ownPool, migrate: false }).findByHash('x')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toBe(
        `postgresStore: migrate is false and schema "public" with tablePrefix "keyward_" has no keyward tables: apply ${MIGRATIONS.map((m) => `@keyward/postgres/sql/${migrationFileName(m)}`).join(', ')} in that order, each in one transaction, or pass migrate: true to let the store apply them`,
      );
    } finally {
      await own.drop();
    }
  });

  test('postgresSchemaSql() for another location, applied by hand in one transaction, serves a store with migrate: false', async () => {
    const schema = `hand_${randomPrefix()}`;
    const sql = postgresSchemaSql({ schema, tablePrefix: 'app_' });
    expect(sql).toContain(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await pool.query(`BEGIN;\n${sql}\nCOMMIT;`);
    const store = postgresStore({ pool, schema, tablePrefix: 'app_', migrate: false });
    const record = makeRecord();
    expect(await store.insert(record)).toBe('ok');
    expect(await store.findByHash(record.hash)).toEqual(record);
    // A store that does migrate later sees the recorded version and applies nothing again.
    expect(await postgresStore({ pool, schema, tablePrefix: 'app_' }).get('org_1', record.id)).toEqual(record);
    expect(await versions('app_', schema)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  test('postgresSchemaSql({ afterVersion: 1 }) upgrades tables a host made from version 1 by hand; afterVersion: SCHEMA_VERSION is nothing', async () => {
    const schema = `up_${randomPrefix()}`;
    const location = { schema, tablePrefix: 'app_' };
    await pool.query(`BEGIN;\n${migrationSql(MIGRATIONS[0]!, location)}\nCOMMIT;`);
    const v1 = makeRecord({ permissions: null, metadata: null, previous: null });
    await pool.query(`INSERT INTO "${schema}"."app_tokens" (id, organization_id, name, name_key, scope_kind, hash, hint, created_at, created_by) VALUES ($1, $2, $3, $4, 'organization', $5, $6, $7, $8)`, [
      v1.id, v1.organizationId, v1.name, v1.nameKey, v1.hash, v1.hint, v1.createdAt, v1.createdBy,
    ]);
    const upgrade = postgresSchemaSql({ ...location, afterVersion: 1 });
    expect(upgrade).not.toContain(`CREATE TABLE "${schema}"."app_tokens"`);
    expect(upgrade).toBe(MIGRATIONS.slice(1).map((m) => migrationSql(m, location)).join('\n'));
    await pool.query(`BEGIN;\n${upgrade}\nCOMMIT;`);
    expect(await versions('app_', schema)).toEqual(MIGRATIONS.map((m) => m.version));
    const store = postgresStore({ ...location, pool, migrate: false });
    expect(await store.findByHash(v1.hash)).toEqual(v1);
    expect(await store.roll(v1.organizationId, v1.id, { hash: 'h2', hint: 'kw_h2', previousExpiresAt: 5 })).toMatchObject({ previous: { hash: v1.hash } });
    expect(postgresSchemaSql({ ...location, afterVersion: SCHEMA_VERSION })).toBe('');
  });

  test('postgresSchemaSql({ afterVersion: 2 }) is migration 3 alone (sql/003_*.sql at the default location) and upgrades tables a host made at version 2', async () => {
    const schema = `up3_${randomPrefix()}`;
    const location = { schema, tablePrefix: 'app_' };
    const upgrade = postgresSchemaSql({ ...location, afterVersion: 2 });
    expect(upgrade).toBe(migrationSql(MIGRATIONS[2]!, location));
    expect(postgresSchemaSql({ afterVersion: 2 })).toBe(readFileSync(new URL('../sql/003_limits_audit_usage.sql', import.meta.url), 'utf8'));
    await pool.query(`BEGIN;\n${postgresSchemaSql({ ...location }).replace(upgrade, '')}\nCOMMIT;`);
    expect(await versions('app_', schema)).toEqual([1, 2]);
    const v2 = postgresStore({ ...location, pool, migrate: false });
    const record = makeRecord({ metadata: { team: 'ops' }, previous: { hash: 'prev', hint: 'kw_prev', expiresAt: 9 } });
    // Written as a v2 store would: without the limit columns.
    await pool.query(`INSERT INTO "${schema}"."app_tokens" (id, organization_id, name, name_key, scope_kind, hash, hint, created_at, created_by, metadata, previous_hash, previous_hint, previous_expires_at) VALUES ($1, $2, $3, $4, 'organization', $5, $6, $7, $8, $9, $10, $11, $12)`, [
      record.id, record.organizationId, record.name, record.nameKey, record.hash, record.hint, record.createdAt, record.createdBy, JSON.stringify(record.metadata), 'prev', 'kw_prev', 9,
    ]);
    await pool.query(`BEGIN;\n${upgrade}\nCOMMIT;`);
    expect(await versions('app_', schema)).toEqual([1, 2, 3]);
    expect(await v2.findByHash('prev')).toEqual(record);
    expect(await v2.spend(record.organizationId, record.id, 1, 0)).toEqual({ ok: true, remaining: null, refilledAt: null });
  });

  test('postgresSchemaSql() checks its options like the store does', () => {
    expect(() => postgresSchemaSql({ schema: 'a;b' })).toThrow(ConfigurationError);
    expect(() => postgresSchemaSql({ tablePrefix: 'a b' })).toThrow(/tablePrefix/);
    for (const afterVersion of [-1, 1.5, SCHEMA_VERSION + 1, '1']) {
      expect(() => postgresSchemaSql({ afterVersion } as never)).toThrow(/afterVersion/);
    }
  });
});
