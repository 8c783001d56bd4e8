import { RateLimiterRedis } from 'rate-limiter-flexible';
import type { RateLimiterAnswer, RateLimiterLike, RateLimiterStore } from '@keyward/core';
import type { StoreContext } from './context.js';
import { toStoreError } from './errors.js';

/**
 * Contract v3's rate limiter part on Redis: rate-limiter-flexible's `RateLimiterRedis` on the
 * store's own client (standalone or Cluster: each count is one key, `<keyPrefix><options.keyPrefix>:<token id>`,
 * so Cluster needs nothing more), so every process sharing the store shares the counts. One
 * `consume` is one script call. A refusal rejects with the limiter's answer, as rate-limiter-flexible
 * does; a Redis failure rejects with the store's error (StoreUnavailableError for an outage).
 * @example const limiter = rateLimiterPart(ctx).rateLimiter({ keyPrefix: 'keyward:rl:10:1', points: 10, duration: 1 });
 */
export function rateLimiterPart(ctx: StoreContext): RateLimiterStore {
  const classify = (error: unknown): never => {
    throw error instanceof Error ? toStoreError('rateLimiter', error) : error;
  };
  return {
    rateLimiter(options): RateLimiterLike {
      const limiter = new RateLimiterRedis({
        storeClient: ctx.client,
        keyPrefix: ctx.keyPrefix + options.keyPrefix,
        points: options.points,
        duration: options.duration,
      });
      // In workerd, a client kept from an earlier request is refused by name (see StoreContext.checkRequest).
      const checked = <T>(call: () => Promise<T>): Promise<T> => (ctx.checkRequest ? Promise.resolve().then(ctx.checkRequest).then(call) : call()).catch(classify);
      return {
        consume: (key, points) => checked(() => limiter.consume(key, points) as Promise<RateLimiterAnswer>),
        reward: (key, points) => checked(() => limiter.reward(key, points)),
      };
    },
  };
}
