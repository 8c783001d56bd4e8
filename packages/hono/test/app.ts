// The Hono side of the shared suites: guard routes and management API, mounted as a host would.
import { createAdaptorServer } from '@hono/node-server';
import { requireToken, tokensApp } from '@keyward/hono';
import type { Server } from 'node:http';
import { Hono } from 'hono';
import { guardOptionsFor } from '@keyward/test-kit/http';
import { ACTOR_HEADER, GUARD_ROUTES, ORG_SETTINGS_PATH, listen, orgActor, testActor, type StartServer, type TestAppSetup } from '@keyward/test-kit/http';

export function buildApp(setup: TestAppSetup): Hono {
  const app = new Hono();
  for (const spec of GUARD_ROUTES) {
    const guard = requireToken(guardOptionsFor(spec, setup, (name) => (c) => c.req.param(name), (name) => (c) => c.req.header(name)));
    app.get(spec.path, guard, (c) => c.json({ tokenId: c.get('apiToken')?.id, permissions: c.get('apiToken')?.permissions }));
  }
  app.route('/settings', tokensApp({ ...setup.management, keyward: setup.keyward, onError: setup.onError, getActor: (c) => testActor(setup, c.req.header(ACTOR_HEADER)) }));
  app.route(ORG_SETTINGS_PATH, tokensApp({ keyward: setup.keyward, onError: setup.onError, getActor: (c) => orgActor(c.req.header(ACTOR_HEADER), c.req.param('orgId')) }));
  return app;
}

export const startHono: StartServer = async (setup) => {
  const app = buildApp(setup);
  const running = await listen(createAdaptorServer({ fetch: app.fetch }) as Server);
  // In-process, as Hono apps are tested and as fetch runtimes hand requests over.
  return { ...running, request: async (input, init) => app.request(input, init) };
};
