// Crash safety on Redis: writes span several keys (and Cluster slots), so they cannot be one
// transaction; the store orders them so that a crash at any point leaves nothing that verifies
// without being listed (a user can always see, and delete, every token that works). Here a
// child deleting 1000 tokens and creating 300 more at the same time is SIGKILLed at a random
// moment; afterwards every token that verifies must be listed, and whatever the crash left
// behind must be removable through the public API.
import { createKeyward, type Actor, type Keyward, type TokenStore } from '@keyward/core';
import { redisStore } from '@keyward/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { answerOrKill, removeBundle, startChild } from './support/children.js';
import { listedIds, randomPrefix, tokenKeysWithPrefix, verifiableRecords } from '@keyward/test-kit/redis-keys';
import { startRedisServer, type RedisServer } from '@keyward/test-kit/redis';

const TRIALS = 20;
const TO_DELETE = 1000;
const TO_INSERT = 300;

let redis: RedisServer;
let client: Redis;
let store: TokenStore;
let keyward: Keyward;
const prefix = randomPrefix('crash');

const deleter = (n: number): Actor => ({ userId: 'u_del', organizationId: `org_del_${n}`, role: 'owner' });
const inserter = (n: number): Actor => ({ userId: 'u_ins', organizationId: `org_ins_${n}`, role: 'owner' });

beforeAll(async () => {
  redis = await startRedisServer();
  client = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 1, commandTimeout: 10_000 });
  store = redisStore({ client, keyPrefix: prefix });
  keyward = createKeyward({
    store,
    resolveProject: (id) => {
      const match = /^proj_(del|ins)_(\d+|calibration)$/.exec(id);
      return match ? { id, organizationId: `org_${match[1]}_${match[2]}`, name: id } : null;
    },
    onError: () => {},
  });
});

afterAll(async () => {
  removeBundle();
  await keyward?.close();
  client?.disconnect();
  await redis?.stop();
});

/** 1000 tokens of the deleting organization: project-scoped and expiring ones too, so every index is involved. */
async function seed(n: number | 'calibration'): Promise<string[]> {
  const actor = deleter(n as number);
  const created = await Promise.all(
    Array.from({ length: TO_DELETE }, (_, i) =>
      keyward.create(actor, {
        name: `seed ${i}`,
        scope: i % 2 === 0 ? { kind: 'project', projectId: `proj_del_${n}` } : { kind: 'organization' },
        expiresIn: i % 3 === 0 ? 'never' : '30d',
      }),
    ),
  );
  return created.map((c) => c.token.id);
}

interface Outcome {
  delayMs: number;
  answered: boolean;
  verifiableButUnlisted: string[];
  deleted: { verifying: number; listed: number };
  inserted: { verifying: number; listed: number };
  leftoverKeys: number;
}

/** Connections the server holds right now. */
async function connectionCount(): Promise<number> {
  return String(await client.call('CLIENT', 'LIST')).trim().split('\n').length;
}

/**
 * Waits until the server has dropped the killed child's connections. Commands the child wrote just
 * before its SIGKILL can still sit unread in the server's socket buffer; inspecting before they ran
 * would count their writes as leftovers of the cleanup (or miss what they leave).
 */
