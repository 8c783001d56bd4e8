// Entry for workerd + nodejs_compat: @keyward/postgres on node-postgres, which connects through
// cloudflare:sockets there (as behind Hyperdrive). POST /suite runs the store conformance suite in
// that one request; the other routes show what workerd refuses, each in a request of its own.
import { createKeyward, type TokenStore } from '@keyward/core';
import { postgresInvalidations, postgresStore } from '@keyward/postgres';
import { describeTokenStore } from '@keyward/store-tests';
import pg from 'pg';
import { run } from './mini-vitest.js';

/** What the test sends: where the database is. */
interface Setup {
  connectionString: string;
}

// A pool kept from one request to the next, as a Worker that builds it once at module scope would.
let kept: pg.Pool | undefined;

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

const random = () => crypto.randomUUID().replace(/-/g, '').slice(0, 8);

function newPool(setup: Setup, max: number): pg.Pool {
  // query_timeout: a query that never gets an answer fails instead of hanging the request.
  const pool = new pg.Pool({ connectionString: setup.connectionString, max, connectionTimeoutMillis: 5000, query_timeout: 10_000 });
  pool.on('error', () => {});
  return pool;
}

async function suite(setup: Setup): Promise<Response> {
  const pools = new WeakMap<TokenStore, pg.Pool>();
  describeTokenStore(
    'postgresStore in workerd',
    () => {
      // At most 4 connections per store: Workers allow 6 open connections per request.
      const pool = newPool(setup, 4);
      const store = postgresStore({ pool, tablePrefix: `w_${random()}_` });
      pools.set(store, pool);
      return store;
    },
    {
      parts: ['limits', 'rateLimiter', 'audit', 'usage'],
      breakStore: (store) => pools.get(store)!.end(),
      cleanup: async (store) => {
        const pool = pools.get(store)!;
        if (!pool.ended) await pool.end();
      },
    },
  );
  return answer({ results: await run() });
}

export default {
  async fetch(request: Request): Promise<Response> {
    const setup = (await request.json()) as Setup;
    switch (new URL(request.url).pathname) {
      case '/suite':
        return suite(setup);
      // The first request uses a pool kept at module scope: it works.
      case '/kept-pool/first': {
        kept = newPool(setup, 2);
        const store = postgresStore({ pool: kept, tablePrefix: 'w_kept_' });
        return answer(await outcome(() => store.findByHash('nothing')));
      }
      // A later request reuses it: the store refuses the pool by name instead of hanging.
      case '/kept-pool/later': {
        const store = postgresStore({ pool: kept!, tablePrefix: 'w_kept_' });
        const result = await outcome(() => store.findByHash('nothing'));
        // What the check spares: the same pool's own query waits for an answer that never comes.
        const raw = await outcome(() => kept!.query({ text: 'SELECT 1', query_timeout: 1000 } as pg.QueryConfig));
        return answer({ ...result, raw });
      }
      // The cache's invalidation feed needs LISTEN between requests: refused at construction.
      case '/invalidations': {
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
  },
};
