// The limiter's prepared statement names, without a server: rate-limiter-flexible names its
// statements after the table alone, and the store renames them by a digest of location and text.
// The rename is looked up by the library's name (hashing the text, built afresh per query, cost
// about 1 µs per limited request), but a name must never be reused for another text, and every
// location keeps names of its own.
import type { QueryConfig } from 'pg';
import { describe, expect, test } from 'vitest';
import type { StoreContext } from '../src/context.js';
import { rateLimiterPart } from '../src/rate-limiter.js';

/** The query client the store hands rate-limiter-flexible, over a pool that records what it is sent. */
function limiterClient(schema: string, tablePrefix: string): { query: (config: QueryConfig) => Promise<unknown>; sent: QueryConfig[] } {
  const sent: QueryConfig[] = [];
  const pool = { query: (config: QueryConfig) => (sent.push(config), Promise.resolve({ rows: [], rowCount: 0 })) };
  const context = { pool, location: { schema, tablePrefix }, sql: {}, run: (_operation: string, work: () => Promise<unknown>) => work() } as unknown as StoreContext;
  const limiter = rateLimiterPart(context).rateLimiter({ keyPrefix: 'keyward:rl:2:60', points: 2, duration: 60 });
  // RateLimiterPostgres keeps its storeClient as `client`: the object the store made for it.
  return { query: (limiter as unknown as { client: { query: (config: QueryConfig) => Promise<unknown> } }).client.query, sent };
}

describe('rate limiter statement names', () => {
  test('the same statement keeps its name, query after query; the library name is replaced', async () => {
    const { query, sent } = limiterClient('public', 'keyward_');
    for (let i = 0; i < 3; i++) await query({ name: 'keyward_rate_limits:rlflx-upsert', text: `INSERT ${'x'.repeat(3)} RETURNING points`, values: [i] });
    const names = sent.map((config) => config.name);
    expect(new Set(names).size).toBe(1);
    expect(names[0]).toMatch(/^keyward_rl_[0-9a-f]{16}$/);
    expect(sent.map((config) => config.values)).toEqual([[0], [1], [2]]);
  });

  test('another text under the same library name gets another name, and the first text keeps its own', async () => {
    const { query, sent } = limiterClient('public', 'keyward_');
    for (const text of ['SELECT 1', 'SELECT 2', 'SELECT 1']) await query({ name: 'keyward_rate_limits:rlflx-get', text });
    const [first, second, again] = sent.map((config) => config.name);
    expect(second).not.toBe(first);
    expect(again).toBe(first);
  });

  test('two locations name one text differently; a query without a name stays unnamed', async () => {
    const a = limiterClient('a', 'keyward_');
    const b = limiterClient('b', 'keyward_');
    await a.query({ name: 'keyward_rate_limits:rlflx-get', text: 'SELECT 1' });
    await b.query({ name: 'keyward_rate_limits:rlflx-get', text: 'SELECT 1' });
    expect(a.sent[0]!.name).not.toBe(b.sent[0]!.name);
    await a.query({ text: 'SELECT 3' });
    expect(a.sent[1]!.name).toBeUndefined();
  });
});