async function childConnectionsGone(ours: number): Promise<void> {
  for (let i = 0; i < 200 && (await connectionCount()) > ours; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(await connectionCount(), 'the killed child\'s connections are gone within 2 s').toBeLessThanOrEqual(ours);
}

async function runTrial(n: number | 'calibration', delayMs: number | null): Promise<Outcome & { ms?: number }> {
  const ours = await connectionCount();
  const [ids, child] = await Promise.all([seed(n), startChild('redis-writes', [String(redis.port), prefix])]);
  const { answered, ms } = await answerOrKill(
    child,
    { type: 'go', deleter: deleter(n as number), ids, inserter: inserter(n as number), inserts: TO_INSERT, projectId: `proj_ins_${n}`, label: `trial ${n}` },
    delayMs,
  );
  await childConnectionsGone(ours);

  // The invariant: every token that verifies (has a lookup key) is listed by its organization.
  const verifiable = await verifiableRecords(client, prefix);
  const listed = new Map<string, Set<string>>();
  for (const organizationId of [deleter(n as number).organizationId, inserter(n as number).organizationId]) {
    listed.set(organizationId, await listedIds(store, organizationId));
  }
  const verifiableButUnlisted = verifiable.filter((r) => !listed.get(r.organizationId)?.has(r.id)).map((r) => r.id);
  const count = (organizationId: string) => ({
    verifying: verifiable.filter((r) => r.organizationId === organizationId).length,
    listed: listed.get(organizationId)!.size,
  });
  const outcome = {
    delayMs: delayMs ?? -1,
    answered,
    verifiableButUnlisted,
    deleted: count(deleter(n as number).organizationId),
    inserted: count(inserter(n as number).organizationId),
  };

  // Whatever the crash left is reachable through the public API: delete every listed token by
  // id, then let revokeProject / pruning sweep index entries a half-done deletion left behind.
  for (const actor of [deleter(n as number), inserter(n as number)]) {
    const leftovers = [...listed.get(actor.organizationId)!];
    for (let i = 0; i < leftovers.length; i += 1000) await keyward.deleteMany(actor, leftovers.slice(i, i + 1000));
  }
  await keyward.revokeProject(`proj_del_${n}`);
  await keyward.revokeProject(`proj_ins_${n}`);
  expect(await store.deleteExpired(Number.MAX_SAFE_INTEGER)).toEqual([]);
  // The per-organization record of recent deletions (`{o:…}:gone`, `…:goneAt`) stays on purpose and
  // expires; the schema version stays too.
  const leftoverKeys = (await tokenKeysWithPrefix(client, prefix)).length;
  return { ...outcome, leftoverKeys, ...(ms === undefined ? {} : { ms }) };
}

describe('crash safety on Redis', () => {
  test(`a child bulk-deleting ${TO_DELETE} tokens while creating ${TO_INSERT}, SIGKILLed at a random moment in ${TRIALS} trials: 0 tokens verify without being listed, 0 keys left after cleanup by id`, async () => {
    const calibration = await runTrial('calibration', null);
    expect(calibration).toMatchObject({
      answered: true,
      verifiableButUnlisted: [],
      deleted: { verifying: 0, listed: 0 },
      inserted: { verifying: TO_INSERT, listed: TO_INSERT },
      leftoverKeys: 0,
    });
    const window = Math.max(10, Math.ceil(calibration.ms! * 1.3));

    const outcomes: Outcome[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const delayMs = Math.floor(((i + Math.random()) * window) / TRIALS);
      outcomes.push(await runTrial(i, delayMs));
    }

    const unlisted = outcomes.flatMap((o) => o.verifiableButUnlisted);
    const interrupted = outcomes.filter((o) => !o.answered).length;
    const halfDeleted = outcomes.filter((o) => o.deleted.verifying > 0 && o.deleted.verifying < TO_DELETE).length;
    const listedNotVerifying = outcomes.reduce((sum, o) => sum + (o.deleted.listed - o.deleted.verifying) + (o.inserted.listed - o.inserted.verifying), 0);
    console.log(
      `[crash-redis] one uninterrupted run takes ~${calibration.ms!.toFixed(0)} ms; ${TRIALS} SIGKILLs at 0–${window} ms: ${interrupted} interrupted the work; ` +
        `tokens verifying but unlisted: ${unlisted.length}; listed but not verifying (safe leftovers, deleted by id afterwards): ${listedNotVerifying}; ` +
        `trials that stopped between deleting lookup keys: ${halfDeleted}; keys left after cleanup: ${outcomes.reduce((s, o) => s + o.leftoverKeys, 0)}`,
    );
    console.log(
      `[crash-redis] per trial (delay ms → of ${TO_DELETE} to delete: verifying/listed; of ${TO_INSERT} to create: verifying/listed): ` +
        outcomes.map((o) => `${o.delayMs}→${o.deleted.verifying}/${o.deleted.listed};${o.inserted.verifying}/${o.inserted.listed}`).join(' '),
    );

    expect(unlisted).toEqual([]);
    for (const o of outcomes) expect(o.leftoverKeys).toBe(0);
  }, 150_000);
});
