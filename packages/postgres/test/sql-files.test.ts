// The schema as a host's own migration tool applies it: the package's plain .sql files, run by
// psql into a fresh database, then the conformance suite on a store with migrate: false.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SCHEMA_VERSION, postgresSchemaSql, postgresStore } from '@keyward/postgres';
import { describeTokenStore } from '@keyward/store-tests';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_LOCATION, MIGRATIONS, migrationFileName, migrationSql } from '../src/schema-sql.js';
import { createTestDatabase, type TestDatabase } from './database.js';

const run = promisify(execFile);
const sqlDir = fileURLToPath(new URL('../sql/', import.meta.url));
const files = readdirSync(sqlDir).filter((f) => f.endsWith('.sql')).sort();

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  for (const file of files) {
    await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-h', '127.0.0.1', '-p', '5432', '-U', 'postgres', '-d', database.name, '-f', `${sqlDir}${file}`]);
  }
  pool = database.pool({ max: 8 });
});

afterAll(async () => {
  await database?.drop();
});

describe('the shipped sql/*.sql files', () => {
  test('are the migrations at the default location, one file per version (regenerate with `pnpm --filter @keyward/postgres sql`)', () => {
    expect(files).toEqual(MIGRATIONS.map(migrationFileName));
    for (const migration of MIGRATIONS) {
      expect(readFileSync(`${sqlDir}${migrationFileName(migration)}`, 'utf8')).toBe(migrationSql(migration, DEFAULT_LOCATION));
    }
    expect(postgresSchemaSql()).toBe(files.map((f) => readFileSync(`${sqlDir}${f}`, 'utf8')).join('\n'));
  });

  test('applied by psql, they record their version, so a store that migrates applies nothing again', async () => {
    const { rows } = await pool.query<{ version: number }>('SELECT version FROM public.keyward_schema_migrations');
    expect(rows.map((r) => r.version).sort()).toEqual(MIGRATIONS.map((m) => m.version));
    expect(Math.max(...rows.map((r) => r.version))).toBe(SCHEMA_VERSION);
    expect(await postgresStore({ pool }).findByHash('x')).toBeNull();
    expect((await pool.query('SELECT version FROM public.keyward_schema_migrations')).rowCount).toBe(MIGRATIONS.length);
  });
});

// The tables are shared by every test here, so each test's rows are deleted after it.
describeTokenStore('postgresStore on tables from the shipped .sql files (migrate: false)', () => postgresStore({ pool, migrate: false }), {
  parts: ['limits', 'rateLimiter', 'audit', 'usage'],
  cleanup: async () => {
    await pool.query('DELETE FROM public.keyward_tokens; DELETE FROM public.keyward_audit; DELETE FROM public.keyward_usage; DELETE FROM public.keyward_rate_limits');
  },
});
