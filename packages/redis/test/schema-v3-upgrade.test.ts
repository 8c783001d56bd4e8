// Keys written by schema 3 (records holding what their keys imply: the listing its id and
// organization id, the lookup key its own hash), loaded from a fixture the schema-3 code generated,
// are read as they are by this version, marked schema 4 by the first write, and rewritten in the
// compact forms in place: by a record's next change, or for every key by one pass of reconcile().
import { createKeyward, type TokenRecord } from '@keyward/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { redisStore } from '../src/index.js';
import { decodeLimits } from '../src/limits-field.js';
import { FAIL_FAST, deleteKeysWithPrefix, keysWithPrefix, lookupRecordJson, randomPrefix, storedRecord } from '@keyward/test-kit/redis-keys';
import { loadV3Fixture, v3Fixture } from './v3-fixture.js';

const client = new Redis({ ...FAIL_FAST, port: 6379 });
const prefixes: string[] = [];

afterAll(async () => {
  for (const prefix of prefixes) await deleteKeysWithPrefix(client, prefix);
  await client.quit();
});

async function loaded(): Promise<string> {
  const keyPrefix = randomPrefix('v3-upgrade');
  prefixes.push(keyPrefix);
  await loadV3Fixture(client, keyPrefix);
  return keyPrefix;
}

const owners = {
  org_a: { userId: 'u_owner', organizationId: 'org_a', role: 'owner' },
  org_b: { userId: 'u_other_owner', organizationId: 'org_b', role: 'owner' },
} as const;
const resolveProject = (id: string) => v3Fixture.projects.find((p) => p.id === id) ?? null;
const permissions = { 'builds:read': 'Read builds', 'builds:write': 'Start builds' };
const live = v3Fixture.tokens.filter((t) => !t.deleted);
const liveIds = [...new Set(live.map((t) => t.id))];
const day = new Date(v3Fixture.now).toISOString().slice(0, 10);

/** The records as schema 3 stored them, read from the fixture by the test kit's own decoder. */
function v3Records(): TokenRecord[] {
  return liveIds.map((id) => {
    const { organizationId } = live.find((t) => t.id === id)!;
    const fields = v3Fixture.keys[`{o:${organizationId}}:records`]!.value as Record<string, string>;
    const lastUsed = fields[`u:${id}`];
    return { ...storedRecord(fields[`r:${id}`]!), lastUsedAt: lastUsed === undefined ? null : Number(lastUsed), ...decodeLimits(fields[`l:${id}`]) };
  });
}

/** Every record JSON under the prefix: listings by `<org> <id>`, lookup keys by hash. */
async function storedJson(keyPrefix: string): Promise<{ listings: Map<string, string>; lookups: Map<string, string> }> {
  const listings = new Map<string, string>();
  for (const organizationId of ['org_a', 'org_b']) {
    for (const [field, value] of Object.entries(await client.hgetall(`${keyPrefix}{o:${organizationId}}:records`))) {
      if (field.startsWith('r:')) listings.set(`${organizationId} ${field.slice(2)}`, value);
    }
  }
  const lookups = new Map<string, string>();
  for (const key of await keysWithPrefix(client, keyPrefix, 'h:*')) lookups.set(key.slice(`${keyPrefix}h:`.length), (await lookupRecordJson(client, key))!);
  return { listings, lookups };
}

/** Every read answers the records as schema 3 stored them. */
async function expectReadsUnchanged(keyPrefix: string): Promise<void> {
  const store = redisStore({ client, keyPrefix });
  for (const record of v3Records()) {
    expect(await store.get(record.organizationId, record.id)).toEqual(record);
    expect(await store.findByHash(record.hash)).toEqual(record);
    if (record.previous) expect(await store.findByHash(record.previous.hash)).toEqual(record);
  }
  for (const organizationId of ['org_a', 'org_b'] as const) {
    const expected = v3Records().filter((r) => r.organizationId === organizationId).sort((x, y) => y.createdAt - x.createdAt);
    expect((await store.list(organizationId, { limit: 100 })).items).toEqual(expected);
  }
  await store.close();
}

