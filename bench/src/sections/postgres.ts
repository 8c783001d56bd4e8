// PostgreSQL verify throughput beside its floor: what any verification on PostgreSQL must do
// (SHA-256 of the token, then one prepared point SELECT on the same pool), at 64 requests in flight.
import { hash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { postgresStore } from '@keyward/postgres';
import pg from 'pg';
import { POSTGRES_FLOOR_SQL } from '../lib/postgres-floor.js';
import type { BenchContext } from '../lib/context.js';
import { fill, shuffle } from '../lib/fixtures.js';
import { postgresPeer } from '../lib/peer.js';
import { concurrently, expectOk, median, pair } from '../lib/measure.js';
import { opsPerSec, percent, times, type Row } from '../lib/report.js';
import { load, measure, startServer, type LoadResult } from './http.js';
import { keywardOn, warm } from './verify.js';

const SECTION = 'PostgreSQL verify (1 000 tokens)';
export const POSTGRES_CONCURRENCY = 64;
export const SERVER = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;

/** A database of the run's own on the shared server, dropped at cleanup. */
export async function benchDatabase(ctx: BenchContext): Promise<string> {
  const name = `keyward_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ ...SERVER, database: 'postgres', connectionTimeoutMillis: 5000 });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  ctx.onCleanup(async () => {
    const again = new pg.Client({ ...SERVER, database: 'postgres', connectionTimeoutMillis: 5000 });
    await again.connect();
    await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await again.end();
  });
  return name;
}

export async function postgresSection(ctx: BenchContext): Promise<Row[]> {
  const COUNT = 1000;
  const database = await benchDatabase(ctx);
  // node-postgres' default pool size: 64 requests in flight share 10 connections.
  const pool = new pg.Pool({ ...SERVER, database, max: 10 });
  pool.on('error', (error) => console.error('[bench] idle PostgreSQL connection failed', error));
  ctx.onCleanup(() => pool.end());

  const store = postgresStore({ pool });
  const tokens = shuffle(await fill(store, COUNT, COUNT));
  const keyward = keywardOn(store);
  await warm(keyward, tokens);
  const n = tokens.length;

  // The floor: the same SELECT keyward prepares, as a named statement of its own on the same pool.
  const select = POSTGRES_FLOOR_SQL;
  const floor = concurrently(POSTGRES_CONCURRENCY, async (i) => {
    const { rows } = await pool.query({ name: 'bench_floor_find_by_hash', text: select, values: [hash('sha256', tokens[i % n]!, 'base64url')], rowMode: 'array' });
    expectOk(rows.length === 1, 'the floor finds every fixture token');
  });
  const verify = concurrently(POSTGRES_CONCURRENCY, async (i) => {
    expectOk((await keyward.verify(tokens[i % n]!)).ok, 'verify() accepts every fixture token');
  });
  const result = await pair(floor, verify, { ...ctx.timing, rounds: Math.max(5, ctx.timing.rounds - 4) });
  const cpu = await cpuPerOp({ floor, verify }, ctx.quick ? 4 : 10, 5000);

  // The peer on PostgreSQL, in a database of its own, at the same concurrency.
  const peerPool = new pg.Pool({ ...SERVER, database: await benchDatabase(ctx), max: 10 });
  peerPool.on('error', (error) => console.error('[bench] idle PostgreSQL connection failed', error));
  ctx.onCleanup(() => peerPool.end());
  const peer = await postgresPeer(peerPool);
  const keys = shuffle(await peer.fill(COUNT, COUNT));
  const peerVerify = concurrently(POSTGRES_CONCURRENCY, async (i) => {
    expectOk((await peer.verify(keys[i % keys.length]!)).valid, 'the peer accepts its own key');
  });
  const versusPeer = await pair(peerVerify, verify, { ...ctx.timing, rounds: Math.max(5, ctx.timing.rounds - 4) });

  // Credits: the same tokens' twins with credits (at another table prefix on the same pool), so
  // each verification also spends one in the store: a second round trip, a row write.
  const creditStore = postgresStore({ pool, tablePrefix: 'keyward_credits_' });
  const creditTokens = shuffle(await fill({ ...creditStore, insert: (record) => creditStore.insert({ ...record, remaining: 1_000_000_000_000 }) }, COUNT, COUNT));
  const creditKeyward = keywardOn(creditStore);
  await warm(creditKeyward, creditTokens);
  const spend = concurrently(POSTGRES_CONCURRENCY, async (i) => {
    expectOk((await creditKeyward.verify(creditTokens[i % n]!)).ok, 'verify() accepts every token with credits');
  });
  const credits = await pair(verify, spend, { ...ctx.timing, rounds: Math.max(5, ctx.timing.rounds - 4) });
  const creditCpu = await cpuPerOp({ verify, spend }, ctx.quick ? 4 : 10, 5000);
  await creditKeyward.close();
  await keyward.close();
  return [
    {
      section: SECTION,
      label: `PostgreSQL, await verify() ×${POSTGRES_CONCURRENCY} concurrent (pool of 10)`,
      value: opsPerSec(result.b),
      baseline: `${opsPerSec(result.a)} SHA-256 + prepared point SELECT (same pool, ×${POSTGRES_CONCURRENCY})`,
      ratio: `${percent(result.ratio)} of floor`,
      target: '≥ 90 % of floor',
      met: result.ratio >= 0.9,
      explain: 'Both sides wait on the same 10 connections, one round trip each; keyward adds the checksum, expiry and scope checks and the batched last-used write.',
    },
    {
      section: SECTION,
      label: `PostgreSQL, await verify() ×${POSTGRES_CONCURRENCY}: this process's CPU per verification`,
      value: `${cpu.verify!.toFixed(1)} µs`,
      baseline: `${cpu.floor!.toFixed(1)} µs SHA-256 + prepared point SELECT`,
      ratio: `${(cpu.verify! / cpu.floor!).toFixed(2)}× floor CPU`,
      target: '(info: steadier than ops/s on a shared machine)',
      met: null,
    },
    {
      section: SECTION,
      label: `PostgreSQL, await verify() ×${POSTGRES_CONCURRENCY} of tokens with credits (each spends one: a conditional UPDATE)`,
      value: opsPerSec(credits.b),
      baseline: `${opsPerSec(credits.a)} verify() without limits (same pool, ×${POSTGRES_CONCURRENCY})`,
      ratio: `${percent(credits.ratio)}; ${creditCpu.spend!.toFixed(1)} µs CPU vs ${creditCpu.verify!.toFixed(1)} µs`,
      target: '(info: credits are a write per request)',
      met: null,
      explain: 'A spend is one more round trip and one row update (WAL, a new row version) per request; the pool of 10 is shared by both statements.',
    },
    {
      section: SECTION,
      label: `PostgreSQL, await verify() ×${POSTGRES_CONCURRENCY} vs better-auth 1.7.5 api-key on PostgreSQL (Kysely/pg, pool of 10)`,
      value: opsPerSec(versusPeer.b),
      baseline: `${opsPerSec(versusPeer.a)} peer (verifyApiKey)`,
      ratio: `${times(versusPeer.ratio)} peer`,
      target: '(info)',
      met: null,
    },
  ];
}

