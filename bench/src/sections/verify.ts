// Verify throughput per store, each beside the physical floor of what any verification on that
// store must do, measured in the same process in alternating rounds.
import { hash } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { createKeyward, isWellFormedToken, memoryStore, type CacheOptions, type Keyward, type TokenStore, type VerifyResult } from '@keyward/core';
import { redisStore } from '@keyward/redis';
import { sqliteStore } from '@keyward/sqlite';
import type { BenchContext } from '../lib/context.js';
import { fill, shuffle } from '../lib/fixtures.js';
import { concurrently, expectOk, pair } from '../lib/measure.js';
import { opsPerSec, percent, times, type Row } from '../lib/report.js';

const SECTION = 'Verify throughput (1 000 tokens)';
export const REDIS_CONCURRENCY = 64;

export function keywardOn(store: TokenStore, cache?: CacheOptions): Keyward {
  return createKeyward({ store, resolveProject: () => null, onError: (error) => console.error('[bench]', error), ...(cache ? { cache } : {}) });
}

/**
 * Verifies every token once and writes their last-used times, so measuring starts in the steady
 * state of a busy server (each token's last use already recorded) rather than in its first second.
 */
export async function warm(keyward: Keyward, tokens: readonly string[]): Promise<void> {
  for (const token of tokens) expectOk((await keyward.verify(token)).ok, 'warm-up verify');
  await keyward.flush();
}

/** check() over the tokens in turn: the synchronous path the middlewares take. */
export function checkLoop(keyward: Keyward, tokens: readonly string[]) {
  const n = tokens.length;
  return (ops: number) => {
    let ok = 0;
    for (let i = 0; i < ops; i++) if ((keyward.check(tokens[i % n]!) as VerifyResult).ok) ok++;
    expectOk(ok === ops, 'check() accepts every fixture token');
  };
}

/** `await verify()` over the tokens in turn. */
export function verifyLoop(keyward: Keyward, tokens: readonly string[]) {
  const n = tokens.length;
  return async (ops: number) => {
    let ok = 0;
    for (let i = 0; i < ops; i++) if ((await keyward.verify(tokens[i % n]!)).ok) ok++;
    expectOk(ok === ops, 'verify() accepts every fixture token');
  };
}

/** Floor: one-shot SHA-256 to base64url (the primitive keyward uses), then `lookup`. */
export function floorLoop(tokens: readonly string[], lookup: (hash: string) => unknown) {
  const n = tokens.length;
  return (ops: number) => {
    let ok = 0;
    for (let i = 0; i < ops; i++) if (lookup(hash('sha256', tokens[i % n]!, 'base64url')) !== undefined) ok++;
    expectOk(ok === ops, 'the floor finds every fixture token');
  };
}