describe('a store over schema-3 keys', () => {
  test('the fixture holds what the upgrade must handle: schema 3, records with their ids and hashes, every contract v3 field, a trail and usage', () => {
    expect(v3Fixture.release).toMatch(/schema 3/);
    expect(v3Fixture.keys.schema!.value).toBe('3');
    const records = v3Records();
    expect(records.every((r) => r.id.startsWith('tok_') && r.permissions !== null)).toBe(true);
    expect(records.filter((r) => r.previous !== null)).toHaveLength(1);
    expect(records.filter((r) => r.metadata !== null)).toHaveLength(1);
    expect(records.filter((r) => r.rateLimit !== null)).toHaveLength(1);
    expect(records.filter((r) => r.refill !== null)).toHaveLength(1);
    expect(records.filter((r) => !r.enabled)).toHaveLength(1);
    expect(records.filter((r) => r.lastUsedAt !== null)).toHaveLength(2);
    // Schema 3's forms: the listing names the id, the lookup key its own hash.
    const fields = v3Fixture.keys['{o:org_b}:records']!.value as Record<string, string>;
    expect(Object.entries(fields).filter(([field]) => field.startsWith('r:')).every(([field, json]) => (JSON.parse(json) as unknown[])[2] === field.slice(2))).toBe(true);
    const rolled = records.find((r) => r.previous !== null)!;
    expect(v3Fixture.keys[`h:${rolled.hash}`]!.value).toMatchObject({ r: expect.stringContaining(rolled.hash) });
    expect(v3Fixture.keys['{o:org_a}:audit:e']).toBeDefined();
    expect(v3Fixture.keys[`{o:org_a}:usage:${day}`]).toBeDefined();
    expect(v3Fixture.tokens.filter((t) => t.deleted)).toHaveLength(1);
  });

  test('every token verifies as schema 3 answered it, every read is unchanged, the trail and usage read back', async () => {
    const keyPrefix = await loaded();
    const store = redisStore({ client, keyPrefix });
    const keyward = createKeyward({ store, resolveProject, permissions, now: () => v3Fixture.now + 1000, lastUsedIntervalMs: 3_600_000, usage: false });
    // Read first: a verification spends a credit of the tokens that have some (a write).
    await expectReadsUnchanged(keyPrefix);
    // Reads never upgrade.
    expect(await client.get(`${keyPrefix}schema`)).toBe('3');
    for (const token of live) {
      const paused = v3Records().find((r) => r.id === token.id)!.enabled === false;
      expect(await keyward.verify(token.plaintext)).toMatchObject(paused ? { ok: false, code: 'DISABLED' } : { ok: true, token: { id: token.id } });
    }
    expect(await keyward.verify(v3Fixture.tokens.find((t) => t.deleted)!.plaintext)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    const trail = await keyward.auditLog(owners.org_a, { limit: 100 });
    expect(trail.items.map((e) => e.tokenName)).toEqual(expect.arrayContaining(['Deploy', 'Rolled — ü', 'Paused', 'Deleted']));
    const used = v3Records().find((r) => r.name === 'Used daily')!;
    expect(await store.readUsage('org_a', { tokenId: used.id, fromDay: day, toDay: day })).toMatchObject([{ day, accepted: 1 }]);
    await keyward.close();
  });

  test('the first write marks schema 4; reconcile() then rewrites every record in the compact forms in place, changing no answer', async () => {
    const keyPrefix = await loaded();
    const store = redisStore({ client, keyPrefix });
    const before = await storedJson(keyPrefix);
    const ttlBefore = await client.pttl(`${keyPrefix}h:${v3Records().find((r) => r.previous)!.previous!.hash}`);

    let cursor: string | null = null;
    let removed = 0;
    do {
      const slice = await store.reconcile({ cursor, limit: 1000 });
      removed += slice.removed.length;
      cursor = slice.cursor;
    } while (cursor !== null);
    expect(removed).toBe(0);
    expect(await client.get(`${keyPrefix}schema`)).toBe('4');

    const after = await storedJson(keyPrefix);
    expect([...after.listings.keys()].sort()).toEqual([...before.listings.keys()].sort());
    expect([...after.lookups.keys()].sort()).toEqual([...before.lookups.keys()].sort());
    for (const [key, json] of after.listings) {
      const [organizationId, id] = key.split(' ') as [string, string];
      // Neither the id nor the organization id is left in the listing, and it is shorter by both.
      expect(json).not.toContain(id);
      expect(json).not.toContain(`"${organizationId}"`);
      expect(json.length).toBeLessThan(before.listings.get(key)!.length - id.length - organizationId.length);
    }
    const records = v3Records();
    for (const [hash, json] of after.lookups) {
      const record = records.find((r) => r.hash === hash || r.previous?.hash === hash)!;
      // The current secret's key leaves out its own hash; the previous secret's names the current one.
      if (record.hash === hash) expect(json.startsWith('[0,')).toBe(true);
      else expect(json.startsWith(`["${record.hash}",`)).toBe(true);
      expect(storedRecord(json, hash)).toEqual({ ...record, lastUsedAt: null, enabled: undefined, rateLimit: undefined, remaining: undefined, refill: undefined, refilledAt: undefined });
    }
    // The previous secret keeps its expiry.
    const ttlAfter = await client.pttl(`${keyPrefix}h:${records.find((r) => r.previous)!.previous!.hash}`);
    expect(ttlAfter).toBeGreaterThan(0);
    expect(ttlAfter).toBeLessThanOrEqual(ttlBefore);
    await expectReadsUnchanged(keyPrefix);

    // A second pass finds nothing left to rewrite.
    await store.reconcile({ limit: 1000 });
    expect(await storedJson(keyPrefix)).toEqual(after);
    await store.close();
  });

  test('roll, update, pause, credits and deletion work on schema-3 records and write the compact forms', async () => {
    const keyPrefix = await loaded();
    const store = redisStore({ client, keyPrefix });
    let now = v3Fixture.now + 1000;
    const keyward = createKeyward({ store, resolveProject, permissions, now: () => now, lastUsedIntervalMs: 1, audit: true, usage: true });
    const records = v3Records();
    const deploy = records.find((r) => r.name === 'Deploy')!;
    const rolled = records.find((r) => r.previous !== null)!;
    const credits = records.find((r) => r.name === 'Used daily')!;
    const plaintextOf = (id: string) => live.find((t) => t.id === id)!.plaintext;

    await keyward.update(owners.org_a, deploy.id, { name: 'Deploy 2', metadata: { team: 'ops' } });
    expect(await client.get(`${keyPrefix}schema`)).toBe('4');
    const listing = (await client.hget(`${keyPrefix}{o:org_a}:records`, `r:${deploy.id}`))!;
    expect(listing).not.toContain(deploy.id);
    expect((await lookupRecordJson(client, `${keyPrefix}h:${deploy.hash}`))!.startsWith('[0,"Deploy 2",')).toBe(true);
    expect(await keyward.verify(plaintextOf(deploy.id))).toMatchObject({ ok: true, token: { name: 'Deploy 2', metadata: { team: 'ops' } } });

    await keyward.update(owners.org_a, deploy.id, { enabled: false });
    expect(await keyward.verify(plaintextOf(deploy.id))).toMatchObject({ ok: false, code: 'DISABLED' });

    // Credits left by schema 3 (4 of 5) are spent down to zero, never below.
    const spends = await Promise.all([1, 2, 3, 4, 5].map(() => store.spend('org_a', credits.id, 1, now)));
    expect(spends.filter((s) => s?.ok)).toHaveLength(4);
    expect(await store.findByHash(credits.hash)).toMatchObject({ remaining: 0 });

    // The rolled token (schema 3 wrote both of its lookup keys) rolls again: its new secret verifies, the old ones stop.
    // Redis expires the old secret's lookup key at the grace's end by its own clock: the roll must
    // happen at real time, or a fixture more than an hour old rolls into a grace already over.
    now = Math.max(now + 1000, Date.now());
    const again = await keyward.roll(owners.org_a, rolled.id, { previousSecretExpiresIn: '1h' });
    expect(await keyward.verify(again.plaintext)).toMatchObject({ ok: true, token: { id: rolled.id } });
    expect(await store.findByHash(rolled.previous!.hash)).toBeNull();
    expect(await store.findByHash(rolled.hash)).toMatchObject({ id: rolled.id, previous: { hash: rolled.hash } });

    // Deleting every token of org_a stops every secret; one entry per token, names as stored.
    const ids = records.filter((r) => r.organizationId === 'org_a').map((r) => r.id);
    await keyward.deleteMany(owners.org_a, ids);
    for (const token of live.filter((t) => t.organizationId === 'org_a')) expect(await keyward.verify(token.plaintext)).toMatchObject({ ok: false });
    expect(await keyward.verify(again.plaintext)).toMatchObject({ ok: false });
    const trail = await keyward.auditLog(owners.org_a, { limit: 100 });
    expect(trail.items.filter((e) => e.action === 'bulk_deleted').map((e) => e.tokenName).sort()).toEqual(
      records.filter((r) => r.organizationId === 'org_a').map((r) => (r.id === deploy.id ? 'Deploy 2' : r.name)).sort(),
    );
    expect((await keysWithPrefix(client, keyPrefix, 'h:*')).length).toBe(2);
    await keyward.close();
  });
});