/** The `postgres-http` section: Hono's guard on PostgreSQL beside its floor middleware (a section of its own, to run it alone). */
export async function postgresHttpSection(ctx: BenchContext): Promise<Row[]> {
  return honoGuardRows(ctx, await benchDatabase(ctx));
}

/** Median CPU time (user + system, this process) per op of each workload, in alternating rounds. */
async function cpuPerOp(workloads: Record<string, (ops: number) => unknown>, rounds: number, ops: number): Promise<Record<string, number>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(workloads).map((name) => [name, []]));
  for (let round = 0; round < rounds + 1; round++) {
    const names = Object.keys(workloads);
    if (round % 2 === 1) names.reverse();
    for (const name of names) {
      const before = process.cpuUsage();
      await workloads[name]!(ops);
      const used = process.cpuUsage(before);
      // Round 0 warms up.
      if (round > 0) samples[name]!.push((used.user + used.system) / ops);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
}

/**
 * Hono's requireToken() on PostgreSQL beside a floor middleware doing only what any check there
 * must (header, SHA-256, one prepared point SELECT on the same pool), in a server process of its
 * own loaded by autocannon, as in the HTTP section.
 */
async function honoGuardRows(ctx: BenchContext, database: string): Promise<Row[]> {
  const rounds = ctx.quick ? 3 : 7;
  const seconds = ctx.quick ? 1 : 2;
  const server = await startServer('hono', 'postgres', 1000, ctx.tmp, [database]);
  try {
    const paths = {
      open: `/open/orgs/${server.organization}/ping`,
      floor: `/floor/orgs/${server.organization}/ping`,
      guarded: `/guarded/orgs/${server.organization}/ping`,
    } as const;
    await load(server.port, paths.open, server.tokens, 1);
    await load(server.port, paths.floor, server.tokens, 1);
    await load(server.port, paths.guarded, server.tokens, 2);
    const runs: Record<keyof typeof paths, LoadResult[]> = { open: [], floor: [], guarded: [] };
    const cpuTimes: number[] = [];
    const rateRatios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = (['open', 'floor', 'guarded'] as const).map((_, i, all) => all[(i + round) % all.length]!);
      const result: Partial<Record<keyof typeof paths, LoadResult>> = {};
      for (const route of order) result[route] = await measure(server, paths[route], seconds);
      for (const route of order) runs[route].push(result[route]!);
      cpuTimes.push(result.guarded!.cpu / result.floor!.cpu);
      rateRatios.push(result.guarded!.rate / result.floor!.rate);
    }
    const cpu = (route: keyof typeof paths) => median(runs[route].map((r) => r.cpu));
    const rate = (route: keyof typeof paths) => median(runs[route].map((r) => r.rate));
    const timesFloor = median(cpuTimes);
    return [
      {
        section: SECTION,
        label: 'Hono requireToken() on PostgreSQL vs the floor middleware (header, SHA-256, prepared point SELECT, same pool)',
        value: `${opsPerSec(rate('guarded')).replace('/s', 'req/s')}`,
        baseline: `${opsPerSec(rate('floor')).replace('/s', 'req/s')} floor (${cpu('floor').toFixed(1)} µs/req server CPU)`,
        ratio: `${timesFloor.toFixed(2)}× floor server CPU (${cpu('guarded').toFixed(1)} µs/req); ${percent(median(rateRatios))} req/s`,
        target: '≤ 1.03× floor server CPU',
        met: timesFloor <= 1.03,
        explain: `Unguarded, the same route costs ${cpu('open').toFixed(1)} µs/req at ${opsPerSec(rate('open')).replace('/s', 'req/s')}.`,
      },
    ];
  } finally {
    server.child.disconnect();
    await once(server.child, 'exit');
  }
}
