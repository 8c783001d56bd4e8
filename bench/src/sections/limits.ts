// The speed targets of issues #23 (limits) and #24 (usage), each beside its own baseline:
// - HTTP, memory store, each framework, server CPU per request, the routes compared run in adjacent pairs:
//   the guard on a token without limits (contract v3: usage counted) beside the floor middleware
//   (≤ 1.03×); the guard on a token with a rate limit beside the same guard on one without
//   (≤ 1.15×); usage recording on beside off (≤ 1.03×);
// - HTTP, PostgreSQL (Hono): usage recording on beside off (≤ 1.03×);
// - PostgreSQL verify(): a rate-limited verify beside a floor doing the same lookup plus one call
//   of the same limiter (rate-limiter-flexible on the same pool), and the round trips each makes;
// - credits, a write per request: verify() of tokens with credits beside the same without, on
//   memory and SQLite (PostgreSQL's row is in its own section).
import { hash } from 'node:crypto';
import { once } from 'node:events';
import { memoryStore, type Keyward, type RateLimiterLike, type TokenStore } from '@keyward/core';
import { postgresStore } from '@keyward/postgres';
import { sqliteStore } from '@keyward/sqlite';
import pg from 'pg';
import type { BenchContext } from '../lib/context.js';
import { fill, shuffle } from '../lib/fixtures.js';
import { concurrently, expectOk, median, pair } from '../lib/measure.js';
import { statements } from '../../../packages/postgres/src/statements.js';
import { opsPerSec, percent, times, type Row } from '../lib/report.js';
import { load, measure, startServer, type LoadResult, type Started } from './http.js';
import { benchDatabase, POSTGRES_CONCURRENCY, SERVER } from './postgres.js';
import { checkLoop, keywardOn, warm } from './verify.js';

const SECTION = 'Limits, credits and usage recording';
const NAMES: Record<string, string> = { hono: 'Hono (@hono/node-server)', express: 'Express 5', fastify: 'Fastify 5' };
/** A rate limit no benchmark reaches: every request takes the limited path and passes. */
const UNREACHED = { limit: 1_000_000_000, window: 86_400_000 };

type Route = 'floor' | 'guarded' | 'rated' | 'unrecorded';
/** Two routes whose server CPU per request is compared: `[a, b]` reports a ÷ b. */
type Pair = readonly [Route, Route];

/**
 * Server CPU per request of routes compared in pairs, in rounds. Why each ratio is fair:
 * - the two sides of a pair run back to back (seconds apart, under the same machine load), and
 *   `ratio(a, b)` is the median of the per-round ratios a ÷ b;
 * - within a pair the order alternates (a b, then b a next round) and the pairs' order rotates, so
 *   neither side always runs first, and no route always follows the same other route: whatever a
 *   run leaves behind (a garbage collection, a flush timer falling due, a cooler cache) lands on
 *   each side as often;
 * - every route serves the same handler on the same server process and store, with the same
 *   number of tokens; the two services of the usage row (`/guarded` and `/unrecorded`) differ only
 *   in `usage: false`. On Express every variant is one route (server.ts), so none pays for the
 *   path matching of routes registered before it.
 */
async function compareRoutes(server: Started, pairs: readonly Pair[], rounds: number, seconds: number) {
  const path = (route: Route) => `/${route}/orgs/${server.organization}/ping`;
  const tokensOf = (route: Route) => (route === 'rated' ? server.ratedTokens : server.tokens);
  const routes = [...new Set(pairs.flat())];
  // Warm-up: JIT, connections, the tokens' first last-used writes.
  for (const route of routes) await load(server.port, path(route), tokensOf(route), 2);
  const cpu = new Map<Route, number[]>(routes.map((route) => [route, []]));
  const ratios = pairs.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < pairs.length; i++) {
      const at = (i + round) % pairs.length;
      const [a, b] = pairs[at]!;
      const order = round % 2 === 0 ? [a, b] : [b, a];
      const measured = new Map<Route, number>();
      for (const route of order) {
        const { cpu: perRequest } = await measure(server, path(route), seconds, tokensOf(route));
        measured.set(route, perRequest);
        cpu.get(route)!.push(perRequest);
      }
      ratios[at]!.push(measured.get(a)! / measured.get(b)!);
    }
  }
  const of = (a: Route, b: Route) => ratios[pairs.findIndex(([x, y]) => x === a && y === b)]!;
  return {
    cpu: (route: Route) => median(cpu.get(route)!),
    ratio: (a: Route, b: Route) => median(of(a, b)),
    spread: (a: Route, b: Route) => {
      const sorted = [...of(a, b)].sort((x, y) => x - y);
      return `${sorted.length} rounds ${sorted[0]!.toFixed(2)}–${sorted[sorted.length - 1]!.toFixed(2)}`;
    },
  };
}

