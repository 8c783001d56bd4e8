// Core's opt-in cache on Redis (fed by redisInvalidations) under network faults, with a TCP proxy between one client and an
// own redis-server (never the shared 6379):
// - a lost reply: the deleting script reaches Redis, its reply never comes back, the deleting
//   call rejects; the other instances must still refuse the token, because the invalidation is
//   published by the same script that deletes, not by the client after the reply.
// - a stalled subscriber: its connection stops delivering without closing; the instance must stop
//   answering from its cache within `maxStalenessMs` of the delete resolving.
import { createKeyward, StoreUnavailableError, type Actor, type Keyward, type TokenStore } from '@keyward/core';
import { redisInvalidations, redisStore } from '@keyward/redis';
import { Cluster, Redis } from 'ioredis';
import { startCluster } from '@keyward/test-kit/redis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sleep, waitUntil } from '@keyward/test-kit/net';
import { deleteKeysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';
import { startRedisServer, type RedisServer } from '@keyward/test-kit/redis';
import { sha256 } from '@keyward/test-kit/stores';
import { startTcpProxy, type TcpProxy } from '@keyward/test-kit/tcp-proxy';

const DAY = 86_400_000;
const MAX_STALENESS_MS = 1000;
const actor: Actor = { userId: 'u_admin', organizationId: 'org_faults', role: 'owner' };

let redis: RedisServer;
let admin: Redis;
const clients: Redis[] = [];
const instances: Instance[] = [];

interface Instance {
  keyward: Keyward;
  store: TokenStore;
  commands: Redis;
  subscriber: Redis;
  errors: unknown[];
}

function connect(port: number, commandTimeout = 2000): Redis {
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 1, commandTimeout, retryStrategy: () => 50 });
  clients.push(client);
  return client;
}

/** One keyward instance with the cache on, as one process of a fleet would run it. */
function instance(prefix: string, ports: { commands?: number; subscriber?: number; commandTimeout?: number; now?: () => number } = {}): Instance {
  const commands = connect(ports.commands ?? redis.port, ports.commandTimeout);
  const subscriber = connect(ports.subscriber ?? redis.port);
  const errors: unknown[] = [];
  const store = redisStore({ client: commands, keyPrefix: prefix });
  const keyward = createKeyward({
    store,
    resolveProject: (id) => ({ id, organizationId: actor.organizationId, name: id }),
    lastUsedIntervalMs: 3_600_000,
    onError: (error) => errors.push(error),
    cache: { channel: redisInvalidations({ client: commands, subscriber, keyPrefix: prefix }), maxStalenessMs: MAX_STALENESS_MS },
    ...(ports.now ? { now: ports.now } : {}),
  });
  const made = { keyward, store, commands, subscriber, errors };
  instances.push(made);
  return made;
}

/** True when `keyward` accepts `plaintext` from its cache (synchronously) instead of asking Redis. */
function fromCache(keyward: Keyward, plaintext: string): boolean {
  const answer = keyward.check(plaintext);
  if (answer instanceof Promise) {
    answer.catch(() => {});
    return false;
  }
  return answer.ok;
}

/** Heartbeat lapses keyward reported to onError. */
const lapses = (errors: unknown[]) => errors.filter((error) => /maxStalenessMs/.test(String(error))).length;

/** Closes an instance and its two connections (its proxy may go away next). */
async function dispose(target: Instance): Promise<void> {
  await target.keyward.close().catch(() => {});
  target.commands.disconnect();
  target.subscriber.disconnect();
  instances.splice(instances.indexOf(target), 1);
}

async function warm(targets: Instance[], plaintexts: string[]): Promise<void> {
  for (const target of targets) {
    for (const plaintext of plaintexts) {
      await waitUntil('the token to be cached', async () => {
        expect((await target.keyward.verify(plaintext)).ok).toBe(true);
        return fromCache(target.keyward, plaintext);
      });
    }
  }
}

/** Verifies every token on every instance for `ms`, and counts the accepts. */
async function acceptsDuring(targets: Instance[], plaintexts: string[], ms: number): Promise<{ accepts: number; verifies: number }> {
  let accepts = 0;
  let verifies = 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    for (const target of targets) {
      for (const plaintext of plaintexts) {
        verifies++;
        if ((await target.keyward.verify(plaintext)).ok) accepts++;
      }
    }
    await sleep(5);
  }
  return { accepts, verifies };
}

