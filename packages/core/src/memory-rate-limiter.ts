// The package's types cover only its index, and the index loads every backend (node:cluster
// among them), which would tie core to Node: this one plain-JS file is all the memory store needs.
// @ts-expect-error TS7016: no declaration file for this subpath; the shape used is typed below.
import RateLimiterMemoryClass from 'rate-limiter-flexible/lib/RateLimiterMemory.js';
import type { RateLimiterLike, RateLimiterOptions } from './store.js';

const RateLimiterMemory = RateLimiterMemoryClass as new (options: RateLimiterOptions) => RateLimiterLike;

/**
 * rate-limiter-flexible's `RateLimiterMemory`: counts in this process only, as the memory store's data lives.
 * @example memoryRateLimiter({ keyPrefix: 'keyward:rl:10:1', points: 10, duration: 1 }).consume('tok_1', 1)
 */
export function memoryRateLimiter(options: RateLimiterOptions): RateLimiterLike {
  return new RateLimiterMemory(options);
}
