// Keys written by schema 2 (the last version before contract v3 reached Redis), loaded from a
// fixture the schema-2 code generated, are read and upgraded in place by this version: every token
// verifies as it did, reads as enabled without limits, and takes pauses, credits, audit entries and
// usage from then on; records are rewritten in the compact form by their next change.
import { createKeyward, type TokenRecord } from '@keyward/core';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { decodeLookup } from '../src/codec.js';
import { redisStore } from '../src/index.js';
import { NO_LIMITS } from '../src/limits-field.js';
import { FAIL_FAST, deleteKeysWithPrefix, lookupRecordJson, randomPrefix } from '@keyward/test-kit/redis-keys';
import { loadV2Fixture, v2Fixture } from './v2-fixture.js';

const client = new Redis({ ...FAIL_FAST, port: 6379 });
const prefixes: string[] = [];

afterAll(async () => {
  for (const prefix of prefixes) await deleteKeysWithPrefix(client, prefix);
  await client.quit();
});

async function loaded(): Promise<string> {
  const keyPrefix = randomPrefix('v2-upgrade');
  prefixes.push(keyPrefix);
  await loadV2Fixture(client, keyPrefix);
  return keyPrefix;
}

const owners = {
  org_a: { userId: 'u_owner', organizationId: 'org_a', role: 'owner' },
  org_b: { userId: 'u_other_owner', organizationId: 'org_b', role: 'owner' },
} as const;
const resolveProject = (id: string) => v2Fixture.projects.find((p) => p.id === id) ?? null;
const live = v2Fixture.tokens.filter((t) => !t.deleted);
const liveIds = [...new Set(live.map((t) => t.id))];

/** The records as schema 2 stored them (object JSON), with the contract v3 fields at their defaults. */
function v2Records(): TokenRecord[] {
  return liveIds.map((id) => {
    const { organizationId } = live.find((t) => t.id === id)!;
    const fields = v2Fixture.keys[`{o:${organizationId}}:records`]!.value as Record<string, string>;
    return { ...(JSON.parse(fields[`r:${id}`]!) as TokenRecord), lastUsedAt: fields[`u:${id}`] === undefined ? null : Number(fields[`u:${id}`]), ...NO_LIMITS };
  });
}

