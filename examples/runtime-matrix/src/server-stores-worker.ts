// Entry for workerd + nodejs_compat: @keyward/postgres on node-postgres, which connects through
// cloudflare:sockets there (as behind Hyperdrive), and @keyward/redis on ioredis, over workerd's
// node:net. POST /suite runs both stores' conformance suites in that one request, with clients made
// in it; the other routes show what workerd refuses, each in a request of its own.
import { createKeyward } from '@keyward/core';
import { postgresInvalidations, postgresStore } from '@keyward/postgres';
import { redisInvalidations, redisStore } from '@keyward/redis';
import { FAIL_FAST } from '@keyward/test-kit/redis-keys';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describePostgresStore } from '../../../packages/postgres/test/conformance.js';
import { describeRedisStore } from '../../../packages/redis/test/conformance.js';
import { run } from './mini-vitest.js';

/** What the test sends: where the database is, and the label of its Redis key prefixes. */
export interface WorkerSetup {
  postgres: string;
  redisLabel: string;
}

// A pool and a client kept from one request to the next, as a Worker that builds them once at
// module scope would.
let keptPool: pg.Pool | undefined;
let keptClient: Redis | undefined;

const answer = (value: unknown) => Response.json(value);

/** The code and message of what `work` throws, or `{ ok: true }`. */
async function outcome(work: () => unknown): Promise<{ ok: true } | { ok: false; name: string; code?: unknown; message: string }> {
  try {
    await work();
    return { ok: true };
  } catch (error) {
    const { name, message, code } = error as Error & { code?: unknown };
    return { ok: false, name, code, message };
  }
}

function newPool(setup: WorkerSetup, max: number): pg.Pool {
  // query_timeout: a query that never gets an answer fails instead of hanging the request. The
  // suite queues 1000 concurrent inserts for 4 connections: on a busy machine the last waits longer
  // for a connection than a timeout meant for outages would allow.
  const pool = new pg.Pool({ connectionString: setup.postgres, max, connectionTimeoutMillis: 30_000, query_timeout: 10_000 });
  pool.on('error', () => {});
  return pool;
}

/** A client on the local Redis; `commandTimeout`: a command that never gets an answer fails instead of hanging the request. */
const newClient = (commandTimeout = FAIL_FAST.commandTimeout) => new Redis({ ...FAIL_FAST, port: 6379, commandTimeout });

async function suite(setup: WorkerSetup): Promise<Response> {
  // The two suites run at once, each one test at a time, within the 6 connections a Worker may
  // hold per request: 4 for each PostgreSQL store's pool, 1 for each Redis store's client, 1 for
  // the Redis suite's own client (which deletes each test's keys), made on first use.
  describePostgresStore('postgresStore', () => newPool(setup, 4), () => ({ tablePrefix: `w_${crypto.randomUUID().slice(0, 8)}_` }));
  let client: Redis | undefined;
  describeRedisStore('redisStore (standalone)', () => (client ??= newClient()), {}, setup.redisLabel);
  const results = await run({ suitesAtOnce: true });
  await client?.quit();
  return answer({ results });
}

async function postgres(path: string, setup: WorkerSetup): Promise<Response> {
  switch (path) {
    // The first request uses a pool kept at module scope: it works.
    case '/postgres/kept/first': {
      keptPool = newPool(setup, 2);
      const store = postgresStore({ pool: keptPool, tablePrefix: 'w_kept_' });
      return answer(await outcome(() => store.findByHash('nothing')));
    }
    // A later request reuses it: the store refuses the pool by name instead of hanging.
    case '/postgres/kept/later': {
      const store = postgresStore({ pool: keptPool!, tablePrefix: 'w_kept_' });
      const result = await outcome(() => store.findByHash('nothing'));
      // What the check spares: the same pool's own query waits for an answer that never comes.
      const raw = await outcome(() => keptPool!.query({ text: 'SELECT 1', query_timeout: 1000 } as pg.QueryConfig));
      return answer({ ...result, raw });
    }
    // The cache's invalidation feed needs LISTEN between requests: refused at construction.
    case '/postgres/invalidations': {
      const pool = newPool(setup, 1);
      const result = await outcome(async () => {
        createKeyward({ store: postgresStore({ pool }), resolveProject: () => null, cache: { channel: postgresInvalidations({ pool }) } });
      });
      await pool.end();
      return answer(result);
    }
    default:
      return new Response('Not found', { status: 404 });
  }
}

async function redis(path: string, setup: WorkerSetup): Promise<Response> {
  const keyPrefix = `kwtest:${setup.redisLabel}:kept:`;
  switch (path) {
    // The first request uses a client kept at module scope: it works.
    case '/redis/kept/first': {
      keptClient = newClient(1000);
      const store = redisStore({ client: keptClient, keyPrefix });
      return answer(await outcome(() => store.findByHash('nothing')));
    }
    // A later request reuses it: every method of the store refuses the client by name.
    case '/redis/kept/later': {
      const store = redisStore({ client: keptClient!, keyPrefix });
      const refusals = {
        findByHash: await outcome(() => store.findByHash('nothing')),
        list: await outcome(() => store.list('org_1', { limit: 10 })),
        deleteMany: await outcome(() => store.deleteMany('org_1', ['tok_1'])),
        rateLimiter: await outcome(() => store.rateLimiter({ keyPrefix: 'rl:', points: 1, duration: 1 }).consume('tok_1', 1)),
      };
      // What the check spares: the same client's own command gets no answer (commandTimeout 1 s).
      const raw = await outcome(() => keptClient!.get(`${keyPrefix}nothing`));
      return answer({ refusals, raw });
    }
    // The cache's invalidation feed needs a subscription between requests: refused at construction.
    case '/redis/invalidations': {
      const client = newClient();
      const subscriber = newClient();
      const result = await outcome(async () => {
        createKeyward({ store: redisStore({ client, keyPrefix }), resolveProject: () => null, cache: { channel: redisInvalidations({ client, subscriber, keyPrefix }) } });
      });
      await Promise.all([client.quit(), subscriber.quit()]);
      return answer(result);
    }
    default:
      return new Response('Not found', { status: 404 });
  }
}

export default {
  async fetch(request: Request): Promise<Response> {
    const setup = (await request.json()) as WorkerSetup;
    const { pathname } = new URL(request.url);
    if (pathname === '/suite') return suite(setup);
    return pathname.startsWith('/redis/') ? redis(pathname, setup) : postgres(pathname, setup);
  },
};
