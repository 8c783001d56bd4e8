// No plaintext anywhere. 1000 tokens are created through the HTTP management API, used (with the
// Authorization header, the x-api-key header, and with a broken checksum), listed, some deleted
// one by one and in bulk; then the store fails under the running app so every error path logs.
// Afterwards every byte keyward could have written is scanned for the 1000 secrets: the SQLite
// file, its WAL and shared memory; every Redis key under the prefix (values and DUMP bytes) and
// the server's AOF and RDB files; every event passed to onEvent; everything printed through
// console.* (the library's default error hooks) and passed to onError. A secret counts as found
// from any 10 of its characters past the display hint (support/scan.ts), not only whole.
//
// The scanner is checked on the one place the plaintext must be: the 201 answers.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createKeyward, type Keyward, type KeywardEvent } from '@keyward/core';
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

interface Traffic {
  plaintexts: string[];
  createdBodies: string[];
  otherBodies: string[];
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
  return { plaintexts, createdBodies, otherBodies };
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
    const control = summary(scanner, { 'created (201) bodies': run.createdBodies });
    const { counts, found } = summary(scanner, {
      ...Object.fromEntries(Object.entries(whileOpen).map(([k, v]) => [`${k} while open`, v])),
      ...Object.fromEntries(Object.entries(files()).map(([k, v]) => [`${k} after close`, v])),
      events,
      'console lines': logs.lines,
      'other HTTP answers': run.otherBodies,
    });
    console.log(`[no-plaintext:sqlite] control: ${control.counts['created (201) bodies']}; ${JSON.stringify(counts, null, 1)}`);
    expect(control.found).toBe(TOKENS);
    expect(found).toBe(0);
    // The run did exercise every path that writes: events (1000 created + 200 deleted) and error logs.
    expect(events.length).toBe(2 * (TOKENS + 200));
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
    const control = summary(scanner, { 'created (201) bodies': run.createdBodies });
    const { counts, found } = summary(scanner, {
      [`redis keys (${keys.length}) and DUMP`]: dumps,
      'AOF and RDB files': onDisk,
      events,
      'console lines': logs.lines,
      'other HTTP answers': run.otherBodies,
    });
    console.log(`[no-plaintext:redis] control: ${control.counts['created (201) bodies']}; ${JSON.stringify(counts, null, 1)}`);
    expect(control.found).toBe(TOKENS);
    expect(found).toBe(0);
    expect(keys.length).toBeGreaterThan(TOKENS - 200);
    expect(onDisk.length).toBeGreaterThan(0);
    expect(events.length).toBe(2 * (TOKENS + 200));
    expect(logs.lines.filter((l) => l.includes('request refused (fail closed)')).length).toBeGreaterThanOrEqual(200);
    expect(logs.lines.some((l) => l.includes('token management request failed'))).toBe(true);
  }, 120_000);
});
