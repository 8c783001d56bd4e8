// A server process for the HTTP section: `server.ts <hono|express|fastify> <memory|sqlite|redis|postgres> <tokens> <dir> [database]`.
// Serves one route several ways with identical handlers: unguarded (`/open`), behind requireToken()
// (`/guarded`), behind requireToken() with the refusal hooks set (`/hooked`: onRefusal and
// refusalContext, which a request that passes must never reach), behind requireToken() with a
// permission to check (`/permitted`, on a service that declares a catalog), the same guard as
// `/guarded` for tokens with a rate limit (`/rated`), requireToken() on a service with usage
// recording off (`/unrecorded`), and behind a "floor" middleware
// that does only what any token check on that store must (read the header, SHA-256, one lookup,
// hand the row to the handler) (`/floor`). Tells its parent (over IPC) its port and some tokens to
// send. Runs apart from autocannon, so the load generator and the server do not share one event loop.
import { hash } from 'node:crypto';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createKeyward, memoryStore, type TokenStore } from '@keyward/core';
import { requireToken as expressGuard } from '@keyward/express';
import { requireToken as fastifyGuard } from '@keyward/fastify';
import { requireToken as honoGuard } from '@keyward/hono';
import { postgresStore } from '@keyward/postgres';
import { redisStore } from '@keyward/redis';
import { sqliteStore } from '@keyward/sqlite';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import pg from 'pg';
import { POSTGRES_FLOOR_SQL } from '../lib/postgres-floor.js';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fill } from '../lib/fixtures.js';

const [framework, storeKind, count, dir, database] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const ORG = 'org_0';

let store: TokenStore;
let batch: ((run: () => void) => void) | undefined;
let db: Database.Database | undefined;
let redis: { client: Redis; prefix: string } | undefined;
let pool: pg.Pool | undefined;
if (storeKind === 'postgres') {
  // node-postgres' default pool size, on the shared server in the section's own database (dropped by the parent).
  pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database, max: 10 });
  store = postgresStore({ pool });
} else if (storeKind === 'sqlite') {
  db = new Database(join(dir, `http-${framework}-${process.pid}.db`));
  store = sqliteStore({ db });
  batch = (run) => db!.transaction(run)();
} else if (storeKind === 'redis') {
  // The parent deletes every key under this prefix when the section ends.
  redis = { client: new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1, commandTimeout: 5000 }), prefix: `kwbench:http:${process.pid}:` };
  store = redisStore({ client: redis.client, keyPrefix: redis.prefix });
} else {
  store = memoryStore();
}
// Every token holds the permission `/permitted` requires, so every request there passes too.
const tokens = await fill(store, Number(count), 100, { organizations: 1, projectScopes: false, batch, permissions: ['builds:read', 'deploys:write'] });
// Twins in the same organization with a rate limit they never reach (`/rated`): the limited path,
// one limiter call per request on the store's own backend, without refusals.
const ratedTokens = await fill(store, 100, 100, { organizations: 1, projectScopes: false, batch, namePrefix: 'Rated key', extra: { rateLimit: { limit: 1_000_000_000, window: 86_400_000 } } });
const keyward = createKeyward({ store, resolveProject: () => null });
// The same store seen by a host with usage recording off (`/unrecorded`): the price of counting usage.
const unrecorded = createKeyward({ store, resolveProject: () => null, usage: false });
// The same store seen by a host with a permission catalog: its guard checks one permission more.
const permitting = createKeyward({ store, resolveProject: () => null, permissions: { 'builds:read': 'Read builds', 'deploys:write': 'Start deploys' } });
const PERMISSIONS = ['deploys:write'];

