// Keys written by the first release (schema 1, fixtures/v1-keys.json) are upgraded in place on
// first use: every token still verifies, lists and reads as before, and the new operations work on
// them. Two processes opening the same old keys at once upgrade them once.
import { fileURLToPath } from 'node:url';
import { createKeyward, type ExpiringPage, type TokenRecord } from '@keyward/core';
import { makeHash } from '@keyward/store-tests';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, test } from 'vitest';
import { createContext } from '../src/context.js';
import { redisStore } from '../src/index.js';
import { ensureSchema, type SchemaOutcome } from '../src/schema.js';
import { NO_LIMITS } from '../src/limits-field.js';
import { FAIL_FAST, deleteKeysWithPrefix, keysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';
import { startWorker, type Worker } from '@keyward/test-kit/ipc-worker';
import { loadV1Fixture, v1Fixture } from './v1-fixture.js';
import type { WorkerRequest } from './worker.js';

const client = new Redis({ ...FAIL_FAST, port: 6379 });
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deleteKeysWithPrefix(client, prefix);
  await client.quit();
});

async function loaded(): Promise<string> {
  const prefix = randomPrefix('v1');
  prefixes.push(prefix);
  await loadV1Fixture(client, prefix);
  return prefix;
}

const owners = {
  org_a: { userId: 'u_owner', organizationId: 'org_a', role: 'owner' },
  org_b: { userId: 'u_other_owner', organizationId: 'org_b', role: 'owner' },
} as const;
const resolveProject = (id: string) => v1Fixture.projects.find((p) => p.id === id) ?? null;
const live = v1Fixture.tokens.filter((t) => !t.deleted);