async function stop(server: Started): Promise<void> {
  server.child.disconnect();
  await once(server.child, 'exit');
}

async function memoryHttpRows(ctx: BenchContext, rounds: number, seconds: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const framework of ['hono', 'express', 'fastify']) {
    const server = await startServer(framework, 'memory', 1000, ctx.tmp);
    try {
      const m = await compareRoutes(server, [['guarded', 'floor'], ['rated', 'guarded'], ['guarded', 'unrecorded']], rounds, seconds);
      const name = `${NAMES[framework]}, memory store`;
      const noLimit = m.ratio('guarded', 'floor');
      rows.push({
        section: SECTION,
        label: `${name}: requireToken(), token without limits (usage counted) vs the floor middleware`,
        value: `${m.cpu('guarded').toFixed(1)} µs/req`,
        baseline: `${m.cpu('floor').toFixed(1)} µs/req floor middleware`,
        ratio: `${times(noLimit)} floor CPU (${m.spread('guarded', 'floor')})`,
        target: '≤ 1.03× floor CPU',
        met: noLimit <= 1.03,
        explain: 'A token without limits costs two property reads on the limits path; what is over the floor is the format check, expiry and scope, the last-used note and the usage count.',
      });
      const rated = m.ratio('rated', 'guarded');
      rows.push({
        section: SECTION,
        label: `${name}: token with a rate limit vs the same guard on a token without`,
        value: `${m.cpu('rated').toFixed(1)} µs/req`,
        baseline: `${m.cpu('guarded').toFixed(1)} µs/req without a limit`,
        ratio: `${times(rated)} the guard without (${m.spread('rated', 'guarded')})`,
        target: '≤ 1.15× the guard without',
        met: rated <= 1.15,
        explain: "The limited path: one count in rate-limiter-flexible's RateLimiterMemory (answered synchronously, through its consumeSync), and the RateLimit-Policy and RateLimit header fields set on the answer (on Hono, c.header() builds a Headers object the response then carries).",
      });
      const usage = m.ratio('guarded', 'unrecorded');
      rows.push({
        section: SECTION,
        label: `${name}: usage recording on vs off`,
        value: `${m.cpu('guarded').toFixed(1)} µs/req`,
        baseline: `${m.cpu('unrecorded').toFixed(1)} µs/req with usage: false`,
        ratio: `${times(usage)} the guard without usage (${m.spread('guarded', 'unrecorded')})`,
        target: '≤ 1.03× usage off',
        met: usage <= 1.03,
        explain: 'Counting is a Map lookup and an increment per request (under 0.1 µs measured in-process, beside tens of µs per request); the counts reach the store in one batch per 10 s.',
      });
    } finally {
      await stop(server);
    }
  }
  return rows;
}

