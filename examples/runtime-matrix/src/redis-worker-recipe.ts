import { createKeyward } from '@keyward/core';
import { redisStore } from '@keyward/redis';
import { Redis } from 'ioredis';
// The routes of the PostgreSQL Worker: the store is all that changes.
import { handle, projects } from './postgres-worker-recipe.js';

interface Env {
  /** A secret (npx wrangler secret put REDIS_URL): redis://user:password@host:6379, or rediss:// for TLS. */
  REDIS_URL: string;
  /** A variable (wrangler.jsonc: "vars": { "KEY_PREFIX": "myapp:tokens:" }). */
  KEY_PREFIX: string;
}

export default {
  async fetch(request: Request, env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }): Promise<Response> {
    // Everything per request: in Workers a connection belongs to the request that opened it.
    const client = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 1000 });
    const keyward = createKeyward({ store: redisStore({ client, keyPrefix: env.KEY_PREFIX }), resolveProject: (id) => projects.get(id) ?? null });
    try {
      return await handle(keyward, request);
    } finally {
      // After the response: record last-used times, then close the connection.
      ctx.waitUntil(keyward.close().finally(() => client.quit()));
    }
  },
};