/** The records as schema 1 stored them, read straight from the fixture, with the schema-2 and schema-3 fields at their defaults. */
function v1Records(): TokenRecord[] {
  return live.map(({ id, organizationId }) => {
    const fields = v1Fixture.keys[`{o:${organizationId}}:records`]!.value as Record<string, string>;
    const used = fields[`u:${id}`];
    return { ...(JSON.parse(fields[`r:${id}`]!) as TokenRecord), lastUsedAt: used === undefined ? null : Number(used), permissions: null, metadata: null, previous: null, ...NO_LIMITS };
  });
}
describe('a store over schema-1 keys', () => {
  test('the fixture holds what the upgrade must handle: project-scoped, expiring, used and deleted tokens, and no schema key', () => {
    expect(v1Fixture.release).toMatch(/3481f4b/);
    expect(Object.keys(v1Fixture.keys)).not.toContain('schema');
    expect(Object.keys(v1Fixture.keys)).toEqual(expect.arrayContaining(['expiring', '{p:proj_a1}:tokens', '{o:org_a}:gone']));
    expect(v1Records().filter((r) => r.lastUsedAt !== null)).toHaveLength(2);
    expect(v1Fixture.tokens.filter((t) => t.deleted)).toHaveLength(1);
  });

  test('every token verifies through createKeyward, get and list are intact, the deleted one stays refused; the first listExpiring upgrades', async () => {
    const keyPrefix = await loaded();
    const store = redisStore({ client, keyPrefix });
    const keyward = createKeyward({ store, resolveProject, now: () => v1Fixture.now + 1000, lastUsedIntervalMs: 3_600_000 });
    for (const token of live) expect(await keyward.verify(token.plaintext)).toMatchObject({ ok: true, token: { id: token.id } });
    const deleted = v1Fixture.tokens.find((t) => t.deleted)!;
    expect(await keyward.verify(deleted.plaintext)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    for (const record of v1Records()) {
      expect(await store.get(record.organizationId, record.id)).toEqual(record);
      expect(await store.findByHash(record.hash)).toEqual(record);
    }
    for (const organizationId of ['org_a', 'org_b'] as const) {
      const expected = v1Records().filter((r) => r.organizationId === organizationId).sort((x, y) => y.createdAt - x.createdAt);
      expect((await store.list(organizationId, { limit: 100 })).items).toEqual(expected);
      expect((await keyward.list(owners[organizationId])).items.map((t) => t.name)).toEqual(expected.map((r) => r.name));
    }
    // Reads never wait for the upgrade; the first write or listExpiring makes it.
    expect(await client.get(`${keyPrefix}schema`)).toBeNull();
    await keyward.listExpiring({ within: '90d' });
    expect(await client.get(`${keyPrefix}schema`)).toBe('4');
    await keyward.close();
  });

  test('listExpiring, roll and update work on upgraded tokens, and revoking a rolled one stops both its secrets', async () => {
    const keyPrefix = await loaded();
    const store = redisStore({ client, keyPrefix });
    const expiring = v1Records().filter((r) => r.expiresAt !== null).sort((x, y) => x.expiresAt! - y.expiresAt! || (x.id < y.id ? -1 : 1));
    expect(expiring).toHaveLength(4);
    const page: ExpiringPage = await store.listExpiring({ expiresAfter: v1Fixture.now, expiresBy: v1Fixture.now + 100 * 86_400_000, limit: 3 });
    expect(page.items).toEqual(expiring.slice(0, 3));
    expect((await store.listExpiring({ expiresAfter: v1Fixture.now, expiresBy: v1Fixture.now + 100 * 86_400_000, limit: 3, after: page.next! })).items).toEqual(expiring.slice(3));

    // Real time from here: a previous secret's lookup key expires at a real instant.
    const keyward = createKeyward({ store, resolveProject, lastUsedIntervalMs: 3_600_000 });
    const ci = live[1]!; // project-scoped, expires in 30 days from the fixture's clock
    const ciRecord = v1Records()[1]!;
    expect(ciRecord.scope).toEqual({ kind: 'project', projectId: 'proj_a1' });
    const rolled = await store.roll('org_a', ci.id, { hash: makeHash(), hint: 'kw_roll', previousExpiresAt: Date.now() + 3_600_000 });
    expect(rolled).toMatchObject({ id: ci.id, previous: { hash: ciRecord.hash } });
    expect((await store.findByHash(ciRecord.hash))?.hash).toBe(rolled!.hash);

    const deploy = live[0]!; // organization-wide, never expires
    const renamed = await keyward.update(owners.org_a, deploy.id, { name: 'Deploy (renamed)', metadata: { team: 'ops' } });
    expect(renamed.name).toBe('Deploy (renamed)');
    expect(await keyward.verify(deploy.plaintext)).toMatchObject({ ok: true, token: { name: 'Deploy (renamed)' } });
    const { plaintext } = await keyward.roll(owners.org_a, deploy.id, { previousSecretExpiresIn: '1h' });
    for (const secret of [plaintext, deploy.plaintext]) expect(await keyward.verify(secret)).toMatchObject({ ok: true, token: { id: deploy.id } });

    expect(await keyward.revokeProject('proj_a1')).toEqual({ deleted: 1 });
    expect(await keyward.verify(ci.plaintext)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await store.findByHash(rolled!.hash)).toBeNull();
    await keyward.deleteMany(owners.org_a, [deploy.id]);
    for (const secret of [plaintext, deploy.plaintext]) expect(await keyward.verify(secret)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    // pruneExpired finds upgraded tokens through both indexes and leaves no stale entry.
    await store.deleteExpired(Number.MAX_SAFE_INTEGER);
    expect(await client.zcard(`${keyPrefix}expiring`)).toBe(0);
    expect(await client.zcard(`${keyPrefix}expiry`)).toBe(0);
    await keyward.close();
  });

  test('keys of a newer schema are refused (StoreFailedError), never read as empty', async () => {
    const keyPrefix = await loaded();
    await client.set(`${keyPrefix}schema`, '5');
    const store = redisStore({ client, keyPrefix });
    await expect(store.listExpiring({ expiresAfter: 0, expiresBy: Number.MAX_SAFE_INTEGER, limit: 10 })).rejects.toMatchObject({ code: 'STORE_FAILED', message: expect.stringMatching(/schema 5/) });
    await expect(store.deleteMany('org_a', [live[0]!.id])).rejects.toMatchObject({ code: 'STORE_FAILED' });
    // Nothing was written: the token still verifies.
    expect(await store.findByHash(v1Records()[0]!.hash)).not.toBeNull();
  });

  test('ensureSchema() upgrades once, then answers current', async () => {
    const keyPrefix = await loaded();
    const ctx = createContext({ client, keyPrefix });
    expect(await ensureSchema(ctx)).toBe('upgraded');
    expect(await ensureSchema(ctx)).toBe('current');
    expect(await keysWithPrefix(client, keyPrefix, 'schema:lock')).toEqual([]);
  });
});

type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

describe('two OS processes opening the same schema-1 keys at once', () => {
  const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));
  let a: Worker<Request>;
  let b: Worker<Request>;
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  test('exactly one upgrades, the other waits for it, and both then list the same expiring tokens (10 rounds)', { timeout: 60_000 }, async () => {
    a = startWorker<Request>(workerPath, ['6379', randomPrefix('unused')]);
    b = startWorker<Request>(workerPath, ['6379', randomPrefix('unused')]);
    await Promise.all([a.ready, b.ready]);
    const expected = v1Records().filter((r) => r.expiresAt !== null).map((r) => r.id).sort();
    for (let round = 0; round < 10; round++) {
      const keyPrefix = await loaded();
      const outcomes = await Promise.all([a.request<SchemaOutcome>({ type: 'ensureSchema', keyPrefix }), b.request<SchemaOutcome>({ type: 'ensureSchema', keyPrefix })]);
      expect(outcomes.filter((o) => o === 'upgraded')).toHaveLength(1);
      const window = { keyPrefix, expiresAfter: v1Fixture.now, expiresBy: v1Fixture.now + 100 * 86_400_000 };
      const [fromA, fromB] = await Promise.all([a.request<ExpiringPage>({ type: 'listExpiring', ...window }), b.request<ExpiringPage>({ type: 'listExpiring', ...window })]);
      expect(fromA.items.map((r) => r.id).sort()).toEqual(expected);
      expect(fromB).toEqual(fromA);
      expect(await client.zcard(`${keyPrefix}expiry`)).toBe(expected.length);
    }
  });
});
