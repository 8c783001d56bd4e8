// Throughput measurement built for a small, shared, noisy machine: a figure and its baseline run
// in alternating short rounds (A B, B A, A B…) in the same process, and the reported ratio is the
// median of the per-round ratios. Noise from other processes hits both sides of a round alike, so
// the ratio stays stable even when absolute figures wander.

/** Runs `ops` operations; may be sync or async. */
export type Workload = (ops: number) => unknown;

export interface PairOptions {
  /** Measured rounds (after warm-up). */
  rounds: number;
  /** Target duration of one side of one round, in ms. */
  roundMs: number;
  /** Warm-up rounds, run and discarded. Default 2. */
  warmup?: number;
}

export interface PairResult {
  /** Median operations per second of `a`. */
  a: number;
  /** Median operations per second of `b`. */
  b: number;
  /** Median of the per-round ratios b / a. */
  ratio: number;
  /** The per-round ratios b / a, in round order: their spread says how far to trust `ratio`. */
  ratios: number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

function nowMs(): number {
  return performance.now();
}

/** How many ops make one batch of about `targetMs`, found by doubling. */
async function calibrate(work: Workload, targetMs: number): Promise<number> {
  let ops = 16;
  for (;;) {
    const start = nowMs();
    await work(ops);
    const elapsed = nowMs() - start;
    if (elapsed >= targetMs / 4 || ops >= 1 << 26) return Math.max(1, Math.round((ops * targetMs) / Math.max(elapsed, 0.001)));
    ops *= 2;
  }
}

/** Ops per second of one run of about `ops` operations. */
async function rate(work: Workload, ops: number): Promise<number> {
  const start = nowMs();
  await work(ops);
  return (ops * 1000) / (nowMs() - start);
}

/**
 * Measures `a` (the baseline) and `b` (the candidate) in alternating rounds.
 * @example const { ratio } = await pair(floor, verify, { rounds: 9, roundMs: 200 }); // verify ops/s ÷ floor ops/s
 */
export async function pair(a: Workload, b: Workload, options: PairOptions): Promise<PairResult> {
  const opsA = await calibrate(a, options.roundMs);
  const opsB = await calibrate(b, options.roundMs);
  const ratesA: number[] = [];
  const ratesB: number[] = [];
  const ratios: number[] = [];
  const warmup = options.warmup ?? 2;
  for (let round = 0; round < warmup + options.rounds; round++) {
    // Let timers run between rounds (last-used flushes, heartbeats), as a server's event loop would.
    await new Promise((resolve) => setImmediate(resolve));
    let ra: number;
    let rb: number;
    if (round % 2 === 0) {
      ra = await rate(a, opsA);
      rb = await rate(b, opsB);
    } else {
      rb = await rate(b, opsB);
      ra = await rate(a, opsA);
    }
    if (round < warmup) continue;
    ratesA.push(ra);
    ratesB.push(rb);
    ratios.push(rb / ra);
  }
  return { a: median(ratesA), b: median(ratesB), ratio: median(ratios), ratios };
}

/** Median ops/s of `work` alone over `rounds` rounds. */
export async function throughput(work: Workload, options: PairOptions): Promise<number> {
  const ops = await calibrate(work, options.roundMs);
  const rates: number[] = [];
  const warmup = options.warmup ?? 2;
  for (let round = 0; round < warmup + options.rounds; round++) {
    const r = await rate(work, ops);
    if (round >= warmup) rates.push(r);
  }
  return median(rates);
}

/**
 * A workload running `fn` `ops` times over `concurrency` concurrent loops (for I/O-bound calls:
 * Redis with autopipelining needs many requests in flight to show its throughput).
 */
export function concurrently(concurrency: number, fn: (i: number) => Promise<unknown>): Workload {
  return async (ops: number) => {
    let next = 0;
    const loop = async () => {
      while (next < ops) await fn(next++);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, ops) }, loop));
  };
}

/** Guards against a benchmark silently measuring failures. */
export function expectOk(ok: boolean, what: string): void {
  if (!ok) throw new Error(`benchmark sanity check failed: ${what}`);
}
