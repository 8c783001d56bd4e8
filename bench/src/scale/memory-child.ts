// Run with --expose-gc: `memory-child.ts <tokens> <timing json>`. Fills a memory store with
// `tokens` tokens, measures the heap it holds per token (global.gc(), heapUsed before and after),
// then verify throughput against a 1 000-token store in alternating rounds, and reports over IPC.
// Both stores are verified with 1 000 distinct tokens (spread over the large store), so the
// comparison isolates the store's size from the working set's; the floor (SHA-256 + findByHash)
// is compared the same way. A separate process so the heap figure sees nothing but this store.
import { memoryStore } from '@keyward/core';
import { fill, shuffle } from '../lib/fixtures.js';
import { pair, type PairOptions } from '../lib/measure.js';
import { checkLoop, floorLoop, keywardOn } from '../sections/verify.js';

const [countArg, timingArg] = process.argv.slice(2) as [string, string];
const count = Number(countArg);
const timing = JSON.parse(timingArg) as PairOptions;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const KEEP = 1000;
const settle = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const before = settle();
const large = memoryStore();
const fillStarted = performance.now();
const largeTokens = shuffle(await fill(large, count, KEEP));
const fillMs = performance.now() - fillStarted;
const after = settle();

const small = memoryStore();
const smallTokens = shuffle(await fill(small, 1000, 1000));
const result = await pair(checkLoop(keywardOn(small), smallTokens), checkLoop(keywardOn(large), largeTokens), timing);
const floor = await pair(
  floorLoop(smallTokens, (h) => small.findByHash(h) ?? undefined),
  floorLoop(largeTokens, (h) => large.findByHash(h) ?? undefined),
  timing,
);

process.send!({
  bytesPerToken: (after - before) / count,
  kept: largeTokens.length,
  fillMs,
  small: result.a,
  large: result.b,
  ratio: result.ratio,
  floorRatio: floor.ratio,
});
process.disconnect();
