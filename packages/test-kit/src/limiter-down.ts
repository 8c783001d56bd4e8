// The limiter-backend-down behaviour of issue #23, on a real store: its rate-limiter-flexible
// backend is broken while the token store itself keeps answering. keyward must refuse a
// rate-limited token (StoreUnavailableError → 503) by default, let it through unlimited with
// `rateLimits.onLimiterError: 'allow'` (telling onError), and never involve the limiter for a
// token without a rate limit.
import { StoreUnavailableError, createKeyward, type Keyward, type KeywardOptions, type TokenStore } from '@keyward/core';
import { expect } from 'vitest';
import { ACTORS, resolveProject } from './fixtures.js';

/**
 * Runs the checks on `store` (shared by two keyward instances, one per mode); `breakLimiter`
 * makes the store's rate limiter backend fail (drop its table, …) without touching its tokens.
 * @example await checkLimiterDown(sqliteStore({ db }), () => db.exec('DROP TABLE keyward_rate_limits'));
 */
export async function checkLimiterDown(store: TokenStore, breakLimiter: () => unknown): Promise<void> {
  const errors: unknown[] = [];
  const options: KeywardOptions = { store, resolveProject, onError: (error) => errors.push(error) };
  const closed = createKeyward(options);
  const open = createKeyward({ ...options, rateLimits: { onLimiterError: 'allow' } });
  const scope = { kind: 'organization' } as const;
  const limited = await closed.create(ACTORS.owner, { name: 'limited', scope, expiresIn: 'never', rateLimit: { limit: 1000, window: '1m' } });
  const plain = await closed.create(ACTORS.owner, { name: 'plain', scope, expiresIn: 'never' });
  // Working limiter first: both modes count the token.
  for (const keyward of [closed, open] as Keyward[]) expect(await keyward.verify(limited.plaintext)).toMatchObject({ ok: true, limits: { rateLimit: { limit: 1000 } } });

  await breakLimiter();
  await expect(closed.verify(limited.plaintext)).rejects.toBeInstanceOf(StoreUnavailableError);
  const before = errors.length;
  const let_through = await open.verify(limited.plaintext);
  expect(let_through.ok).toBe(true);
  expect(let_through.ok && let_through.limits).toBeUndefined();
  expect(errors.slice(before)).toEqual([expect.any(StoreUnavailableError)]);
  // A token without a rate limit never calls the limiter: both modes accept it.
  for (const keyward of [closed, open]) expect((await keyward.verify(plain.plaintext)).ok).toBe(true);
  await open.flush();
  await closed.flush();
}
