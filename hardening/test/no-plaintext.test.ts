// No plaintext anywhere. 1000 tokens are created through the HTTP management API, used (with the
// Authorization header, the x-api-key header, and with a broken checksum), listed, some deleted
// one by one and in bulk, 100 rolled (half with a grace period, half at once) and renamed, and
// both their old and new secrets used; then the store fails under the running app so every
// error path logs.
// Afterwards every byte keyward could have written is scanned for the 1000 secrets: the SQLite
// file, its WAL and shared memory; every Redis key under the prefix (values and DUMP bytes) and
// the server's AOF and RDB files; every event passed to onEvent; everything printed through
// console.* (the library's default error hooks) and passed to onError. A secret counts as found
// from any 10 of its characters past the display hint (support/scan.ts), not only whole.
//
// The memory store has no bytes to scan, so there everything keyward hands to the store and gets
// back from it is recorded and scanned instead.
//
// The scanner is checked on the places the plaintext must be: the 201 answers, and each roll's
// 200 answer (its new secret, never the old one).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createKeyward, memoryStore, type Keyward, type KeywardEvent, type TokenStore } from '@keyward/core';
import { redisStore } from '@keyward/redis';
import { sqliteStore } from '@keyward/sqlite';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test } from 'vitest';
import { apiPath, as, bearer, resolveProject, serveApp, type Framework } from './support/apps.js';
import { call, waitUntil } from '@keyward/test-kit/net';
import { keysWithPrefix, randomPrefix } from '@keyward/test-kit/redis-keys';
import { startRedisServer } from '@keyward/test-kit/redis';
import { captureConsole, PlaintextScanner } from './support/scan.js';
import { countingStore } from '@keyward/test-kit/stores';

const TOKENS = 1000;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `count` async jobs, `width` at a time. */
async function pool(count: number, width: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await job(next++);
  }));
}

const ROLLED = 100;
/** Rolled and renamed: tokens 200..299, which are not deleted (0..199) and not used after the outage (500). */
const FIRST_ROLLED = 200;

interface Traffic {
  /** The secrets created, then those the rolls made. */
  plaintexts: string[];
  createdBodies: string[];
  /** The 200 answers of the rolls, each carrying its new secret. */
  rolledBodies: string[];
  /** The secrets the rolls replaced, and the ones they made. */
  rolledAway: string[];
  rolledNew: string[];
  otherBodies: string[];
}

/** Rolls tokens FIRST_ROLLED.. over HTTP, uses both secrets, renames each and sets its metadata. */
async function rollTraffic(port: number, ids: string[], plaintexts: string[], otherBodies: string[]): Promise<Pick<Traffic, 'rolledBodies' | 'rolledAway' | 'rolledNew'>> {
  const rolledBodies: string[] = [];
  const rolledAway: string[] = new Array(ROLLED);
  const rolledNew: string[] = new Array(ROLLED);
  await pool(ROLLED, 8, async (k) => {
    const i = FIRST_ROLLED + k;
    const grace = k % 2 === 0 ? '1h' : 'now';
    const answer = await call(port, 'POST', `/settings/tokens/${ids[i]}/roll`, { headers: as('owner_a'), body: { previousSecretExpiresIn: grace } });
    expect(answer.status).toBe(200);
    rolledAway[k] = plaintexts[i]!;
    rolledNew[k] = answer.json.plaintext;
    rolledBodies.push(answer.text);
    // The old secret: accepted during its grace period, refused (and not echoed) once rolled away at once.
    const old = await call(port, 'GET', apiPath('any'), { headers: bearer(plaintexts[i]!) });
    expect(old.status).toBe(grace === 'now' ? 401 : 200);
    const fresh = await call(port, 'GET', apiPath('project', 'proj_a1'), { headers: bearer(answer.json.plaintext) });
    expect(fresh.status).toBe(200);
    const renamed = await call(port, 'PATCH', `/settings/tokens/${ids[i]}`, { headers: as('owner_a'), body: { name: `rolled ${i}`, metadata: { rotatedBy: 'hardening' } } });
    expect(renamed.status).toBe(200);
    otherBodies.push(old.text, fresh.text, renamed.text, (await call(port, 'GET', `/settings/tokens/${ids[i]}`, { headers: as('owner_a') })).text);
  });
  return { rolledBodies, rolledAway, rolledNew };
}

