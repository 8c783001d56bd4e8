// Core's opt-in cache on PostgreSQL, fed by postgresInvalidations (LISTEN/NOTIFY): the same two
// measurements as the Redis cache rows, in a database of the run's own on the shared server.
import { createKeyward, type Keyward } from '@keyward/core';
import { postgresInvalidations, postgresStore } from '@keyward/postgres';
import pg from 'pg';
import type { BenchContext } from '../lib/context.js';
import { fill, shuffle } from '../lib/fixtures.js';
import type { Row } from '../lib/report.js';
import { cachedThroughputRow, revocationRow } from './cache.js';
import { POSTGRES_CONCURRENCY, SERVER, benchDatabase } from './postgres.js';
import { keywardOn, warm } from './verify.js';

const SECTION = 'PostgreSQL with the in-process cache';

export async function postgresCacheSection(ctx: BenchContext): Promise<Row[]> {
  const database = await benchDatabase(ctx);
  const pools: pg.Pool[] = [];
  const pool = (max: number) => {
    const made = new pg.Pool({ ...SERVER, database, max });
    made.on('error', (error) => console.error('[bench] idle PostgreSQL connection failed', error));
    pools.push(made);
    return made;
  };
  ctx.onCleanup(() => Promise.all(pools.map((p) => p.end())));

  // One instance as a process runs it: its store on a pool of 10 (node-postgres' default), its
  // LISTEN connection apart, so the store keeps all 10.
  const instance = (cached: boolean): Keyward => {
    const store = postgresStore({ pool: pool(10) });
    return cached ? keywardOn(store, { channel: postgresInvalidations({ pool: pool(1) }) }) : keywardOn(store);
  };

  const plain = instance(false);
  const tokens = shuffle(await fill(postgresStore({ pool: pool(10) }), 1000, 1000));
  await warm(plain, tokens);
  const cached = instance(true);
  const throughput = await cachedThroughputRow(ctx, { section: SECTION, plain, cached, tokens, concurrency: POSTGRES_CONCURRENCY, minRatio: 10 });
  await plain.close();
  await cached.close();

  const revocation = await revocationRow(ctx, SECTION, () => {
    const store = postgresStore({ pool: pool(10) });
    return createKeyward({ store, resolveProject: () => null, cache: { channel: postgresInvalidations({ pool: pool(1) }) } });
  });
  return [throughput, revocation];
}
