// The PostgreSQL and Redis stores on Bun and Deno: node-postgres and ioredis over the runtime's own
// node:net, each store's whole conformance suite (every contract v3 part, fail-closed included),
// declared as Node's suites declare them, in one process. Bundled with mini-vitest in place of
// vitest. Its one argument, JSON: { postgres: a connection string, redisLabel: the label in every Redis key
// prefix of the run }. Prints one JSON line: { runtime, results }.
import { Redis } from 'ioredis';
import pg from 'pg';
import { describePostgresStore } from '../../../packages/postgres/test/conformance.js';
import { describeRedisStore } from '../../../packages/redis/test/conformance.js';
import { FAIL_FAST } from '@keyward/test-kit/redis-keys';
import { run } from './mini-vitest.js';

declare const Bun: { version: string } | undefined;
declare const Deno: { version: { deno: string } } | undefined;

/** What the test sends: where the database is, and the label of the run's Redis keys. */
export interface ServerStoresSetup {
  postgres: string;
  redisLabel: string;
}

const setup = JSON.parse(process.argv.at(-1)!) as ServerStoresSetup;
const runtime = typeof Bun !== 'undefined' ? `Bun ${Bun.version}` : typeof Deno !== 'undefined' ? `Deno ${Deno.version.deno}` : `Node ${process.version}`;

describePostgresStore('postgresStore', () => {
  // The suite queues 1000 concurrent inserts for 4 connections: on a busy machine the last waits
  // longer than a connection timeout meant for outages would allow.
  const pool = new pg.Pool({ connectionString: setup.postgres, max: 4, connectionTimeoutMillis: 30_000 });
  // Failures of idle connections are expected when a test breaks the store; queries still report them.
  pool.on('error', () => {});
  return pool;
});

const redis = new Redis({ ...FAIL_FAST, port: 6379 });
describeRedisStore('redisStore (standalone)', () => redis, {}, setup.redisLabel);

// The two suites at once, each one test at a time: they share nothing, and each mostly waits on its server.
const results = await run({ suitesAtOnce: true });
await redis.quit();
console.log(JSON.stringify({ runtime, results }));