async function postgresHttpRows(ctx: BenchContext, database: string, rounds: number, seconds: number): Promise<Row[]> {
  const server = await startServer('hono', 'postgres', 1000, ctx.tmp, [database]);
  try {
    const m = await compareRoutes(server, [['guarded', 'unrecorded'], ['rated', 'guarded']], rounds, seconds);
    const usage = m.ratio('guarded', 'unrecorded');
    const rated = m.ratio('rated', 'guarded');
    return [
      {
        section: SECTION,
        label: 'Hono (@hono/node-server), PostgreSQL store: usage recording on vs off',
        value: `${m.cpu('guarded').toFixed(1)} µs/req`,
        baseline: `${m.cpu('unrecorded').toFixed(1)} µs/req with usage: false`,
        ratio: `${times(usage)} the guard without usage (${m.spread('guarded', 'unrecorded')})`,
        target: '≤ 1.03× usage off',
        met: usage <= 1.03,
        explain: 'As on memory: a Map lookup and an increment per request, one upsert per token and day per 10 s.',
      },
      {
        section: SECTION,
        label: 'Hono (@hono/node-server), PostgreSQL store: token with a rate limit vs without',
        value: `${m.cpu('rated').toFixed(1)} µs/req`,
        baseline: `${m.cpu('guarded').toFixed(1)} µs/req without a limit`,
        ratio: `${times(rated)} the guard without (${m.spread('rated', 'guarded')})`,
        target: '(info: one more query per request, RateLimiterPostgres on the same pool)',
        met: null,
      },
    ];
  } finally {
    await stop(server);
  }
}

