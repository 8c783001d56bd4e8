// The write cost of the Redis store's `durability` option: an own primary with one replica (free
// ports, loopback), the same sequential inserts and deletions with and without a WAIT for the
// replica after each ordered step. Then reads while WAITs hang: with the replica frozen and its
// link cut, deletions wait out their WAIT while verifications of other tokens are timed.
import type { TokenStore } from '@keyward/core';
import { redisStore } from '@keyward/redis';
import { startRedisServer, type RedisServer } from '@keyward/test-kit/redis';
import { Redis } from 'ioredis';
import type { BenchContext } from '../lib/context.js';
import { fixture } from '../lib/fixtures.js';
import { median, percentile } from '../lib/measure.js';
import { micros, times, type Row } from '../lib/report.js';

const SECTION = 'Redis write cost of durability (primary + 1 replica, loopback)';

/** Latencies (ms) of `ops` sequential inserts, then of deleting each token alone. */
async function measure(store: TokenStore, ops: number, offset: number): Promise<{ insert: number[]; remove: number[] }> {
  const records = Array.from({ length: ops }, (_, i) => fixture(offset + i, { organizations: 20 }).record);
  const insert: number[] = [];
  for (const record of records) {
    const started = performance.now();
    await store.insert(record);
    insert.push(performance.now() - started);
  }
  const remove: number[] = [];
  for (const record of records) {
    const started = performance.now();
    await store.deleteMany(record.organizationId, [record.id]);
    remove.push(performance.now() - started);
  }
  return { insert, remove };
}

/**
 * Verifications (findByHash of tokens not being deleted) while deletions wait for a replica that
 * cannot answer: each deletion holds a WAIT for `timeoutMs` (1 s), so a WAIT is in flight all along.
 */
async function readsDuringWait(store: TokenStore, client: Redis, replica: RedisServer): Promise<Row> {
  const readers = Array.from({ length: 20 }, (_, i) => fixture(900_000 + i, { organizations: 20 }).record);
  const doomed = Array.from({ length: 3 }, (_, i) => fixture(910_000 + i, { organizations: 20 }).record);
  for (const record of [...readers, ...doomed]) await store.insert(record);
  await replica.signal('SIGSTOP');
  const latencies: number[] = [];
  let failed = 0;
  try {
    await client.client('KILL', 'TYPE', 'replica');
    let deleting = true;
    // One after another, so a WAIT is in flight for the whole run (each fails after timeoutMs).
    const deletions = (async () => {
      for (const record of doomed) await store.deleteMany(record.organizationId, [record.id]).catch(() => {});
    })().finally(() => (deleting = false));
    while (deleting) {
      for (const record of readers) {
        const started = performance.now();
        if ((await store.findByHash(record.hash))?.id !== record.id) failed++;
        latencies.push(performance.now() - started);
      }
    }
    await deletions;
  } finally {
    await replica.signal('SIGCONT');
  }
  const p99 = percentile(latencies, 99);
  return {
    section: SECTION,
    label: `findByHash of other tokens while deletions wait for a replica that cannot acknowledge: p50 / p99 of ${latencies.length} calls`,
    value: `${micros(median(latencies))} / ${micros(p99)}`,
    baseline: `${failed} failed or wrong`,
    ratio: '',
    target: 'p99 ≤ 20 ms, 0 failed (WAIT runs on its own connection)',
    met: p99 <= 20 && failed === 0,
  };
}

export async function durabilityRows(ctx: BenchContext): Promise<Row[]> {
  // The replica writes the snapshot it receives to disk: keep it in the run's temporary directory.
  const primary = await startRedisServer(['--dir', ctx.tmp]);
  const replica = await startRedisServer(['--replicaof', '127.0.0.1', String(primary.port), '--dir', ctx.tmp]);
  ctx.onCleanup(async () => {
    await primary.signal('SIGKILL');
    await replica.signal('SIGKILL');
  });
  const client = new Redis({ host: '127.0.0.1', port: primary.port, maxRetriesPerRequest: 1, commandTimeout: 5000 });
  ctx.onCleanup(() => client.disconnect());
  for (let i = 0; i < 200 && !(await client.info('replication')).includes('state=online'); i++) await new Promise((r) => setTimeout(r, 50));

  const ops = ctx.quick ? 300 : 2000;
  const plain = redisStore({ client, keyPrefix: 'bench:plain:', durability: false });
  const durable = redisStore({ client, keyPrefix: 'bench:durable:', durability: { replicas: 1, timeoutMs: 1000 } });
  ctx.onCleanup(() => durable.close());
  // Warm up both (scripts loaded, connections hot), then alternate so drift hits both alike.
  await measure(plain, 50, 0);
  await measure(durable, 50, 100);
  const a = await measure(plain, ops, 1000);
  const b = await measure(durable, ops, 1000 + ops);
  const a2 = await measure(plain, ops, 1000 + 2 * ops);
  const b2 = await measure(durable, ops, 1000 + 3 * ops);
  const rows: Row[] = [await readsDuringWait(durable, client, replica)];
  for (const [what, off, on] of [
    ['insert (create)', [...a.insert, ...a2.insert], [...b.insert, ...b2.insert]],
    ['deleteMany of one id (delete)', [...a.remove, ...a2.remove], [...b.remove, ...b2.remove]],
  ] as const) {
    const p50off = median(off);
    const p50on = median(on);
    rows.push({
      section: SECTION,
      label: `${what}, durability { replicas: 1 }: p50 / p99 of ${on.length} sequential calls`,
      value: `${micros(p50on)} / ${micros(percentile(on, 99))}`,
      baseline: `durability false: ${micros(p50off)} / ${micros(percentile(off, 99))}`,
      ratio: `${times(p50on / p50off)} p50 (+${micros(p50on - p50off)})`,
      target: 'measured (no target); verification never waits',
      met: null,
      note: 'one WAIT per ordered step on the primary that step wrote to (3 steps per insert, 3 per deletion)',
    });
  }
  return rows;
}
