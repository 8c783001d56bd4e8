// Pages stay flat: one page of an organization's list 100 000 tokens deep beside its first page,
// on every store. A cursor page must cost what the first page costs (the store seeks to the
// cursor instead of walking past everything before it).
import { memoryStore, type ListCursor, type TokenStore } from '@keyward/core';
import { redisStore } from '@keyward/redis';
import { sqliteStore } from '@keyward/sqlite';
import type { BenchContext } from '../lib/context.js';
import { fill } from '../lib/fixtures.js';
import { median } from '../lib/measure.js';
import { micros, times, type Row } from '../lib/report.js';

const SECTION = 'Pages';
const OFFSET = 100_000;
const PAGE = 50;
// The fixtures' organization when every token goes to one of them.
const ORGANIZATION = 'org_0';

/** The cursor after the first `offset` tokens, newest first, found by walking 1000-token pages. */
async function cursorAt(store: TokenStore, offset: number): Promise<ListCursor> {
  let after: ListCursor | undefined;
  for (let walked = 0; walked < offset; ) {
    const limit = Math.min(1000, offset - walked);
    const page = await store.list(ORGANIZATION, { limit, ...(after ? { after } : {}) });
    if (page.items.length !== limit || !page.next) throw new Error('benchmark sanity check failed: the walk to the deep page ran out of tokens');
    after = page.next;
    walked += limit;
  }
  return after!;
}

/** Median ms of one `list()` page of `PAGE` items, first page and deep page in alternating rounds. */
async function pageTimes(store: TokenStore, deep: ListCursor, calls: number): Promise<{ first: number; deep: number }> {
  const one = async (after?: ListCursor) => {
    const start = performance.now();
    const page = await store.list(ORGANIZATION, { limit: PAGE, ...(after ? { after } : {}) });
    const ms = performance.now() - start;
    if (page.items.length !== PAGE) throw new Error('benchmark sanity check failed: a full page');
    return ms;
  };
  for (let i = 0; i < 20; i++) await one(), await one(deep);
  const first: number[] = [];
  const deepMs: number[] = [];
  for (let i = 0; i < calls; i++) {
    first.push(await one());
    deepMs.push(await one(deep));
  }
  return { first: median(first), deep: median(deepMs) };
}

async function pageRow(ctx: BenchContext, label: string, store: TokenStore, batch?: (run: () => void) => void): Promise<Row> {
  await fill(store, OFFSET + 1000, 1, { organizations: 1, batch });
  const deep = await cursorAt(store, OFFSET);
  const { first, deep: deepMs } = await pageTimes(store, deep, ctx.quick ? 100 : 400);
  const ratio = deepMs / first;
  return {
    section: SECTION,
    label: `${label}: list() page of ${PAGE} at offset 100 000 (organization of ${(OFFSET + 1000).toLocaleString('en').replace(/,/g, ' ')} tokens)`,
    value: micros(deepMs),
    baseline: `${micros(first)} first page`,
    ratio: `${times(ratio)} the first page`,
    target: '≤ 1.5× the first page',
    met: ratio <= 1.5,
  };
}

export async function pagesSection(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  rows.push(await pageRow(ctx, 'memory', memoryStore()));
  {
    const db = ctx.sqlite('pages');
    rows.push(await pageRow(ctx, 'SQLite', sqliteStore({ db }), (run) => db.transaction(run)()));
    db.close();
  }
  {
    const { client, prefix } = ctx.redisStoreClient();
    rows.push(await pageRow(ctx, 'Redis', redisStore({ client, keyPrefix: prefix })));
  }
  return rows;
}
