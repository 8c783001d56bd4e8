// @keyward/postgres inside workerd (Miniflare) with nodejs_compat: node-postgres connects to this
// machine's PostgreSQL through cloudflare:sockets, the way it does behind Hyperdrive. The store
// conformance suite runs in one request; then what workerd cannot do, each refused by name.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { bundleWorkerdNodeCompat } from '../src/bundle.js';
import type { TestResult } from '../src/mini-vitest.js';

const outdir = fileURLToPath(new URL('../.out', import.meta.url));
const SERVER = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
const database = `keyward_test_workerd_${randomBytes(6).toString('hex')}`;
const connectionString = `postgres://${SERVER.user}@${SERVER.host}:${SERVER.port}/${database}`;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...SERVER, database: 'postgres', connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The names in the recipe's token table, read from Node. */
async function tokenNames(): Promise<string[]> {
  const client = new pg.Client({ ...SERVER, database, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return (await client.query<{ name: string }>('SELECT name FROM keyward_tokens')).rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

describe('@keyward/postgres in workerd + nodejs_compat (node-postgres over cloudflare:sockets)', () => {
  let mf: Miniflare;
  const post = async (path: string) => (await mf.dispatchFetch(`http://worker${path}`, { method: 'POST', body: JSON.stringify({ connectionString }) })).json();

  beforeAll(async () => {
    mkdirSync(outdir, { recursive: true });
    await admin((client) => client.query(`CREATE DATABASE ${database}`));
    const scriptPath = await bundleWorkerdNodeCompat(fileURLToPath(new URL('../src/postgres-worker.ts', import.meta.url)), outdir, 'postgres-worker');
    // The module listed as is: rate-limiter-flexible's import(variable) of optional drivers (never
    // reached here) would stop Miniflare's walk of the module's imports.
    mf = new Miniflare({ modules: [{ type: 'ESModule', path: scriptPath }], compatibilityDate: '2025-09-01', compatibilityFlags: ['nodejs_compat'] });
  }, 60_000);

  afterAll(async () => {
    try {
      await mf?.dispose();
    } finally {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    }
  }, 60_000);

  test('the store conformance suite passes, every section (limits, rate limiter, audit, usage, fail-closed) included', { timeout: 300_000 }, async () => {
    const { results } = (await post('/suite')) as { results: TestResult[] };
    expect(results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`)).toEqual([]);
    const names = results.map((r) => r.name);
    // No silent empty run: every section of describeTokenStore ran here.
    expect(names.length).toBeGreaterThanOrEqual(74);
    for (const section of ['spend(', 'rateLimiter(', 'auditLog(', 'addUsage(', 'broken store', 'roll(', 'deleteMany(']) {
      expect(names.some((name) => name.includes(section)), section).toBe(true);
    }
  });

  test('a pool kept from an earlier request is refused with a ConfigurationError naming pool, at once, where its query would hang', { timeout: 60_000 }, async () => {
    expect(await post('/kept-pool/first')).toEqual({ ok: true });
    const later = (await post('/kept-pool/later')) as { ok: false; code: string; message: string; ms: number; raw: { ok: boolean; message: string } };
    expect(later).toMatchObject({ ok: false, name: 'ConfigurationError', code: 'INVALID_CONFIGURATION' });
    expect(later.message).toMatch(/^postgresStore: pool was first used by another request/);
    // Without the check, the same pool's query gets no answer: node-postgres gives up at query_timeout.
    expect(later.raw).toMatchObject({ ok: false, message: 'Query read timeout' });
  });

  test('postgresInvalidations() (LISTEN for the cache) is refused at construction with a ConfigurationError', async () => {
    const refused = (await post('/invalidations')) as { ok: false; code: string; message: string };
    expect(refused).toMatchObject({ ok: false, code: 'INVALID_CONFIGURATION' });
    expect(refused.message).toMatch(/^postgresInvalidations: cannot run in Cloudflare Workers, so the cache option of createKeyward cannot use it there/);
  });

  test('the Worker recipe of docs/stores.md (a pool per request, on a Hyperdrive binding) keeps tokens from request to request: create → use → delete → refused', { timeout: 60_000 }, async () => {
    const recipe = fileURLToPath(new URL('../src/postgres-worker-recipe.ts', import.meta.url));
    // The docs show the file verbatim.
    const docs = readFileSync(new URL('../../../docs/stores.md', import.meta.url), 'utf8');
    expect(docs).toContain(`<!-- file: examples/runtime-matrix/src/postgres-worker-recipe.ts -->\n<!-- excerpt -->\n\`\`\`ts\n${readFileSync(recipe, 'utf8')}\`\`\``);
    const scriptPath = await bundleWorkerdNodeCompat(recipe, outdir, 'postgres-worker-recipe');
    const worker = new Miniflare({
      modules: [{ type: 'ESModule', path: scriptPath }],
      compatibilityDate: '2025-09-01',
      compatibilityFlags: ['nodejs_compat'],
      // Miniflare insists on a password; the local server trusts the user and ignores it.
      hyperdrives: { HYPERDRIVE: `postgres://${SERVER.user}:unused@${SERVER.host}:${SERVER.port}/${database}` },
    });
    try {
      const admin = { 'x-demo-user': 'admin' };
      const created = await worker.dispatchFetch('http://worker/settings/tokens', {
        method: 'POST',
        headers: { ...admin, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'CI', scope: { kind: 'project', projectId: 'proj_web' }, expiresIn: '7d' }),
      });
      expect(created.status).toBe(201);
      const { plaintext, token } = (await created.json()) as { plaintext: string; token: { id: string } };
      const bearer = { authorization: `Bearer ${plaintext}` };
      // Each request below has its own pool and keyward: the token lives in PostgreSQL.
      const used = await worker.dispatchFetch('http://worker/projects/proj_web/builds', { headers: bearer });
      expect(await used.json()).toEqual({ projectId: 'proj_web', calledBy: 'CI' });
      expect(await tokenNames()).toEqual(['CI']);
      expect((await worker.dispatchFetch('http://worker/projects/proj_other/builds', { headers: bearer })).status).toBe(403);
      expect((await worker.dispatchFetch('http://worker/projects/proj_web/builds')).status).toBe(401);
      expect((await worker.dispatchFetch(`http://worker/settings/tokens/${token.id}`, { method: 'DELETE', headers: admin })).status).toBe(204);
      const refused = await worker.dispatchFetch('http://worker/projects/proj_web/builds', { headers: bearer });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ code: 'INVALID_TOKEN' });
      expect(await tokenNames()).toEqual([]);
    } finally {
      await worker.dispose();
    }
  });
});