beforeAll(async () => {
  redis = await startRedisServer();
  admin = connect(redis.port);
});

afterAll(async () => {
  await Promise.all(instances.map((i) => i.keyward.close().catch(() => {})));
  for (const client of clients) client.disconnect();
  await redis?.stop();
});

describe('Redis cache: lost reply to the deleting script', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy(redis.port);
  });
  afterAll(async () => {
    await proxy.close();
  });

  const operations = {
    'delete(id)': (k: Keyward, ids: string[]) => Promise.all(ids.map((id) => k.delete(actor, id))),
    'deleteMany(ids)': (k: Keyward, ids: string[]) => k.deleteMany(actor, ids),
    'revokeProject(id)': (k: Keyward) => k.revokeProject('proj_faults'),
    'pruneExpired()': (k: Keyward) => k.pruneExpired(),
  } as const;

  for (const [name, run] of Object.entries(operations)) {
    test(`${name} whose reply is lost after it reached Redis: 0 accepts on 2 cached instances over 1 s after the call rejected`, { timeout: 30_000 }, async () => {
      const prefix = randomPrefix('cache-lost-reply');
      const others = [instance(prefix), instance(prefix)];
      // The deleting instance talks to Redis through the proxy; for pruning, its clock is 2 days ahead.
      const deleter = instance(prefix, { commands: proxy.port, commandTimeout: 500, ...(name === 'pruneExpired()' ? { now: () => Date.now() + 2 * DAY } : {}) });
      const created = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          others[0]!.keyward.create(actor, { name: `${name} ${i}`, scope: { kind: 'project', projectId: 'proj_faults' }, expiresIn: '1d' }),
        ),
      );
      const plaintexts = created.map((c) => c.plaintext);
      await warm(name === 'pruneExpired()' ? others : [...others, deleter], plaintexts);

      // The first command naming a lookup key is the deleting one: it reaches Redis, its reply is dropped.
      proxy.dropRepliesAfter((chunk) => chunk.includes(`${prefix}h:`));
      const outcome = await run(deleter.keyward, created.map((c) => c.token.id)).then(
        () => 'resolved',
        (error: unknown) => error,
      );
      expect(outcome).toBeInstanceOf(StoreUnavailableError);
      // The deletion did reach Redis: no lookup key is left.
      for (const plaintext of plaintexts) expect(await admin.exists(`${prefix}h:${sha256(plaintext)}`)).toBe(0);

      const { accepts, verifies } = await acceptsDuring(others, plaintexts, 1000);
      console.log(`${name}, lost reply: ${accepts} of ${verifies} verifies accepted on the cached instances after the call rejected`);
      expect(verifies).toBeGreaterThan(0);
      expect(accepts).toBe(0);
      await dispose(deleter);
      await deleteKeysWithPrefix(admin, prefix);
    });
  }
});

describe('Redis cache: stalled subscriber', () => {
  test(`a subscriber that stops delivering without closing: 0 accepts later than maxStalenessMs (${MAX_STALENESS_MS} ms) after delete() resolved, and the stall is reported to onError`, { timeout: 30_000 }, async () => {
    const proxy = await startTcpProxy(redis.port);
    try {
      const prefix = randomPrefix('cache-stall');
      const deleter = instance(prefix);
      const stalled = instance(prefix, { subscriber: proxy.port });
      const created = await Promise.all(Array.from({ length: 5 }, (_, i) => deleter.keyward.create(actor, { name: `stall ${i}`, scope: { kind: 'organization' }, expiresIn: '30d' })));
      const plaintexts = created.map((c) => c.plaintext);
      await warm([stalled], plaintexts);

      proxy.setMode('stall');
      const lapsesBefore = lapses(stalled.errors);
      await deleter.keyward.deleteMany(actor, created.map((c) => c.token.id));
      const resolvedAt = performance.now();
      let lastAccept = -1;
      let accepts = 0;
      while (performance.now() - resolvedAt < MAX_STALENESS_MS + 1500) {
        for (const plaintext of plaintexts) {
          if ((await stalled.keyward.verify(plaintext)).ok) {
            accepts++;
            lastAccept = performance.now() - resolvedAt;
          }
        }
        await sleep(5);
      }
      console.log(`stalled subscriber: ${accepts} accepts, the last ${lastAccept.toFixed(0)} ms after delete() resolved (bound ${MAX_STALENESS_MS} ms)`);
      expect(lastAccept).toBeLessThanOrEqual(MAX_STALENESS_MS);
      expect(lapses(stalled.errors)).toBeGreaterThan(lapsesBefore);

      // Once the connection delivers again, the cache resumes (and the deleted tokens stay refused).
      proxy.setMode('forward');
      const kept = await deleter.keyward.create(actor, { name: 'after the stall', scope: { kind: 'organization' }, expiresIn: '30d' });
      await warm([stalled], [kept.plaintext]);
      for (const plaintext of plaintexts) expect((await stalled.keyward.verify(plaintext)).ok).toBe(false);
      await dispose(stalled);
      await deleteKeysWithPrefix(admin, prefix);
    } finally {
      await proxy.close();
    }
  });
});

