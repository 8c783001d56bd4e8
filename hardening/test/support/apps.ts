// The host app every HTTP test uses, built the same way on Hono and on Express: a few guarded API
// routes (one per kind of route target) and the token management API under /settings.
import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import type { Actor, Keyward } from '@keyward/core';
import { ACTORS as FIXTURE_ACTORS, resolveProject } from '@keyward/test-kit/fixtures';
import { requireToken as expressRequireToken, tokensRouter } from '@keyward/express';
import { requireToken as honoRequireToken, tokensApp } from '@keyward/hono';
import express from 'express';
import { Hono } from 'hono';
import { listen, type Listening } from '@keyward/test-kit/net';

export { PROJECTS, resolveProject } from '@keyward/test-kit/fixtures';

/** The fixture actors under the names these tests use: role and organization letter. */
export const ACTORS = {
  owner_a: FIXTURE_ACTORS.owner,
  admin_a: FIXTURE_ACTORS.admin,
  member_a: FIXTURE_ACTORS.member,
  owner_b: FIXTURE_ACTORS.otherOwner,
} as const satisfies Record<string, Actor>;

/** The header a test client uses to say who it is; the host's getActor reads it. No header: nobody signed in. */
export const ACTOR_HEADER = 'x-actor';

export function actorOf(value: string | null | undefined): Actor | null {
  return value && Object.hasOwn(ACTORS, value) ? ACTORS[value as keyof typeof ACTORS] : null;
}

export type Framework = 'hono' | 'express';
export const FRAMEWORKS: readonly Framework[] = ['hono', 'express'];

/** Guarded routes: each answers 200 `{ token: <id> }` when its guard lets the request through. */
export const API_ROUTES = {
  /** No target: any valid token. Also accepts the token in `x-api-key`. */
  any: '/api/any',
  /** `organizationLevel: true`: organization tokens only. */
  orgLevel: '/api/org',
  /** The organization in the URL. */
  org: '/api/orgs/:organizationId',
  /** The project in the URL. */
  project: '/api/projects/:projectId',
} as const;

export interface AppOptions {
  keyward: Keyward;
  /** Told why a guard or management request failed closed. Omitted: the library's default (console.error). */
  onError?: (error: unknown) => void;
}

export function honoApp({ keyward, onError }: AppOptions): Hono {
  const app = new Hono();
  const pass = (c: { get(key: 'apiToken'): { id: string }; json(body: unknown): Response }) => c.json({ token: c.get('apiToken').id });
  const common = onError ? { keyward, onError } : { keyward };
  app.get(API_ROUTES.any, honoRequireToken({ ...common, header: 'x-api-key' }), pass);
  app.get(API_ROUTES.orgLevel, honoRequireToken({ ...common, organizationLevel: true }), pass);
  app.get(API_ROUTES.org, honoRequireToken({ ...common, organization: (c) => c.req.param('organizationId') }), pass);
  app.get(API_ROUTES.project, honoRequireToken({ ...common, project: (c) => c.req.param('projectId') }), pass);
  app.route('/settings', tokensApp({ ...common, getActor: (c) => actorOf(c.req.header(ACTOR_HEADER)) }));
  return app;
}

export function expressApp({ keyward, onError }: AppOptions): express.Express {
  const app = express();
  const pass: express.RequestHandler = (req, res) => {
    res.json({ token: req.apiToken!.id });
  };
  const common = onError ? { keyward, onError } : { keyward };
  const param = (name: string) => (req: express.Request) => req.params[name];
  app.get(API_ROUTES.any, expressRequireToken({ ...common, header: 'x-api-key' }), pass);
  app.get(API_ROUTES.orgLevel, expressRequireToken({ ...common, organizationLevel: true }), pass);
  app.get(API_ROUTES.org, expressRequireToken({ ...common, organization: param('organizationId') }), pass);
  app.get(API_ROUTES.project, expressRequireToken({ ...common, project: param('projectId') }), pass);
  app.use('/settings', tokensRouter({ ...common, getActor: (req) => actorOf(req.header(ACTOR_HEADER)) }));
  return app;
}

/** Serves the app on 127.0.0.1 with Node's own HTTP server (both frameworks alike). */
export function serveApp(framework: Framework, options: AppOptions): Promise<Listening> {
  const listener = framework === 'hono' ? getRequestListener(honoApp(options).fetch) : expressApp(options);
  return listen(createServer(listener));
}

/** `/api/projects/proj_a1`-style path of a route with its parameters filled in. */
export function apiPath(route: keyof typeof API_ROUTES, id?: string): string {
  return API_ROUTES[route].replace(/:[A-Za-z]+/, id ?? '');
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const as = (actor: keyof typeof ACTORS) => ({ [ACTOR_HEADER]: actor });