export async function verifySection(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const COUNT = 1000;

  // Memory.
  {
    const store = memoryStore();
    const tokens = shuffle(await fill(store, COUNT, COUNT));
    const map = new Map<string, object>();
    for (const t of tokens) map.set(hash('sha256', t, 'base64url'), store.findByHash(hash('sha256', t, 'base64url')) as object);
    const keyward = keywardOn(store);
    await warm(keyward, tokens);
    const floor = floorLoop(tokens, (h) => map.get(h));
    // The part of the budget the token format takes: its checksum runs before any lookup.
    const n = tokens.length;
    const checksummed = await pair(floor, (ops: number) => {
      let ok = 0;
      for (let i = 0; i < ops; i++) {
        const token = tokens[i % n]!;
        if (isWellFormedToken(token, 'kw') && map.get(hash('sha256', token, 'base64url')) !== undefined) ok++;
      }
      expectOk(ok === ops, 'the checksum accepts every fixture token');
    }, ctx.timing);
    rows.push({
      section: SECTION,
      label: 'floor + the format and CRC-32 checksum check on every call',
      value: opsPerSec(checksummed.b),
      baseline: `${opsPerSec(checksummed.a)} SHA-256 + Map.get`,
      ratio: `${times(1 / checksummed.ratio)} floor time`,
      target: '(info: the share of the token format check, which keyward runs on every call)',
      met: null,
    });
    // What a runtime without node:crypto (workerd without nodejs_compat, browsers) pays: core
    // hashes with @noble/hashes there. Digests only, so the figure is the hash itself.
    const digests = await pair(
      (ops: number) => {
        for (let i = 0; i < ops; i++) hash('sha256', tokens[i % n]!, 'buffer');
      },
      (ops: number) => {
        for (let i = 0; i < ops; i++) sha256(utf8ToBytes(tokens[i % n]!));
      },
      ctx.timing,
    );
    rows.push({
      section: SECTION,
      label: 'SHA-256 of a token with @noble/hashes (the backend where node:crypto is absent)',
      value: opsPerSec(digests.b),
      baseline: `${opsPerSec(digests.a)} node:crypto hash()`,
      ratio: `${times(1 / digests.ratio)} node:crypto's time`,
      target: '(info: the hash a Worker without nodejs_compat runs per verification)',
      met: null,
    });
    const check = await pair(floor, checkLoop(keyward, tokens), ctx.timing);
    rows.push({
      section: SECTION,
      label: 'memory, check() (sync, used by the middlewares)',
      value: opsPerSec(check.b),
      baseline: `${opsPerSec(check.a)} SHA-256 + Map.get`,
      ratio: `${times(1 / check.ratio)} floor time`,
      target: '≤ 2× floor time (guard rail)',
      met: 1 / check.ratio <= 2,
      explain:
        `The token format check (prefix, base62, CRC-32 over the 33 characters before the checksum) alone takes the floor to ` +
        `${times(1 / checksummed.ratio)} its time (row above). What remains (expiry, scope, last-used bookkeeping, the answer) costs ` +
        `${(((1 / check.b) - (1 / checksummed.b)) * 1e9).toFixed(0)} ns per call over the floor with the format check.`,
    });
    const verify = await pair(floor, verifyLoop(keyward, tokens), ctx.timing);
    rows.push({
      section: SECTION,
      label: 'memory, await verify()',
      value: opsPerSec(verify.b),
      baseline: `${opsPerSec(verify.a)} SHA-256 + Map.get`,
      ratio: `${times(1 / verify.ratio)} floor time`,
      target: '(info: one microtask more)',
      met: null,
    });
    await keyward.close();
  }

  // SQLite.
  {
    const db = ctx.sqlite('verify');
    const store = sqliteStore({ db });
    const tokens = shuffle(await fill(store, COUNT, COUNT, { batch: (run) => db.transaction(run)() }));
    const select = db.prepare(
      'SELECT id, organization_id, name, name_key, scope_kind, project_id, hash, hint, created_at, created_by, expires_at, last_used_at FROM keyward_tokens WHERE hash = ?',
    );
    const keyward = keywardOn(store);
    await warm(keyward, tokens);
    const floor = floorLoop(tokens, (h) => select.get(h));
    const check = await pair(floor, checkLoop(keyward, tokens), ctx.timing);
    rows.push({
      section: SECTION,
      label: 'SQLite (WAL, file), check()',
      value: opsPerSec(check.b),
      baseline: `${opsPerSec(check.a)} SHA-256 + prepared point SELECT`,
      ratio: `${times(1 / check.ratio)} floor time`,
      target: '≤ 2× floor time (guard rail)',
      met: 1 / check.ratio <= 2,
      explain: 'The SQLite lookup is the store\'s; keyward reads a lean raw row from one prepared statement.',
    });
    // The strictest floor: the very statement keyward runs (raw, ten columns), without keyward.
    const lean = db
      .prepare('SELECT id, organization_id, name, name_key, project_id, hint, created_at, created_by, expires_at, last_used_at FROM keyward_tokens WHERE hash = ?')
      .raw();
    const leanCheck = await pair(floorLoop(tokens, (h) => lean.get(h)), checkLoop(keyward, tokens), ctx.timing);
    rows.push({
      section: SECTION,
      label: 'SQLite, check() vs the leanest floor (SHA-256 + the same raw 10-column SELECT keyward prepares)',
      value: opsPerSec(leanCheck.b),
      baseline: `${opsPerSec(leanCheck.a)} SHA-256 + lean raw SELECT`,
      ratio: `${times(1 / leanCheck.ratio)} floor time`,
      target: '(info)',
      met: null,
    });
    const verify = await pair(floor, verifyLoop(keyward, tokens), ctx.timing);
    rows.push({
      section: SECTION,
      label: 'SQLite (WAL, file), await verify()',
      value: opsPerSec(verify.b),
      baseline: `${opsPerSec(verify.a)} SHA-256 + prepared point SELECT`,
      ratio: `${times(1 / verify.ratio)} floor time`,
      target: '(info)',
      met: null,
    });
    await keyward.close();
    db.close();
  }

  // Redis.
  {
    const { client, prefix } = ctx.redisStoreClient();
    const store = redisStore({ client, keyPrefix: prefix });
    const tokens = shuffle(await fill(store, COUNT, COUNT));
    const keyward = keywardOn(store);
    await warm(keyward, tokens);
    const n = tokens.length;
    const hashes = tokens.map((t) => hash('sha256', t, 'base64url'));
    const floor = concurrently(REDIS_CONCURRENCY, async (i) => {
      const [json] = await client.hmget(`${prefix}h:${hash('sha256', tokens[i % n]!, 'base64url')}`, 'r', 'u');
      expectOk(json != null, 'HMGET finds the lookup key');
    });
    expectOk(hashes.length === n, 'hashes');
    const verify = concurrently(REDIS_CONCURRENCY, async (i) => {
      expectOk((await keyward.verify(tokens[i % n]!)).ok, 'verify() accepts the fixture token');
    });
    const result = await pair(floor, verify, { ...ctx.timing, rounds: Math.max(5, ctx.timing.rounds - 4) });
    rows.push({
      section: SECTION,
      label: `Redis, await verify() ×${REDIS_CONCURRENCY} concurrent`,
      value: opsPerSec(result.b),
      baseline: `${opsPerSec(result.a)} SHA-256 + HMGET (autopipelined, ×${REDIS_CONCURRENCY})`,
      ratio: `${percent(result.ratio)} of floor`,
      target: '≥ 70 % of floor',
      met: result.ratio >= 0.7,
    });
    await keyward.close();
  }
  return rows;
}
