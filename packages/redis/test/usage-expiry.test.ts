// Usage hashes (one per organization and UTC day) expire on their own a little after the retention
// keyward states, so an organization nobody prunes any more does not keep its counts forever.
import { createKeyward } from '@keyward/core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeEach, expect, test } from 'vitest';
import { redisStore, type RedisTokenStore } from '../src/index.js';
import { USAGE_EXPIRY_MARGIN_DAYS } from '../src/usage.js';
import { ACTORS, resolveProject } from '@keyward/test-kit/fixtures';
import { FAIL_FAST, deleteKeysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';

const DAY_MS = 86_400_000;
const client = new Redis({ ...FAIL_FAST, port: 6379 });
let keyPrefix: string;
let store: RedisTokenStore;

beforeEach(() => {
  keyPrefix = randomPrefix('usage-expiry');
  store = redisStore({ client, keyPrefix });
});
afterEach(async () => {
  await store.close();
  await deleteKeysWithPrefix(client, keyPrefix);
});
afterAll(() => client.quit());

const count = (day: string, accepted = 1) => ({ tokenId: 'tok_a', organizationId: 'org_1', day, accepted, refused: {} });

test('addUsage() with retentionDays gives each day\'s hash a TTL beyond the retention, set by the write itself; without it, none', async () => {
  await store.addUsage([count('2026-03-01'), count('2026-03-02')], { retentionDays: 30 });
  for (const day of ['2026-03-01', '2026-03-02']) {
    const ttl = await client.pttl(`${keyPrefix}{o:org_1}:usage:${day}`);
    expect(ttl).toBeGreaterThan(30 * DAY_MS);
    expect(ttl).toBeLessThanOrEqual((30 + USAGE_EXPIRY_MARGIN_DAYS) * DAY_MS);
  }
  // The counts are there until then, as before.
  expect(await store.readUsage('org_1', { tokenId: 'tok_a', fromDay: '2026-03-01', toDay: '2026-03-02' })).toHaveLength(2);
  await store.addUsage([count('2026-03-03')]);
  expect(await client.pttl(`${keyPrefix}{o:org_1}:usage:2026-03-03`)).toBe(-1);
  // Each write sets it afresh, so a day's hash lives the retention (plus the margin) past its last write.
  await client.pexpire(`${keyPrefix}{o:org_1}:usage:2026-03-01`, 1000);
  await store.addUsage([count('2026-03-01')], { retentionDays: 30 });
  expect(await client.pttl(`${keyPrefix}{o:org_1}:usage:2026-03-01`)).toBeGreaterThan(30 * DAY_MS);
});

test('addUsage() refuses a retentionDays that is not a positive number, naming it, and writes nothing', async () => {
  for (const retentionDays of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '30' as unknown as number]) {
    await expect(store.addUsage([count('2026-03-01')], { retentionDays })).rejects.toThrow(/options\.retentionDays/);
  }
  expect(await client.exists(`${keyPrefix}{o:org_1}:usage:2026-03-01`)).toBe(0);
});

test('keyward passes usage.retentionDays with every batch: the hashes it writes expire a little after it', async () => {
  const now = Date.now();
  const keyward = createKeyward({ store, resolveProject, now: () => now, usage: { retentionDays: 10 }, lastUsedIntervalMs: 3_600_000 });
  const { plaintext, token } = await keyward.create(ACTORS.owner, { name: 'Counted', scope: { kind: 'organization' }, expiresIn: '1d' });
  expect((await keyward.verify(plaintext)).ok).toBe(true);
  await keyward.close();
  const day = new Date(now).toISOString().slice(0, 10);
  expect(await store.readUsage(token.organizationId, { tokenId: token.id, fromDay: day, toDay: day })).toMatchObject([{ day, accepted: 1 }]);
  const ttl = await client.pttl(`${keyPrefix}{o:${token.organizationId}}:usage:${day}`);
  expect(ttl).toBeGreaterThan(10 * DAY_MS);
  expect(ttl).toBeLessThanOrEqual((10 + USAGE_EXPIRY_MARGIN_DAYS) * DAY_MS);
});