// The floor's lookup: a prepared point SELECT of the row on SQLite, one HMGET of the lookup key on
// Redis (what any Redis lookup must send), a Map of the tokens' records in memory.
let lookup: (tokenHash: string) => unknown;
if (pool) {
  // PostgreSQL: the same SELECT keyward prepares, as a named statement of its own on the same pool.
  const text = POSTGRES_FLOOR_SQL;
  lookup = (tokenHash) => pool!.query({ name: 'bench_floor_find_by_hash', text, values: [tokenHash], rowMode: 'array' }).then(({ rows }) => rows[0]);
} else if (redis) {
  const { client, prefix } = redis;
  lookup = (tokenHash) => client.hmget(`${prefix}h:${tokenHash}`, 'r', 'u').then(([json]) => (json == null ? undefined : json));
} else if (db) {
  const select = db.prepare(
    'SELECT id, organization_id, name, name_key, scope_kind, project_id, hash, hint, created_at, created_by, expires_at, last_used_at FROM keyward_tokens WHERE hash = ?',
  );
  lookup = (tokenHash) => select.get(tokenHash);
} else {
  const records = new Map<string, unknown>();
  for (const token of tokens) {
    const tokenHash = hash('sha256', token, 'base64url');
    records.set(tokenHash, store.findByHash(tokenHash));
  }
  lookup = (tokenHash) => records.get(tokenHash);
}
/** The floor: the row behind `Authorization: Bearer <token>`, or undefined (a promise of it on Redis). */
const floor = (authorization: string | undefined) => (authorization === undefined ? undefined : lookup(hash('sha256', authorization.slice(7), 'base64url')));
const isPromise = (value: unknown): value is Promise<unknown> => typeof (value as Promise<unknown> | undefined)?.then === 'function';
// The hooks a security team would set: count refusals, with the client address as context. The
// parent checks the count stays 0 while only valid tokens are sent.
let refusals = 0;
const onRefusal = () => {
  refusals++;
};

