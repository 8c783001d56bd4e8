import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis, type RedisOptions } from 'ioredis';
import type { PairOptions } from './measure.js';

export interface BenchContext {
  quick: boolean;
  /** Rounds and round length for in-process throughput pairs. */
  timing: PairOptions;
  /** Where SQLite files go; removed at exit. */
  tmp: string;
  /** Options for a Redis client on the shared 127.0.0.1:6379. */
  redis: RedisOptions;
  /** A fresh key prefix under which this run writes; every key under it is deleted at exit. */
  redisPrefix(): string;
  /**
   * An autopipelining client on the shared Redis and a fresh prefix for it; at exit, every key
   * under the prefix is deleted and the client disconnected.
   */
  redisStoreClient(): { client: Redis; prefix: string };
  /** Opens a SQLite file in `tmp` as better-sqlite3. */
  sqlite(name: string): Database.Database;
  /** Runs on exit (success or failure). */
  onCleanup(task: () => unknown): void;
  cleanup(): Promise<void>;
}

export function createContext(quick: boolean): BenchContext {
  const tmp = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
  const run = randomBytes(4).toString('hex');
  const tasks: Array<() => unknown> = [];
  let prefixes = 0;
  return {
    quick,
    timing: quick ? { rounds: 5, roundMs: 100 } : { rounds: 11, roundMs: 200 },
    tmp,
    redis: { host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1, commandTimeout: 5000 },
    redisPrefix: () => `kwbench:${run}:${prefixes++}:`,
    redisStoreClient() {
      const client = new Redis({ ...this.redis, enableAutoPipelining: true });
      const prefix = this.redisPrefix();
      this.onCleanup(async () => {
        await deleteKeys(client, prefix);
        client.disconnect();
      });
      return { client, prefix };
    },
    sqlite: (name) => new Database(join(tmp, `${name}.db`)),
    onCleanup: (task) => {
      tasks.push(task);
    },
    async cleanup() {
      for (const task of tasks.reverse()) {
        try {
          await task();
        } catch (error) {
          console.error('[bench] cleanup step failed:', error);
        }
      }
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Deletes every key under `prefix` (SCAN, never FLUSHALL: the server is shared). */
export async function deleteKeys(client: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await client.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
