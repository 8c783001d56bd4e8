// Core's opt-in cache, fed by a store's invalidation channel (Redis pub/sub, PostgreSQL
// LISTEN/NOTIFY): verify throughput with it beside without it, and how long a token deleted on one
// instance keeps being accepted by another instance's cache. The Redis rows are measured here; the
// PostgreSQL ones in postgres-cache.ts, with the same two measurements.
import { createKeyward, type Actor, type Keyward, type VerifyResult } from '@keyward/core';
import { redisInvalidations, redisStore } from '@keyward/redis';
import { Redis } from 'ioredis';
import { deleteKeys, type BenchContext } from '../lib/context.js';
import { fill, shuffle } from '../lib/fixtures.js';
import { concurrently, expectOk, pair, percentile } from '../lib/measure.js';
import { micros, opsPerSec, times, type Row } from '../lib/report.js';
import { REDIS_CONCURRENCY, keywardOn } from './verify.js';

const SECTION = 'Redis with the in-process cache';
const ADMIN: Actor = { userId: 'user_bench', organizationId: 'org_0', role: 'owner' };

const isPromise = (value: unknown): value is Promise<unknown> => value instanceof Promise;

/**
 * `cached` beside `plain` (same store, same tokens, same concurrency) once every token is answered
 * from `cached`'s cache: one row, met at `minRatio`× uncached.
 */
export async function cachedThroughputRow(
  ctx: BenchContext,
  m: { section: string; plain: Keyward; cached: Keyward; tokens: readonly string[]; concurrency: number; minRatio: number },
): Promise<Row> {
  const { plain, cached, tokens, concurrency } = m;
  // Warm the cache: every token once, after the subscription is proven.
  for (let attempt = 0; ; attempt++) {
    for (const token of tokens) await cached.verify(token);
    if (tokens.every((token) => !isPromise(cached.check(token)))) break;
    if (attempt > 100) throw new Error('benchmark sanity check failed: the cache never held every token');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const n = tokens.length;
  const loop = (keyward: Keyward) =>
    concurrently(concurrency, async (i) => {
      expectOk((await keyward.verify(tokens[i % n]!)).ok, 'verify() accepts the fixture token');
    });
  const result = await pair(loop(plain), loop(cached), { ...ctx.timing, rounds: Math.max(5, ctx.timing.rounds - 4) });
  return {
    section: m.section,
    label: `await verify() ×${concurrency} concurrent, ${n.toLocaleString('en').replace(/,/g, ' ')} tokens, all cached`,
    value: opsPerSec(result.b),
    baseline: `${opsPerSec(result.a)} uncached`,
    ratio: `${times(result.ratio)} uncached`,
    target: `≥ ${m.minRatio}× uncached`,
    met: result.ratio >= m.minRatio,
  };
}

/**
 * Instance A deletes, instance B (its own connections, its own channel) had the token cached:
 * time from A's delete() resolving until B refuses it, over many trials. `make` builds one
 * instance with the cache on.
 */
export async function revocationRow(ctx: BenchContext, section: string, make: () => Keyward): Promise<Row> {
  const a = make();
  const b = make();
  const trials = ctx.quick ? 50 : 200;
  const samples: number[] = [];
  const yieldToIo = () => new Promise((resolve) => setImmediate(resolve));
  for (let trial = 0; trial < trials; trial++) {
    const { plaintext, token } = await a.create(ADMIN, { name: `revocation ${trial}`, scope: { kind: 'organization' }, expiresIn: 'never' });
    // B caches it (a synchronous answer means a cache hit).
    for (let attempt = 0; ; attempt++) {
      const answer = b.check(plaintext);
      if (!isPromise(answer)) {
        expectOk(answer.ok, 'B accepts the token before the deletion');
        break;
      }
      expectOk((await answer).ok, 'B accepts the token before the deletion');
      if (attempt > 200) throw new Error('benchmark sanity check failed: B never cached the token');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await a.delete(ADMIN, token.id);
    const deleted = performance.now();
    for (;;) {
      const answer = b.check(plaintext);
      const result: VerifyResult = isPromise(answer) ? await answer : answer;
      if (!result.ok) break;
      await yieldToIo();
    }
    samples.push(performance.now() - deleted);
  }
  await a.close();
  await b.close();
  const p50 = percentile(samples, 50);
  const p99 = percentile(samples, 99);
  return {
    section,
    label: `revocation across instances: delete() resolved → refused by the other instance's cache (${trials} trials)`,
    value: `p50 ${micros(p50)}, p99 ${micros(p99)}`,
    baseline: `max ${micros(Math.max(...samples))}`,
    ratio: '',
    target: 'p99 ≤ 50 ms',
    met: p99 <= 50,
  };
}

export async function cacheSection(ctx: BenchContext): Promise<Row[]> {
  const prefix = ctx.redisPrefix();
  const clients: Redis[] = [];
  const connect = (options = {}) => {
    const client = new Redis({ ...ctx.redis, ...options });
    clients.push(client);
    return client;
  };
  const admin = connect();
  ctx.onCleanup(async () => {
    await deleteKeys(admin, prefix);
    for (const client of clients) client.disconnect();
  });

  // Throughput: the same tokens through a plain store and a cached one, same concurrency.
  const plainStore = redisStore({ client: connect({ enableAutoPipelining: true }), keyPrefix: prefix });
  const cachedClient = connect({ enableAutoPipelining: true });
  const tokens = shuffle(await fill(plainStore, 1000, 1000));
  const plain = keywardOn(plainStore);
  const cached = keywardOn(redisStore({ client: cachedClient, keyPrefix: prefix }), {
    channel: redisInvalidations({ client: cachedClient, subscriber: connect(), keyPrefix: prefix }),
  });
  const throughput = await cachedThroughputRow(ctx, { section: SECTION, plain, cached, tokens, concurrency: REDIS_CONCURRENCY, minRatio: 5 });
  await plain.close();
  await cached.close();

  const revocation = await revocationRow(ctx, SECTION, () => {
    const client = connect();
    return createKeyward({
      store: redisStore({ client, keyPrefix: prefix }),
      resolveProject: () => null,
      cache: { channel: redisInvalidations({ client, subscriber: connect(), keyPrefix: prefix }) },
    });
  });
  return [throughput, revocation];
}
