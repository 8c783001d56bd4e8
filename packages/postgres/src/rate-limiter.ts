import { createHash } from 'node:crypto';
import type { QueryConfig } from 'pg';
import type { RateLimiterPostgres as RateLimiterPostgresType } from 'rate-limiter-flexible';
// The package's index loads every backend, node:cluster among them, which workerd does not have
// (with nodejs_compat or not): this one file is all the store needs, so the store loads in Workers.
// @ts-expect-error TS7016: no declaration file for this subpath; typed below from the index's types.
import RateLimiterPostgresClass from 'rate-limiter-flexible/lib/RateLimiterPostgres.js';
import type { RateLimiterLike, RateLimiterStore } from '@keyward/core';
import type { StoreContext } from './context.js';
import { rateLimitsTable } from './names.js';
import { inWorkerd } from './workerd.js';

const RateLimiterPostgres = RateLimiterPostgresClass as typeof RateLimiterPostgresType;

/**
 * Contract v3's rate limiter part on PostgreSQL: rate-limiter-flexible's `RateLimiterPostgres` on
 * the store's own pool, counting in `<prefix>rate_limits` (made by migration 3, hence
 * `tableCreated: true`: the limiter never creates anything), so every process sharing the
 * database shares the counts. One `consume` is one statement (rate-limiter-flexible's upsert).
 *
 * @example const limiter = rateLimiterPart(context).rateLimiter({ keyPrefix: 'keyward:rl:10:1', points: 10, duration: 1 });
 */
export function rateLimiterPart({ run, pool, location }: StoreContext): RateLimiterStore {
  // The limiter queries through this client rather than the pool itself, so that its first query
  // waits for the store's setup (the migration that makes its table) and its errors are classified
  // like the store's. Its prepared statements are renamed: rate-limiter-flexible names them after
  // the table alone, so two stores in two schemas on one pool (or two versions of the library)
  // would give one name two texts, which node-postgres refuses.
  // Found by the library's own name, checked against the text: the text is built afresh for every
  // query, and hashing it as a Map key cost each limited request more than the rest of this wrapper.
  const names = new Map<string, { text: string; name: string }>();
  const workerd = inWorkerd();
  const nameOf = (libraryName: string, text: string): string => {
    const known = names.get(libraryName);
    if (known !== undefined && known.text === text) return known.name;
    const digest = createHash('sha256').update(`${location.schema}\0${location.tablePrefix}\0${text}`).digest('hex').slice(0, 16);
    const name = `keyward_rl_${digest}`;
    names.set(libraryName, { text, name });
    return name;
  };
  const client = {
    query: (config: QueryConfig) => run('rateLimiter', () => pool.query(config.name === undefined ? config : { ...config, name: nameOf(config.name, config.text) })),
  };
  return {
    rateLimiter(options): RateLimiterLike {
      return new RateLimiterPostgres({
        storeClient: client,
        storeType: 'pool',
        schemaName: location.schema,
        tableName: rateLimitsTable(location.tablePrefix),
        tableCreated: true,
        keyPrefix: options.keyPrefix,
        points: options.points,
        duration: options.duration,
        // The hourly sweep of expired rows is a timer that calls unref(), which workerd's timers
        // lack, and no timer outlives a Worker's request: there, rows are swept by a scheduled job
        // instead (docs/stores.md, "PostgreSQL from Cloudflare Workers").
        clearExpiredByTimeout: !workerd,
      });
    },
  };
}
