// Last-used coalescing: how many rows the store writes for 100 000 verifications of one token,
// counted by SQLite itself (total_changes()). Then the write cost of the Redis durability option.
import { createKeyward, type VerifyResult } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';
import type { BenchContext } from '../lib/context.js';
import { fill } from '../lib/fixtures.js';
import { expectOk } from '../lib/measure.js';
import type { Row } from '../lib/report.js';
import { durabilityRows } from './durability.js';

const SECTION = 'Last-used coalescing (SQLite rows written)';
const VERIFIES = 100_000;
const INTERVAL_MS = 60_000;

export async function writesSection(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];

  // As fast as the process can: 100 000 verifications within a second or so.
  {
    const db = ctx.sqlite('writes-burst');
    const store = sqliteStore({ db });
    const [token] = await fill(store, 1, 1);
    const changes = db.prepare('SELECT total_changes()').pluck();
    const keyward = createKeyward({ store, resolveProject: () => null, lastUsedIntervalMs: INTERVAL_MS });
    const before = changes.get() as number;
    const started = performance.now();
    for (let i = 0; i < VERIFIES; i++) expectOk((keyward.check(token!) as VerifyResult).ok, 'check() accepts the token');
    const elapsed = performance.now() - started;
    await keyward.close();
    const written = (changes.get() as number) - before;
    rows.push({
      section: SECTION,
      label: `${VERIFIES.toLocaleString('en').replace(/,/g, ' ')} verifies of one token in ${(elapsed / 1000).toFixed(2)} s, then close()`,
      value: `${written} row${written === 1 ? '' : 's'}`,
      baseline: `${VERIFIES.toLocaleString('en').replace(/,/g, ' ')} verifies`,
      ratio: `${(written / VERIFIES).toExponential(0)} per verify`,
      target: '≤ 1 per token per lastUsedIntervalMs',
      met: written <= 1,
    });
    db.close();
  }

  // Spread over ten simulated minutes (the clock advances 6 ms per verification), flushing every
  // simulated second as the flush timer would: one write per token per 60 s interval is allowed.
  {
    const db = ctx.sqlite('writes-spread');
    const store = sqliteStore({ db });
    const [token] = await fill(store, 1, 1);
    const changes = db.prepare('SELECT total_changes()').pluck();
    const start = Date.now();
    let now = start;
    const keyward = createKeyward({ store, resolveProject: () => null, lastUsedIntervalMs: INTERVAL_MS, now: () => now });
    const before = changes.get() as number;
    const step = 6;
    for (let i = 0; i < VERIFIES; i++) {
      now += step;
      expectOk((keyward.check(token!) as VerifyResult).ok, 'check() accepts the token');
      if (i % Math.round(1000 / step) === 0) await keyward.flush();
    }
    await keyward.close();
    const written = (changes.get() as number) - before;
    const intervals = (now - start) / INTERVAL_MS;
    rows.push({
      section: SECTION,
      label: `${VERIFIES.toLocaleString('en').replace(/,/g, ' ')} verifies of one token over ${((now - start) / 60_000).toFixed(0)} simulated minutes (interval 60 s)`,
      value: `${written} rows`,
      baseline: `${intervals.toFixed(0)} intervals`,
      ratio: `${(written / intervals).toFixed(2)} per interval`,
      target: '≤ 1 per token per lastUsedIntervalMs',
      met: written <= Math.ceil(intervals),
    });
    db.close();
  }

  rows.push(...(await durabilityRows(ctx)));
  return rows;
}
