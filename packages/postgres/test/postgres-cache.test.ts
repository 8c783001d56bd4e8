// Core's opt-in lookup cache on PostgreSQL (fed by postgresInvalidations) under network faults, with
// a loopback TCP proxy between one pool and the shared server on 5432, in a database of the file's own:
// - a lost reply: the deleting statement (or its COMMIT) reaches PostgreSQL and commits, its reply
//   never comes back, the deleting call rejects; the cached instances must still refuse the tokens,
//   because the NOTIFY is sent by a trigger in the deleting transaction, not by the client after it.
// - a stalled LISTEN connection: it stops delivering without closing; the instance must stop
//   answering from its cache within maxStalenessMs of delete() resolving, and report the lapse;
//   it must replace the connection and answer from its cache again, and close() must still return.
// - a LISTEN connection that dies while close() is under way: no unhandled 'error' (in a child
//   process, so a crash shows as an exit code).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createKeyward, StoreUnavailableError, type Actor, type Keyward } from '@keyward/core';
import { postgresInvalidations, postgresStore } from '@keyward/postgres';
import { sleep, waitUntil } from '@keyward/test-kit/net';
import { sha256 } from '@keyward/test-kit/stores';
import { startTcpProxy, type TcpProxy } from '@keyward/test-kit/tcp-proxy';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, randomPrefix, SHARED_SERVER, type TestDatabase } from './database.js';

const tsx = createRequire(import.meta.url).resolve('tsx');
const closeChild = fileURLToPath(new URL('./close-child.ts', import.meta.url));

const DAY = 86_400_000;
const MAX_STALENESS_MS = 500;
// Client-side: how long the deleting instance waits for a reply before its call rejects.
const QUERY_TIMEOUT_MS = 300;
const actor: Actor = { userId: 'u_admin', organizationId: 'org_faults', role: 'owner' };

let database: TestDatabase;
let admin: pg.Pool;
const instances: Instance[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  admin = database.pool({ max: 2 });
});
afterEach(async () => {
  await Promise.all(instances.splice(0).map((i) => i.keyward.close().catch(() => {})));
});
afterAll(async () => {
  await database?.drop();
});

interface Instance {
  keyward: Keyward;
  /** What keyward reported off the request path (heartbeat lapses, failed heartbeats). */
  errors: unknown[];
}

/**
 * One keyward instance with the cache on, as one process of a fleet runs it: a pool for its store
 * and another for its LISTEN connection, each to the server directly or through a proxy's port.
 */
function instance(tablePrefix: string, options: { storePort?: number; listenPort?: number; now?: () => number } = {}): Instance {
  const pool = (port: number | undefined, extra: pg.PoolConfig = {}) => database.pool({ port: port ?? SHARED_SERVER.port, max: 5, ...extra });
  // Only a pool behind a proxy needs a read timeout: that is how its caller learns the reply was lost.
  const storePool = pool(options.storePort, options.storePort === undefined ? {} : { query_timeout: QUERY_TIMEOUT_MS });
  const errors: unknown[] = [];
  const keyward = createKeyward({
    store: postgresStore({ pool: storePool, tablePrefix }),
    resolveProject: (id) => ({ id, organizationId: actor.organizationId, name: id }),
    lastUsedIntervalMs: 3_600_000,
    onError: (error) => errors.push(error),
    cache: { channel: postgresInvalidations({ pool: pool(options.listenPort), tablePrefix }), maxStalenessMs: MAX_STALENESS_MS },
    ...(options.now ? { now: options.now } : {}),
  });
  const made = { keyward, errors };
  instances.push(made);
  return made;
}

/** True when `keyward` accepts `plaintext` from its cache (synchronously) instead of asking PostgreSQL. */
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

/** Verifies every token on every instance for `ms`, counting the accepts. */
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

