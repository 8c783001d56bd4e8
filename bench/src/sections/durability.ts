// The write cost of the Redis store's `durability` option: an own primary with one replica (free
// ports, loopback), the same sequential inserts and deletions with and without a WAIT for the
// replica after each ordered step. Reads never wait, so verification is not measured here.
import type { TokenStore } from '@keyward/core';
import { redisStore } from '@keyward/redis';
import { startRedisServer } from '@keyward/test-kit/redis';
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
  // Warm up both (scripts loaded, connections hot), then alternate so drift hits both alike.
  await measure(plain, 50, 0);
  await measure(durable, 50, 100);
  const a = await measure(plain, ops, 1000);
  const b = await measure(durable, ops, 1000 + ops);
  const a2 = await measure(plain, ops, 1000 + 2 * ops);
  const b2 = await measure(durable, ops, 1000 + 3 * ops);
  const rows: Row[] = [];
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
