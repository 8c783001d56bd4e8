// A server process for the HTTP section: `server.ts <hono|express> <memory|sqlite> <tokens> <dir>`.
// Serves one route twice, guarded and unguarded, with identical handlers, and tells its parent
// (over IPC) its port and some tokens to send. Runs apart from autocannon, so the load generator
// and the server do not share a core's time slices within one event loop.
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createKeyward, memoryStore, type TokenStore } from '@keyward/core';
import { requireToken as expressGuard } from '@keyward/express';
import { requireToken as honoGuard } from '@keyward/hono';
import { sqliteStore } from '@keyward/sqlite';
import Database from 'better-sqlite3';
import express from 'express';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { fill } from '../lib/fixtures.js';

const [framework, storeKind, count, dir] = process.argv.slice(2) as [string, string, string, string];
const ORG = 'org_0';

let store: TokenStore;
let batch: ((run: () => void) => void) | undefined;
if (storeKind === 'sqlite') {
  const db = new Database(join(dir, `http-${framework}.db`));
  store = sqliteStore({ db });
  batch = (run) => db.transaction(run)();
} else {
  store = memoryStore();
}
const tokens = await fill(store, Number(count), 100, { organizations: 1, projectScopes: false, batch });
const keyward = createKeyward({ store, resolveProject: () => null });

let server: Server;
if (framework === 'hono') {
  const app = new Hono();
  const guard = honoGuard({ keyward, organization: (c) => c.req.param('orgId') });
  app.get('/open/orgs/:orgId/ping', (c) => c.json({ ok: true }));
  app.get('/guarded/orgs/:orgId/ping', guard, (c) => c.json({ ok: true }));
  // The same route behind a middleware that does nothing: what any middleware costs in Hono.
  app.get('/noop/orgs/:orgId/ping', async (_c, next) => { await next(); }, (c) => c.json({ ok: true }));
  server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
} else {
  const app = express();
  const guard = expressGuard({ keyward, organization: (req) => req.params.orgId });
  app.get('/open/orgs/:orgId/ping', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/guarded/orgs/:orgId/ping', guard, (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/noop/orgs/:orgId/ping', (_req, _res, next) => next(), (_req, res) => {
    res.json({ ok: true });
  });
  server = app.listen(0, '127.0.0.1');
}
server.on('listening', () => {
  process.send!({ port: (server.address() as AddressInfo).port, tokens, organization: ORG });
});
process.on('disconnect', () => {
  server.close();
  void keyward.close().finally(() => process.exit(0));
});