/** How many queries `pool` is sent while `run` runs (the pool's own query method, counted). */
async function queriesDuring(pool: pg.Pool, run: () => Promise<void>): Promise<number> {
  const original = pool.query;
  let count = 0;
  pool.query = function (this: pg.Pool, ...args: unknown[]) {
    count++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pool.query;
  try {
    await run();
  } finally {
    pool.query = original;
  }
  return count;
}

async function postgresVerifyRows(ctx: BenchContext, database: string): Promise<Row[]> {
  const COUNT = 1000;
  const pool = new pg.Pool({ ...SERVER, database, max: 10 });
  pool.on('error', (error) => console.error('[bench] idle PostgreSQL connection failed', error));
  ctx.onCleanup(() => pool.end());
  // A location of its own, so the HTTP rows' server (default prefix, same database) is not disturbed.
  const store = postgresStore({ pool, tablePrefix: 'keyward_limits_' });
  const plain = shuffle(await fill(store, COUNT, COUNT));
  const limited = shuffle(await fill(store, COUNT, COUNT, { namePrefix: 'Limited key', extra: { rateLimit: UNREACHED } }));
  const keyward = keywardOn(store);
  await warm(keyward, plain);
  await warm(keyward, limited);
  const n = COUNT;
  // The floor: the lookup keyward prepares, then one call of a limiter made by the store itself
  // (RateLimiterPostgres on the same pool and table), as any limited check must.
  const limiter: RateLimiterLike = store.rateLimiter({ keyPrefix: 'bench:floor', points: UNREACHED.limit, duration: UNREACHED.window / 1000 });
  const floorSql = statements({ schema: 'public', tablePrefix: 'keyward_limits_' }).findByHash;
  const floor = concurrently(POSTGRES_CONCURRENCY, async (i) => {
    const { rows } = await pool.query({ name: 'bench_limits_floor', text: floorSql, values: [hash('sha256', limited[i % n]!, 'base64url')], rowMode: 'array' });
    expectOk(rows.length === 1, 'the floor finds every fixture token');
    await limiter.consume(String(rows[0]![0]), 1);
  });
  const verifyLimited = concurrently(POSTGRES_CONCURRENCY, async (i) => {
    expectOk((await keyward.verify(limited[i % n]!)).ok, 'verify() accepts every rate-limited token');
  });
  // Rounds of 400 ms rather than 200: a round holds a few thousand verifications over 10 connections,
  // so a stall of the shared server (a checkpoint, another process's burst) is a smaller part of it.
  const result = await pair(floor, verifyLimited, ctx.quick ? ctx.timing : { rounds: 15, roundMs: 400 });
  // Round trips: queries sent per verify, once the tokens' last-used writes are done.
  const SAMPLE = 500;
  const sequential = (tokens: readonly string[]) => async () => {
    for (let i = 0; i < SAMPLE; i++) expectOk((await keyward.verify(tokens[i % n]!)).ok, 'verify() accepts every fixture token');
  };
  const plainQueries = (await queriesDuring(pool, sequential(plain))) / SAMPLE;
  const limitedQueries = (await queriesDuring(pool, sequential(limited))) / SAMPLE;
  await keyward.close();
  return [
    {
      section: SECTION,
      label: `PostgreSQL, await verify() ×${POSTGRES_CONCURRENCY} of rate-limited tokens vs a floor doing the same lookup plus one limiter call`,
      value: opsPerSec(result.b),
      baseline: `${opsPerSec(result.a)} SHA-256 + prepared point SELECT + RateLimiterPostgres consume (same pool)`,
      ratio: `${percent(result.ratio)} of floor (${result.ratios.length} rounds ${percent(Math.min(...result.ratios))}–${percent(Math.max(...result.ratios))})`,
      target: '≥ 90 % of floor',
      met: result.ratio >= 0.9,
      explain: 'Both sides make the same two round trips (the lookup, then the limiter) on the same 10 connections; keyward adds its checks and the header state.',
    },
    {
      section: SECTION,
      label: 'PostgreSQL: queries per verify(), rate-limited token vs without limits (500 sequential verifies each, counted on the pool)',
      value: `${limitedQueries.toFixed(2)} per verify`,
      baseline: `${plainQueries.toFixed(2)} per verify without limits`,
      ratio: `+${(limitedQueries - plainQueries).toFixed(2)} round trip`,
      target: '≤ +1 round trip',
      met: limitedQueries - plainQueries <= 1.005,
      explain: 'The limiter runs after the lookup (it is keyed by the token id the lookup finds), so it cannot share its round trip.',
    },
  ];
}

/** check() over the tokens in turn, awaiting only the answers that come as a promise. */
function answerLoop(keyward: Keyward, tokens: readonly string[]) {
  const n = tokens.length;
  return async (ops: number) => {
    let ok = 0;
    for (let i = 0; i < ops; i++) {
      const answer = keyward.check(tokens[i % n]!);
      if ((answer instanceof Promise ? await answer : answer).ok) ok++;
    }
    expectOk(ok === ops, 'check() accepts every token with credits');
  };
}

/** check() of tokens with credits beside the same without limits (synchronous), on one store. */
async function creditRow(ctx: BenchContext, name: string, makeStore: (suffix: string) => TokenStore): Promise<Row> {
  const COUNT = 1000;
  const plainStore = makeStore('plain');
  const creditStore = makeStore('credits');
  const plain = shuffle(await fill(plainStore, COUNT, COUNT));
  const credited = shuffle(await fill(creditStore, COUNT, COUNT, { extra: { remaining: 1_000_000_000_000 } }));
  const without: Keyward = keywardOn(plainStore);
  const withCredits: Keyward = keywardOn(creditStore);
  await warm(without, plain);
  await warm(withCredits, credited);
  const result = await pair(checkLoop(without, plain), answerLoop(withCredits, credited), ctx.timing);
  await without.close();
  await withCredits.close();
  return {
    section: SECTION,
    label: `${name}, check() of tokens with credits (each spends one in the store)${name === 'memory' ? '' : ', awaited'}`,
    value: opsPerSec(result.b),
    baseline: `${opsPerSec(result.a)} check() without limits`,
    ratio: `${times(1 / result.ratio)} the time`,
    target: '(info: credits are a write per request)',
    met: null,
    explain: name === 'memory' ? 'A spend replaces the frozen record in the maps (one object allocation).' : 'A spend is one conditional UPDATE … RETURNING per request, in autocommit (a WAL append).',
  };
}

export async function limitsSection(ctx: BenchContext): Promise<Row[]> {
  // Many short rounds rather than a few long ones: the machine's load drifts over seconds, and a
  // median of 9 adjacent-pair ratios (0.6 s each) holds still where one of 5 runs seconds apart did not.
  const rounds = ctx.quick ? 3 : 9;
  const seconds = ctx.quick ? 0.5 : 0.6;
  const rows: Row[] = [];
  rows.push(...(await memoryHttpRows(ctx, rounds, seconds)));
  const database = await benchDatabase(ctx);
  rows.push(...(await postgresHttpRows(ctx, database, rounds, seconds)));
  rows.push(...(await postgresVerifyRows(ctx, database)));
  rows.push(await creditRow(ctx, 'memory', () => memoryStore()));
  rows.push(await creditRow(ctx, 'SQLite (WAL, file)', (suffix) => sqliteStore({ db: ctx.sqlite(`limits-${suffix}`) })));
  return rows;
}