describe('a store over schema-2 keys', () => {
  test('the fixture holds what the upgrade must handle: schema 2, object records, a rolled token with a previous secret, a deleted token', () => {
    expect(v2Fixture.release).toMatch(/schema 2/);
    expect(v2Fixture.keys.schema!.value).toBe('2');
    expect(v2Records().every((r) => r.id.startsWith('tok_'))).toBe(true);
    expect(v2Records().filter((r) => r.previous !== null)).toHaveLength(1);
    expect(v2Records().filter((r) => r.metadata !== null)).toHaveLength(1);
    expect(v2Fixture.tokens.filter((t) => t.deleted)).toHaveLength(1);
  });

  test('every token (both secrets of the rolled one) verifies, reads as enabled without limits, the deleted one stays refused', async () => {
    const keyPrefix = await loaded();
    const store = redisStore({ client, keyPrefix });
    const keyward = createKeyward({ store, resolveProject, now: () => v2Fixture.now + 1000, lastUsedIntervalMs: 3_600_000 });
    for (const token of live) expect(await keyward.verify(token.plaintext)).toMatchObject({ ok: true, token: { id: token.id } });
    expect(await keyward.verify(v2Fixture.tokens.find((t) => t.deleted)!.plaintext)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    for (const record of v2Records()) {
      expect(await store.get(record.organizationId, record.id)).toEqual(record);
      expect(await store.findByHash(record.hash)).toEqual(record);
      if (record.previous) expect(await store.findByHash(record.previous.hash)).toEqual(record);
    }
    for (const organizationId of ['org_a', 'org_b'] as const) {
      const expected = v2Records().filter((r) => r.organizationId === organizationId).sort((x, y) => y.createdAt - x.createdAt);
      expect((await store.list(organizationId, { limit: 100 })).items).toEqual(expected);
    }
    await keyward.close();
  });

  test('the first write upgrades to schema 4; pause, credits, audit and usage then work on old tokens, and records are rewritten compact', async () => {
    const keyPrefix = await loaded();
    const store = redisStore({ client, keyPrefix });
    let now = v2Fixture.now + 1000;
    const keyward = createKeyward({ store, resolveProject, now: () => now, lastUsedIntervalMs: 1, audit: true, usage: true });
    const [deploy, rolled] = [v2Records().find((r) => r.metadata !== null)!, v2Records().find((r) => r.previous !== null)!];
    const deployToken = live.find((t) => t.id === deploy.id)!;

    await keyward.update(owners.org_a, deploy.id, { enabled: false });
    expect(await client.get(`${keyPrefix}schema`)).toBe('4');
    expect(await keyward.verify(deployToken.plaintext)).toMatchObject({ ok: false, code: 'DISABLED' });
    await keyward.update(owners.org_a, deploy.id, { enabled: true });
    expect(await keyward.verify(deployToken.plaintext)).toMatchObject({ ok: true, token: { id: deploy.id, metadata: deploy.metadata } });
    // The record was rewritten in the compact forms, on both copies.
    expect((await lookupRecordJson(client, `${keyPrefix}h:${deploy.hash}`))!.startsWith('[')).toBe(true);
    expect(decodeLookup((await lookupRecordJson(client, `${keyPrefix}h:${deploy.hash}`))!, deploy.hash, null)).toMatchObject({ id: deploy.id, name: deploy.name, metadata: deploy.metadata });

    // Credits on a token stored by schema 2: spent atomically, never below zero.
    expect(await store.update('org_a', rolled.id, { remaining: 2, refill: null, refilledAt: null })).toMatchObject({ remaining: 2, previous: rolled.previous });
    const spends = await Promise.all([1, 2, 3].map(() => store.spend('org_a', rolled.id, 1, now)));
    expect(spends.filter((s) => s?.ok)).toHaveLength(2);
    expect(await store.findByHash(rolled.previous!.hash)).toMatchObject({ remaining: 0 });

    // A roll of the rolled token (object JSON with a previous secret): the new secret is the token's
    // (its credits, used up, came along), the old secrets stop.
    now += 1000;
    const again = await keyward.roll(owners.org_a, rolled.id, { previousSecretExpiresIn: 'now' });
    expect(await keyward.verify(again.plaintext)).toMatchObject({ ok: false, code: 'USAGE_EXHAUSTED' });
    expect(await store.findByHash(again.token.id === rolled.id ? (await store.get('org_a', rolled.id))!.hash : '')).toMatchObject({ id: rolled.id, remaining: 0 });
    expect(await store.findByHash(rolled.previous!.hash)).toBeNull();
    expect(await store.findByHash(rolled.hash)).toBeNull();

    // Deleting every token of org_a stops every secret and writes one entry per token, names as stored.
    const ids = v2Records().filter((r) => r.organizationId === 'org_a').map((r) => r.id);
    await keyward.deleteMany(owners.org_a, ids);
    for (const token of live.filter((t) => t.organizationId === 'org_a')) expect(await keyward.verify(token.plaintext)).toMatchObject({ ok: false });
    const trail = await keyward.auditLog(owners.org_a, { limit: 100 });
    expect(trail.items.filter((e) => e.action === 'bulk_deleted' || e.action === 'deleted').map((e) => e.tokenName).sort()).toEqual(
      v2Records().filter((r) => r.organizationId === 'org_a').map((r) => r.name).sort(),
    );
    expect(trail.items.map((e) => e.action)).toEqual(expect.arrayContaining(['paused', 'resumed', 'rolled']));
    // Usage was counted for the old token too (flushed by close()).
    await keyward.close();
    const day = new Date(now).toISOString().slice(0, 10);
    expect(await store.readUsage('org_a', { tokenId: deploy.id, fromDay: day, toDay: day })).toMatchObject([{ day, accepted: 1, refused: { DISABLED: 1 } }]);
  });
});