/** How many of `plaintexts` still have a row, read directly (not through any keyward). */
async function rowsLeft(tablePrefix: string, plaintexts: string[]): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM "public"."${tablePrefix}tokens" WHERE hash = ANY($1::text[])`, [plaintexts.map(sha256)]);
  return Number(rows[0]!.n);
}

describe('PostgreSQL cache: lost reply to the deleting statement', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await startTcpProxy(SHARED_SERVER.port);
  });
  afterAll(async () => {
    await proxy.close();
  });

  // What the deleting instance sends last for each operation: every one is a single autocommitted
  // DELETE. delete(id) deletes 5 tokens at once, one statement (and one pooled connection) each,
  // every reply lost.
  const operations: Record<string, { lastSent: string; connections: number; run: (k: Keyward, ids: string[]) => Array<Promise<unknown>> }> = {
    'delete(id)': { lastSent: 'DELETE FROM', connections: 5, run: (k, ids) => ids.map((id) => k.delete(actor, id)) },
    'deleteMany(ids)': { lastSent: 'DELETE FROM', connections: 1, run: (k, ids) => [k.deleteMany(actor, ids)] },
    'revokeProject(id)': { lastSent: 'DELETE FROM', connections: 1, run: (k) => [k.revokeProject('proj_faults')] },
    'pruneExpired()': { lastSent: 'DELETE FROM', connections: 1, run: (k) => [k.pruneExpired()] },
  };

  for (const [name, { lastSent, connections, run }] of Object.entries(operations)) {
    test(`${name} whose reply is lost after it committed: 0 accepts on 2 cached instances (nor on the deleter) after the call rejected`, async () => {
      const tablePrefix = randomPrefix();
      const prune = name === 'pruneExpired()';
      const others = [instance(tablePrefix), instance(tablePrefix)];
      // The deleter's store talks through the proxy (its LISTEN connection does not); for pruning, its clock is 2 days ahead.
      const deleter = instance(tablePrefix, { storePort: proxy.port, ...(prune ? { now: () => Date.now() + 2 * DAY } : {}) });
      const created = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          others[0]!.keyward.create(actor, { name: `${name} ${i}`, scope: { kind: 'project', projectId: 'proj_faults' }, expiresIn: '1d' }),
        ),
      );
      const plaintexts = created.map((c) => c.plaintext);
      // The deleter sees every token as expired, so it has nothing to cache when pruning.
      const cachedInstances = prune ? others : [...others, deleter];
      await warm(cachedInstances, plaintexts);

      proxy.dropRepliesAfter((chunk) => chunk.includes(lastSent), connections);
      const outcomes = await Promise.all(
        run(deleter.keyward, created.map((c) => c.token.id)).map((call) =>
          call.then(
            () => 'resolved',
            (error: unknown) => error,
          ),
        ),
      );
      for (const outcome of outcomes) {
        expect(outcome).toBeInstanceOf(StoreUnavailableError);
        expect(String((outcome as Error).cause)).toMatch(/Query read timeout/);
      }
      // It did commit: no row is left.
      expect(await rowsLeft(tablePrefix, plaintexts)).toBe(0);

      const { accepts, verifies } = await acceptsDuring(cachedInstances, plaintexts, MAX_STALENESS_MS);
      expect(verifies).toBeGreaterThan(0);
      expect(accepts).toBe(0);
      for (const target of cachedInstances) for (const plaintext of plaintexts) expect(await target.keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    });
  }
});

describe('PostgreSQL cache: stalled LISTEN connection', () => {
  test(`a LISTEN connection that stops delivering without closing: 0 accepts later than maxStalenessMs (${MAX_STALENESS_MS} ms) after delete() resolved, the lapse reported to onError; the cache resumes once it delivers again`, async () => {
    const proxy = await startTcpProxy(SHARED_SERVER.port);
    try {
      const tablePrefix = randomPrefix();
      const deleter = instance(tablePrefix);
      const stalled = instance(tablePrefix, { listenPort: proxy.port });
      const created = await Promise.all(Array.from({ length: 5 }, (_, i) => deleter.keyward.create(actor, { name: `stall ${i}`, scope: { kind: 'organization' }, expiresIn: '30d' })));
      const plaintexts = created.map((c) => c.plaintext);
      await warm([stalled], plaintexts);

      proxy.setMode('stall');
      const lapsesBefore = lapses(stalled.errors);
      await deleter.keyward.deleteMany(actor, created.map((c) => c.token.id));
      const resolvedAt = performance.now();
      let lastAccept = -1;
      while (performance.now() - resolvedAt < MAX_STALENESS_MS + 500) {
        for (const plaintext of plaintexts) if ((await stalled.keyward.verify(plaintext)).ok) lastAccept = performance.now() - resolvedAt;
        await sleep(5);
      }
      expect(lastAccept).toBeLessThanOrEqual(MAX_STALENESS_MS);
      expect(lapses(stalled.errors)).toBeGreaterThan(lapsesBefore);
      // Nothing was closed: the connection is silent, not gone.
      expect(stalled.errors.some((error) => /terminated|ended/i.test(String(error)))).toBe(false);

      // Once it delivers again, the cache resumes, and the deleted tokens stay refused.
      proxy.setMode('forward');
      const kept = await deleter.keyward.create(actor, { name: 'after the stall', scope: { kind: 'organization' }, expiresIn: '30d' });
      await warm([stalled], [kept.plaintext]);
      for (const plaintext of plaintexts) expect(await stalled.keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    } finally {
      await proxy.close();
    }
  });
});

describe('PostgreSQL cache: close() never hangs and never crashes; a silent LISTEN connection is replaced', () => {
  /** Settles with 'closed', or 'still open' when `closing` has not resolved after `ms` (far above close()'s bound). */
  const within = (closing: Promise<unknown>, ms: number) => Promise.race([closing.then(() => 'closed'), sleep(ms).then(() => 'still open')]);

  test('a LISTEN connection stalled without closing: keyward.close() resolves (pool), and so does the channel\'s close() on a caller\'s client', async () => {
    const proxy = await startTcpProxy(SHARED_SERVER.port);
    try {
      const tablePrefix = randomPrefix();
      const stalled = instance(tablePrefix, { listenPort: proxy.port });
      const created = await stalled.keyward.create(actor, { name: 'close', scope: { kind: 'organization' }, expiresIn: '30d' });
      await warm([stalled], [created.plaintext]);
      proxy.setMode('stall');
      expect(await within(stalled.keyward.close(), 10_000)).toBe('closed');

      proxy.setMode('forward');
      const client = new pg.Client({ ...database.config, port: proxy.port });
      client.on('error', () => {});
      await client.connect();
      let proven = 0;
      const subscription = postgresInvalidations({ client, tablePrefix }).subscribe(
        { invalidate() {}, proven: () => void proven++, lost() {} },
        { heartbeatMs: 50, onError: () => {} },
      );
      await waitUntil('a heartbeat to come back', () => proven > 0);
      proxy.setMode('stall');
      expect(await within(subscription.close(), 10_000)).toBe('closed');
      await client.end().catch(() => {});
    } finally {
      await proxy.close();
    }
  });

  for (const mode of ['pool', 'client'] as const) {
    test(`the LISTEN connection (${mode}) dies while close() is under way: no unhandled 'error' (the process lives, exit code 0), close() resolves, nothing reported after it`, async () => {
      const tablePrefix = randomPrefix();
      await postgresStore({ pool: admin, tablePrefix }).findByHash('migrate first');
      const child = spawnSync(process.execPath, ['--import', tsx, closeChild, database.name, tablePrefix, mode], { encoding: 'utf8', timeout: 30_000 });
      expect(child.status, child.stderr).toBe(0);
      expect(JSON.parse(child.stdout)).toEqual({ proven: true, closed: true, reportsAfterClose: 0 });
    });
  }

  test('a LISTEN connection that goes silent without an error is replaced: one onError report, and cache hits come back while the old connection is still silent', async () => {
    const proxy = await startTcpProxy(SHARED_SERVER.port);
    try {
      const tablePrefix = randomPrefix();
      const deleter = instance(tablePrefix);
      const silent = instance(tablePrefix, { listenPort: proxy.port });
      const created = await Promise.all(Array.from({ length: 3 }, (_, i) => deleter.keyward.create(actor, { name: `silent ${i}`, scope: { kind: 'organization' }, expiresIn: '30d' })));
      const [kept, ...doomed] = created;
      await warm([silent], created.map((c) => c.plaintext));
      const connectionsBefore = proxy.accepted;

      // Only the connection open now goes silent; a new one would flow.
      proxy.setMode('stall', 'open');
      await waitUntil('the cache to lapse', () => !fromCache(silent.keyward, kept!.plaintext));
      await waitUntil('cached answers to come back on a new connection', async () => {
        await silent.keyward.verify(kept!.plaintext);
        return fromCache(silent.keyward, kept!.plaintext);
      });
      expect(proxy.accepted).toBeGreaterThan(connectionsBefore);
      const replacements = silent.errors.filter((error) => /LISTEN connection/.test(String(error)));
      expect(replacements).toHaveLength(1);
      expect(String(replacements[0])).toMatch(/no heartbeat came back/);

      // The new connection delivers deletions: a token deleted elsewhere is refused at once.
      await warm([silent], doomed.map((c) => c.plaintext));
      await deleter.keyward.deleteMany(actor, doomed.map((c) => c.token.id));
      await waitUntil('the deletion to arrive', async () => {
        for (const c of doomed) if ((await silent.keyward.verify(c.plaintext)).ok) return false;
        return true;
      });
      expect(fromCache(silent.keyward, kept!.plaintext)).toBe(true);
    } finally {
      await proxy.close();
    }
  });
});

describe('PostgreSQL cache: credits', () => {
  test('a token cached by one instance cannot spend credits another instance used up: each spend asks PostgreSQL', async () => {
    const tablePrefix = randomPrefix();
    const a = instance(tablePrefix);
    const b = instance(tablePrefix);
    const { plaintext } = await a.keyward.create(actor, { name: 'metered', scope: { kind: 'organization' }, expiresIn: 'never', remaining: 10 });
    // A looks the token up (and caches its record, remaining 10 at that moment).
    expect(await a.keyward.verify(plaintext)).toMatchObject({ ok: true, token: { remaining: 9 } });
    for (let i = 0; i < 9; i++) expect((await b.keyward.verify(plaintext)).ok).toBe(true);
    expect(await a.keyward.verify(plaintext)).toMatchObject({ ok: false, code: 'USAGE_EXHAUSTED', limits: { credits: { remaining: 0 } } });
    const { rows } = await admin.query(`SELECT remaining FROM "public"."${tablePrefix}tokens"`);
    expect(rows).toEqual([{ remaining: '0' }]);
  });
});