/** The HTTP run: create, use (three ways), list, delete one by one and in bulk. */
async function traffic(port: number): Promise<Traffic> {
  const plaintexts: string[] = new Array(TOKENS);
  const ids: string[] = new Array(TOKENS);
  const createdBodies: string[] = [];
  const otherBodies: string[] = [];
  await pool(TOKENS, 8, async (i) => {
    const scope = i % 2 ? { kind: 'organization' } : { kind: 'project', projectId: 'proj_a1' };
    const answer = await call(port, 'POST', '/settings/tokens', { headers: as('owner_a'), body: { name: `token ${i}`, scope, expiresIn: i % 3 ? '30d' : 'never' } });
    expect(answer.status).toBe(201);
    plaintexts[i] = answer.json.plaintext;
    ids[i] = answer.json.token.id;
    createdBodies.push(answer.text);
  });
  await pool(TOKENS, 8, async (i) => {
    const token = plaintexts[i]!;
    const used = i % 4 === 0 ? await call(port, 'GET', apiPath('any'), { headers: { 'x-api-key': token } }) : await call(port, 'GET', apiPath('project', 'proj_a1'), { headers: bearer(token) });
    expect(used.status).toBe(200);
    // The same secret with a wrong checksum: refused before any lookup, and never echoed or logged.
    const broken = token.slice(0, -1) + (token.endsWith('0') ? '1' : '0');
    const refused = await call(port, 'GET', apiPath('project', 'proj_a1'), { headers: bearer(broken) });
    expect(refused.status).toBe(401);
    // A token on a route it may not use: 403, again without echoing it.
    const denied = await call(port, 'GET', apiPath('project', 'proj_b1'), { headers: bearer(token) });
    expect(denied.status).toBe(403);
    otherBodies.push(used.text, refused.text, denied.text);
  });
  let cursor: string | null = null;
  do {
    const page = await call(port, 'GET', `/settings/tokens?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers: as('owner_a') });
    expect(page.status).toBe(200);
    otherBodies.push(page.text);
    cursor = page.json.nextCursor;
  } while (cursor);
  for (const id of ids.slice(0, 100)) {
    otherBodies.push((await call(port, 'GET', `/settings/tokens/${id}`, { headers: as('owner_a') })).text);
    expect((await call(port, 'DELETE', `/settings/tokens/${id}`, { headers: as('owner_a') })).status).toBe(204);
  }
  const bulk = await call(port, 'POST', '/settings/tokens/bulk-delete', { headers: as('owner_a'), body: { ids: ids.slice(100, 200) } });
  expect(bulk.status).toBe(200);
  otherBodies.push(bulk.text);
  const rolls = await rollTraffic(port, ids, plaintexts, otherBodies);
  // The list once more: rolled tokens show their previous secret's hint, never a secret.
  otherBodies.push((await call(port, 'GET', '/settings/tokens?limit=100', { headers: as('owner_a') })).text);
  return { plaintexts: [...plaintexts, ...rolls.rolledNew], createdBodies, otherBodies, ...rolls };
}

/** After the store broke: the guard, the management API and the background flush all fail and log. */
async function failingTraffic(port: number, plaintexts: string[]): Promise<void> {
  for (const token of plaintexts.slice(200, 400)) {
    expect((await call(port, 'GET', apiPath('project', 'proj_a1'), { headers: bearer(token) })).status).toBe(503);
  }
  expect((await call(port, 'GET', '/settings/tokens', { headers: as('owner_a') })).status).toBe(503);
  expect((await call(port, 'POST', '/settings/tokens', { headers: as('owner_a'), body: { name: 'during the outage', scope: { kind: 'organization' }, expiresIn: '7d' } })).status).toBe(503);
}

/** keyward's default onError for background work: `console.error('[keyward]', error)`. */
const isFlushFailure = (line: string) => line.startsWith('error: [keyward] StoreUnavailableError') && line.includes('touch failed');

/** A keyward whose events are recorded, and whose errors go to the library's default (console.error). */
function observedKeyward(options: Omit<Parameters<typeof createKeyward>[0], 'onEvent' | 'resolveProject'>, events: string[]): Keyward {
  let n = 0;
  return createKeyward({
    ...options,
    resolveProject,
    // Every use is recorded, and waits two seconds to be written: the one made just before the
    // store breaks is still queued then, so the background flush fails and logs.
    lastUsedIntervalMs: 0,
    lastUsedFlushDelayMs: 2000,
    onEvent: (event: KeywardEvent) => {
      events.push(JSON.stringify(event), inspect(event, { depth: 10 }));
      // A broken audit hook: its error goes to onError, i.e. the console.
      if (++n % 50 === 0) throw new Error(`audit sink rejected ${event.type} of ${event.token.id}`);
    },
  });
}

/**
 * The scanner finds what must be there: every created secret in the 201 answers, every new
 * secret in the roll answers, and none of the secrets those rolls replaced.
 */
function expectControls(run: Traffic): string {
  const scanner = new PlaintextScanner(run.plaintexts);
  const created = summary(scanner, { 'created (201) bodies': run.createdBodies });
  const rolled = summary(new PlaintextScanner(run.rolledNew), { 'roll (200) bodies': run.rolledBodies });
  const rolledAway = summary(new PlaintextScanner(run.rolledAway), { 'roll (200) bodies, old secrets': run.rolledBodies });
  expect(created.found).toBe(TOKENS);
  expect(rolled.found).toBe(ROLLED);
  expect(rolledAway.found).toBe(0);
  return [created, rolled, rolledAway].map((c) => Object.values(c.counts)[0]).join('; ');
}

/** Each event is recorded twice (JSON and inspect): created, deleted (200), rolled and updated (ROLLED each). */
const EVENT_LINES = 2 * (TOKENS + 200 + 2 * ROLLED);

function summary(scanner: PlaintextScanner, parts: Record<string, Array<string | Buffer>>): { counts: Record<string, string>; found: number } {
  const counts: Record<string, string> = {};
  let found = 0;
  for (const [name, items] of Object.entries(parts)) {
    const hits = new Set<string>();
    let bytes = 0;
    for (const item of items) {
      bytes += typeof item === 'string' ? Buffer.byteLength(item) : item.length;
      for (const token of scanner.find(item)) hits.add(token);
    }
    counts[name] = `${items.length} items/${bytes} bytes → ${hits.size} found`;
    found += hits.size;
  }
  return { counts, found };
}

/**
 * Wraps a store so that every argument keyward hands it and every answer it gives back is
 * recorded (as util.inspect text): for a store without bytes on disk, what it could ever hold.
 */
function recordingStore(inner: TokenStore, seen: string[]): TokenStore {
  const record = (value: unknown) => seen.push(inspect(value, { depth: 10, maxArrayLength: null, maxStringLength: null }));
  return new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        record(args);
        const answer = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (answer instanceof Promise) return answer.then((resolved) => (record(resolved), resolved));
        record(answer);
        return answer;
      };
    },
  });
}

describe('no plaintext anywhere', () => {
  test('the scanner finds a token from 10 characters of its secret past the hint, in any context, and not from its hint', () => {
    const token = 'kw_aB3dEf9hIjKlMn0pQrStUvWxYz1234AbCdEf';
    const scanner = new PlaintextScanner([token]);
    const secret = token.slice(3, 33);
    expect(scanner.find(`{"x":"${secret.slice(17, 27)}"}`)).toEqual(new Set([token]));
    expect(scanner.find(Buffer.from(`\u0000${secret.slice(4, 14)}\u0001`, 'latin1'))).toEqual(new Set([token]));
    expect(scanner.find(Buffer.from(token).toString('hex'))).toEqual(new Set([token]));
    expect(scanner.find(`hint ${token.slice(0, 7)} and 9 more ${secret.slice(4, 13)}`).size).toBe(0);
  });

  test(`Hono on an SQLite file: ${TOKENS} tokens created over HTTP; the database file, WAL and shared memory, every event and every log line hold 0 plaintext tokens`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-hardening-plaintext-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'tokens.db');
    const db = new Database(file);
    cleanups.push(() => {
      if (db.open) db.close();
    });
    const events: string[] = [];
    const logs = captureConsole();
    cleanups.push(() => logs.restore());
    const keyward = observedKeyward({ store: sqliteStore({ db }) }, events);
    // No onError: the guard and the management API log through their defaults (console.error).
    const server = await serveApp('hono' satisfies Framework, { keyward });
    cleanups.push(() => server.close());

    const run = await traffic(server.port);
    await keyward.flush();
    const files = () => Object.fromEntries(['', '-wal', '-shm'].filter((s) => statSync(file + s, { throwIfNoEntry: false })).map((s) => [`file${s || ' (main)'}`, [readFileSync(file + s)]]));
    const whileOpen = files();

    // The store breaks under the running app: a queued last-used write fails in the background.
    expect((await call(server.port, 'GET', apiPath('any'), { headers: bearer(run.plaintexts[500]!) })).status).toBe(200);
    db.close();
    await failingTraffic(server.port, run.plaintexts);
    await waitUntil('the background last-used flush to fail and log', () => logs.lines.some(isFlushFailure));
    await keyward.close().catch(() => {});
    logs.restore();

    const scanner = new PlaintextScanner(run.plaintexts);
    const control = expectControls(run);
    const { counts, found } = summary(scanner, {
      ...Object.fromEntries(Object.entries(whileOpen).map(([k, v]) => [`${k} while open`, v])),
      ...Object.fromEntries(Object.entries(files()).map(([k, v]) => [`${k} after close`, v])),
      events,
      'console lines': logs.lines,
      'other HTTP answers': run.otherBodies,
    });
    console.log(`[no-plaintext:sqlite] control: ${control}; ${JSON.stringify(counts, null, 1)}`);
    expect(found).toBe(0);
    // The run did exercise every path that writes: events (1000 created, 200 deleted, 100 rolled, 100 updated) and error logs.
    expect(events.length).toBe(EVENT_LINES);
    expect(logs.lines.filter((l) => l.includes('request refused (fail closed)')).length).toBeGreaterThanOrEqual(200);
    expect(logs.lines.some((l) => l.includes('token management request failed'))).toBe(true);
    expect(logs.lines.some((l) => l.includes('audit sink rejected'))).toBe(true);
  }, 120_000);

  test(`Express on Redis: ${TOKENS} tokens created over HTTP; every key under the prefix (values and DUMP bytes), the AOF and RDB files, every event and every log line hold 0 plaintext tokens`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-hardening-plaintext-redis-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const redis = await startRedisServer(['--appendonly', 'yes', '--dir', dir, '--dbfilename', 'dump.rdb']);
    cleanups.push(() => redis.stop());
    const client = new Redis({ host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 1, commandTimeout: 1000, enableOfflineQueue: false, retryStrategy: () => 100 });
    client.on('error', () => {});
    cleanups.push(() => client.disconnect());
    await waitUntil('the Redis client to connect', () => client.status === 'ready');
    const keyPrefix = randomPrefix('plaintext');

    const events: string[] = [];
    const logs = captureConsole();
    cleanups.push(() => logs.restore());
    const keyward = observedKeyward({ store: redisStore({ client, keyPrefix }) }, events);
    const server = await serveApp('express', { keyward });
    cleanups.push(() => server.close());

    const run = await traffic(server.port);
    await keyward.flush();

    // Every key under the prefix, as values and as Redis's own serialization.
    const keys = await keysWithPrefix(client, keyPrefix);
    const dumps: Array<string | Buffer> = [];
    for (const key of keys) {
      const type = await client.type(key);
      const value =
        type === 'hash' ? await client.hgetall(key) : type === 'set' ? await client.smembers(key) : type === 'zset' ? await client.zrange(key, 0, -1, 'WITHSCORES') : await client.get(key);
      dumps.push(`${key} ${type} ${JSON.stringify(value)}`);
      const serialized = await client.dumpBuffer(key);
      if (serialized) dumps.push(serialized);
    }
    await client.save();
    const persisted = (root: string): Buffer[] =>
      readdirSync(root, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? persisted(join(root, entry.name)) : [readFileSync(join(root, entry.name))]));
    const onDisk = persisted(dir);

    // Redis dies under the running app: a queued last-used write fails in the background.
    expect((await call(server.port, 'GET', apiPath('any'), { headers: bearer(run.plaintexts[500]!) })).status).toBe(200);
    await redis.signal('SIGKILL');
    await waitUntil('the client to notice', () => client.status !== 'ready');
    await failingTraffic(server.port, run.plaintexts);
    await waitUntil('the background last-used flush to fail and log', () => logs.lines.some(isFlushFailure));
    await keyward.close().catch(() => {});
    logs.restore();

    const scanner = new PlaintextScanner(run.plaintexts);
    const control = expectControls(run);
    const { counts, found } = summary(scanner, {
      [`redis keys (${keys.length}) and DUMP`]: dumps,
      'AOF and RDB files': onDisk,
      events,
      'console lines': logs.lines,
      'other HTTP answers': run.otherBodies,
    });
    console.log(`[no-plaintext:redis] control: ${control}; ${JSON.stringify(counts, null, 1)}`);
    expect(found).toBe(0);
    expect(keys.length).toBeGreaterThan(TOKENS - 200);
    expect(onDisk.length).toBeGreaterThan(0);
    expect(events.length).toBe(EVENT_LINES);
    expect(logs.lines.filter((l) => l.includes('request refused (fail closed)')).length).toBeGreaterThanOrEqual(200);
    expect(logs.lines.some((l) => l.includes('token management request failed'))).toBe(true);
  }, 120_000);

  test(`Express on the memory store: ${TOKENS} tokens created over HTTP; everything handed to and returned by the store, every event and every log line hold 0 plaintext tokens`, async () => {
    const seen: string[] = [];
    const breakable = countingStore(memoryStore());
    const events: string[] = [];
    const logs = captureConsole();
    cleanups.push(() => logs.restore());
    const keyward = observedKeyward({ store: recordingStore(breakable, seen) }, events);
    const server = await serveApp('express', { keyward });
    cleanups.push(() => server.close());

    const run = await traffic(server.port);
    await keyward.flush();
    const beforeOutage = seen.length;

    // The store breaks under the running app: a queued last-used write fails in the background.
    expect((await call(server.port, 'GET', apiPath('any'), { headers: bearer(run.plaintexts[500]!) })).status).toBe(200);
    breakable.down = true;
    await failingTraffic(server.port, run.plaintexts);
    await waitUntil('the background last-used flush to fail and log', () =>
      logs.lines.some((line) => line.startsWith('error: [keyward] StoreUnavailableError') && line.includes('test store is down')),
    );
    await keyward.close().catch(() => {});
    logs.restore();

    const scanner = new PlaintextScanner(run.plaintexts);
    const control = expectControls(run);
    const { counts, found } = summary(scanner, {
      'store calls and answers': seen,
      events,
      'console lines': logs.lines,
      'other HTTP answers': run.otherBodies,
    });
    console.log(`[no-plaintext:memory] control: ${control}; ${JSON.stringify(counts, null, 1)}`);
    expect(found).toBe(0);
    // The store saw every kind of write: inserts, rolls and updates, with their hashes.
    expect(breakable.calls.insert).toBe(TOKENS + 1);
    expect(breakable.calls.roll).toBe(ROLLED);
    expect(breakable.calls.update).toBe(ROLLED);
    expect(beforeOutage).toBeGreaterThan(2 * (TOKENS + 2 * ROLLED));
    expect(events.length).toBe(EVENT_LINES);
    expect(logs.lines.filter((l) => l.includes('request refused (fail closed)')).length).toBeGreaterThanOrEqual(200);
    expect(logs.lines.some((l) => l.includes('token management request failed'))).toBe(true);
  }, 120_000);
});
