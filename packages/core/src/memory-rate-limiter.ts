// The package's types cover only its index, and the index loads every backend (node:cluster
// among them), which would tie core to Node: this one plain-JS file is all the memory store needs.
// @ts-expect-error TS7016: no declaration file for this subpath; the shape used is typed below.
import RateLimiterMemoryClass from 'rate-limiter-flexible/lib/RateLimiterMemory.js';
import type { RateLimiterAnswer, RateLimiterLike, RateLimiterOptions } from './store.js';

/** The parts of rate-limiter-flexible 11's RateLimiterMemory that its own `consume` is made of. */
interface MemoryLimiterInternals {
  readonly points: number;
  readonly blockDuration: number;
  readonly execEvenly: boolean;
  readonly _memoryStorage?: { incrby?(rlKey: string, points: number, durationSec: number): RateLimiterAnswer };
  getKey(key: string): string;
  _getKeySecDuration(options?: object): number;
}

const RateLimiterMemory = RateLimiterMemoryClass as new (options: RateLimiterOptions) => RateLimiterLike & MemoryLimiterInternals;

/**
 * RateLimiterMemory's `consume` without its promise: the same steps on the limiter's own storage
 * (`incrby` of the key for the window, remaining points, over when more than `points` were
 * consumed). Valid only without `blockDuration` and `execEvenly`, which keyward never sets.
 */
function consumeNow(limiter: MemoryLimiterInternals, key: string, points: number): RateLimiterAnswer {
  const answer = limiter._memoryStorage!.incrby!(limiter.getKey(key), points, limiter._getKeySecDuration());
  answer.remainingPoints = Math.max(limiter.points - answer.consumedPoints, 0);
  if (answer.consumedPoints > limiter.points) throw answer;
  return answer;
}

/**
 * rate-limiter-flexible's `RateLimiterMemory`: counts in this process only, as the memory store's
 * data lives. It also answers through `consumeSync` (its counts are in this process), so a
 * rate-limited verification on the memory store stays synchronous like any other there: the
 * promise `consume` wraps its answer in cost more than the count itself (issue #23's 1.15×).
 * Should a version of the library lack the storage call, the limiter keeps `consume` alone.
 * @example memoryRateLimiter({ keyPrefix: 'keyward:rl:10:1', points: 10, duration: 1 }).consumeSync!('tok_1', 1).remainingPoints // 9
 */
export function memoryRateLimiter(options: RateLimiterOptions): RateLimiterLike {
  const limiter = new RateLimiterMemory(options);
  if (typeof limiter._memoryStorage?.incrby !== 'function' || typeof limiter._getKeySecDuration !== 'function' || limiter.blockDuration > 0 || limiter.execEvenly) {
    return limiter;
  }
  return Object.assign(limiter, { consumeSync: (key: string, points: number) => consumeNow(limiter, key, points) });
}