describe('Redis Cluster cache: stalled subscriber', () => {
  test(`a Cluster subscriber whose connections stop delivering: 0 accepts later than maxStalenessMs (${MAX_STALENESS_MS} ms) after delete() resolved, for lookup keys on every primary`, { timeout: 60_000 }, async () => {
    const cluster = await startCluster();
    const proxies: TcpProxy[] = [];
    const opened: Cluster[] = [];
    const keywards: Keyward[] = [];
    const options = { redisOptions: { maxRetriesPerRequest: 1, commandTimeout: 2000 }, clusterRetryStrategy: () => 100 };
    const open = (extra: object = {}) => {
      const c = new Cluster(cluster.nodes, { ...options, ...extra });
      c.on('error', () => {});
      opened.push(c);
      return c;
    };
    try {
      // The stalled instance's subscriber reaches every node through its own proxy (natMap).
      const natMap: Record<string, { host: string; port: number }> = {};
      for (const node of cluster.nodes) {
        const proxy = await startTcpProxy(node.port);
        proxies.push(proxy);
        natMap[`127.0.0.1:${node.port}`] = { host: '127.0.0.1', port: proxy.port };
      }
      const prefix = randomPrefix('cluster-cache-stall');
      const errors: unknown[] = [];
      const make = (subscriber: Cluster) => {
        const commands = open();
        const store = redisStore({ client: commands, keyPrefix: prefix, durability: false });
        const k = createKeyward({
          store,
          resolveProject: () => null,
          lastUsedIntervalMs: 3_600_000,
          onError: (e) => errors.push(e),
          cache: { channel: redisInvalidations({ client: commands, subscriber, keyPrefix: prefix }), maxStalenessMs: MAX_STALENESS_MS },
        });
        keywards.push(k);
        return { keyward: k, store };
      };
      const deleter = make(open());
      const proxied = new Cluster(Object.values(natMap), { ...options, natMap });
      proxied.on('error', () => {});
      opened.push(proxied);
      const stalled = make(proxied);
      const created = await Promise.all(Array.from({ length: 12 }, (_, i) => deleter.keyward.create(actor, { name: `cluster stall ${i}`, scope: { kind: 'organization' }, expiresIn: '30d' })));
      const plaintexts = created.map((c) => c.plaintext);
      for (const plaintext of plaintexts) {
        await waitUntil('the token to be cached', async () => {
          expect((await stalled.keyward.verify(plaintext)).ok).toBe(true);
          return fromCache(stalled.keyward, plaintext);
        });
      }

      for (const proxy of proxies) proxy.setMode('stall');
      const lapsesBefore = lapses(errors);
      await deleter.keyward.deleteMany(actor, created.map((c) => c.token.id));
      const resolvedAt = performance.now();
      let lastAccept = -1;
      let accepts = 0;
      while (performance.now() - resolvedAt < MAX_STALENESS_MS + 1500) {
        for (const plaintext of plaintexts) {
          if ((await stalled.keyward.verify(plaintext)).ok) {
            accepts++;
            lastAccept = performance.now() - resolvedAt;
          }
        }
        await sleep(5);
      }
      console.log(`Cluster, stalled subscriber: ${accepts} accepts, the last ${lastAccept.toFixed(0)} ms after delete() resolved (bound ${MAX_STALENESS_MS} ms)`);
      expect(lastAccept).toBeLessThanOrEqual(MAX_STALENESS_MS);
      expect(lapses(errors)).toBeGreaterThan(lapsesBefore);
      for (const proxy of proxies) proxy.setMode('forward');
    } finally {
      await Promise.all(keywards.map((k) => k.close().catch(() => {})));
      for (const c of opened) c.disconnect();
      for (const proxy of proxies) await proxy.close();
      await cluster.stop();
    }
  });
});