let server: Server;
if (framework === 'hono') {
  const app = new Hono();
  const guard = honoGuard({ keyward, organization: (c) => c.req.param('orgId') });
  const hooked = honoGuard({
    keyward,
    organization: (c) => c.req.param('orgId'),
    onRefusal,
    refusalContext: (c) => (c.env as { incoming: { socket: { remoteAddress?: string } } }).incoming.socket.remoteAddress,
  });
  app.get('/open/orgs/:orgId/ping', (c) => c.json({ ok: true }));
  app.get('/guarded/orgs/:orgId/ping', guard, (c) => c.json({ ok: true }));
  app.get('/hooked/orgs/:orgId/ping', hooked, (c) => c.json({ ok: true }));
  app.get('/rated/orgs/:orgId/ping', guard, (c) => c.json({ ok: true }));
  app.get('/unrecorded/orgs/:orgId/ping', honoGuard({ keyward: unrecorded, organization: (c) => c.req.param('orgId') }), (c) => c.json({ ok: true }));
  app.get('/permitted/orgs/:orgId/ping', honoGuard({ keyward: permitting, organization: (c) => c.req.param('orgId'), permissions: PERMISSIONS }), (c) => c.json({ ok: true }));
  app.get(
    '/floor/orgs/:orgId/ping',
    (c, next) => {
      const pass = (row: unknown): Promise<Response | void> => {
        if (row === undefined) return Promise.resolve(c.json({ ok: false }, 401));
        c.set('apiToken' as never, row as never);
        return next();
      };
      const row = floor((c.env as { incoming: { headers: Record<string, string | undefined> } }).incoming.headers.authorization);
      return isPromise(row) ? row.then(pass) : pass(row);
    },
    (c) => c.json({ ok: true }),
  );
  server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
} else if (framework === 'fastify') {
  const app = Fastify();
  type OrgRoute = { Params: { orgId: string } };
  const guard = fastifyGuard({ keyward, organization: (request) => (request.params as { orgId: string }).orgId });
  const hooked = fastifyGuard({ keyward, organization: (request) => (request.params as { orgId: string }).orgId, onRefusal, refusalContext: (request) => request.ip });
  app.get<OrgRoute>('/open/orgs/:orgId/ping', async () => ({ ok: true }));
  app.get<OrgRoute>('/guarded/orgs/:orgId/ping', { onRequest: guard }, async () => ({ ok: true }));
  app.get<OrgRoute>('/hooked/orgs/:orgId/ping', { onRequest: hooked }, async () => ({ ok: true }));
  app.get<OrgRoute>('/rated/orgs/:orgId/ping', { onRequest: guard }, async () => ({ ok: true }));
  const unrecordedGuard = fastifyGuard({ keyward: unrecorded, organization: (request) => (request.params as { orgId: string }).orgId });
  app.get<OrgRoute>('/unrecorded/orgs/:orgId/ping', { onRequest: unrecordedGuard }, async () => ({ ok: true }));
  const permitted = fastifyGuard({ keyward: permitting, organization: (request) => (request.params as { orgId: string }).orgId, permissions: PERMISSIONS });
  app.get<OrgRoute>('/permitted/orgs/:orgId/ping', { onRequest: permitted }, async () => ({ ok: true }));
  app.get<OrgRoute>(
    '/floor/orgs/:orgId/ping',
    {
      onRequest: (request, reply, done) => {
        const pass = (row: unknown) => {
          if (row === undefined) {
            void reply.code(401).send({ ok: false });
            return;
          }
          request.apiToken = row as never;
          done();
        };
        const row = floor(request.headers.authorization);
        if (isPromise(row)) void row.then(pass, done);
        else pass(row);
      },
    },
    async () => ({ ok: true }),
  );
  server = app.server;
  void app.listen({ port: 0, host: '127.0.0.1' });
} else {
  const app = express();
  const guard = expressGuard({ keyward, organization: (req) => req.params.orgId });
  const hooked = expressGuard({ keyward, organization: (req) => req.params.orgId, onRefusal, refusalContext: (req) => req.ip });
  const floorMiddleware: express.RequestHandler = (req, res, next) => {
    const pass = (row: unknown) => {
      if (row === undefined) {
        res.status(401).json({ ok: false });
        return;
      }
      req.apiToken = row as never;
      next();
    };
    const row = floor(req.headers.authorization);
    if (isPromise(row)) void row.then(pass, next);
    else pass(row);
  };
  // Express tries routes one after another, matching each path in turn, so a route registered
  // later pays for every earlier one's match. One route serves every variant, picked by the first
  // path segment: all of them pay the same matching and differ only in the middleware compared.
  const variants = new Map<string, express.RequestHandler>([
    ['open', (_req, _res, next) => next()],
    ['guarded', guard],
    ['permitted', expressGuard({ keyward: permitting, organization: (req) => req.params.orgId, permissions: PERMISSIONS })],
    ['hooked', hooked],
    ['rated', guard],
    ['unrecorded', expressGuard({ keyward: unrecorded, organization: (req) => req.params.orgId })],
    ['floor', floorMiddleware],
  ]);
  app.get(
    '/:variant/orgs/:orgId/ping',
    (req, res, next) => {
      const variant = variants.get(req.params.variant as string);
      if (variant === undefined) res.status(404).end();
      else variant(req, res, next);
    },
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  server = app.listen(0, '127.0.0.1');
}
server.on('listening', () => {
  process.send!({ port: (server.address() as AddressInfo).port, tokens, ratedTokens, organization: ORG });
});
// The parent asks for this process's CPU time around each load run: server CPU per request is
// the server's cost with the load generator and other processes factored out.
process.on('message', (message) => {
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send!({ cpuMicros: user + system, refusals });
  }
});
process.on('disconnect', () => {
  server.close();
  // The second service shares the store: flush its last-used writes before the store closes.
  void Promise.all([permitting.flush(), unrecorded.flush()])
    .then(() => keyward.close())
    .then(async () => {
      if (redis) {
        const { deleteKeys } = await import('../lib/context.js');
        await deleteKeys(redis.client, redis.prefix);
        await redis.client.quit();
      }
      await pool?.end();
    })
    .finally(() => process.exit(0));
});
