// A database of the test file's own on the shared PostgreSQL at 127.0.0.1:5432, created fresh and
// dropped at the end, so tests never see each other's rows.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';

export const SHARED_SERVER = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;

/** A short random lower-case identifier suffix, e.g. for a table prefix: `t_3f9a0c1b_`. */
export function randomPrefix(): string {
  return `t_${randomBytes(4).toString('hex')}_`;
}

/**
 * Connects to `server`'s `postgres` database, failing fast (not hanging) with a message naming what
 * is missing when nothing answers.
 */
export async function adminClient(server: { host: string; port: number; user: string } = SHARED_SERVER): Promise<pg.Client> {
  const client = new pg.Client({ ...server, database: 'postgres', connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not answering on ${server.host}:${server.port} as user "${server.user}" (${(error as Error).message}). ` +
        'The @keyward/postgres tests need a PostgreSQL 15+ server there with trust (or password-less) auth for "postgres"; ' +
        '.ci/run starts one when it is installed.',
      { cause: error },
    );
  }
  client.on('error', () => {});
  return client;
}

export interface TestDatabase {
  name: string;
  /** Connection settings of the database, for a Pool, a Client or a worker process. */
  config: pg.ClientConfig;
  /** A pool on the database; ended by `drop()`. */
  pool(options?: pg.PoolConfig): pg.Pool;
  drop(): Promise<void>;
}

/** Creates `keyward_test_<random>` on `server` (the shared one by default). */
export async function createTestDatabase(server: { host: string; port: number; user: string } = SHARED_SERVER): Promise<TestDatabase> {
  const admin = await adminClient(server);
  const name = `keyward_test_${randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  // pg-pool applies this to a query queued for a free connection too: the suite's 1 000 concurrent
  // inserts waited longer than 5 s on a loaded machine. Outage tests pass their own, shorter one.
  const config: pg.ClientConfig = { ...server, database: name, connectionTimeoutMillis: 30_000 };
  const pools: pg.Pool[] = [];
  return {
    name,
    config,
    pool(options = {}) {
      const pool = new pg.Pool({ ...config, ...options });
      // Failures of idle connections are expected in outage tests; queries still report them.
      pool.on('error', () => {});
      pools.push(pool);
      return pool;
    },
    async drop() {
      await Promise.all(pools.map((pool) => pool.end().catch(() => {})));
      const again = await adminClient(server);
      try {
        await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await again.end();
      }
    },
  };
}

/**
 * A fresh database holding a pg_dump fixture (e.g. `fixtures/v1.sql`), restored by psql in one
 * transaction as a host would restore a dump.
 */
export async function restoredDatabase(dump: URL): Promise<TestDatabase> {
  const database = await createTestDatabase();
  const psql = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-h', SHARED_SERVER.host, '-p', String(SHARED_SERVER.port), '-U', SHARED_SERVER.user];
  await promisify(execFile)('psql', [...psql, '-d', database.name, '-f', fileURLToPath(dump)]);
  return database;
}
