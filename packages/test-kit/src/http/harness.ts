// Shared by the Express and Hono suites: one fixture, one way to start and call a server, so
// both frameworks are checked against the very same tokens, routes and expectations.
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DAY_MS, createKeyward, memoryStore, type Actor, type Keyward, type PermissionCatalog, type TokenStore } from '@keyward/core';
import type { CrossSiteOptions, Refusal, RefusalAnswer } from '@keyward/core/http';
import { ACTORS, fixedClock, resolveProject, type ActorName, type Clock } from '../fixtures.js';

export const REALM = 'keyward-test';

/** The header test clients use to say who they are; the host's getActor reads it. */
export const ACTOR_HEADER = 'x-test-actor';

export function actorFromHeader(value: string | undefined | null): Actor | null {
  return value && Object.hasOwn(ACTORS, value) ? ACTORS[value as ActorName] : null;
}

/** The permission catalog of the test host that declares one (see `TestAppSetup.catalogKeyward`). */
export const PERMISSION_CATALOG: PermissionCatalog = Object.freeze({
  'builds:read': 'Read builds and their logs',
  'builds:write': 'Start and cancel builds',
  'deploys:write': 'Deploy to production',
});

/** A keyward over the fixture projects; `permissions` declares a catalog (tokens must then be granted some). */
export function testKeyward(options: { store?: TokenStore; clock?: Clock; permissions?: PermissionCatalog } = {}): Keyward {
  return createKeyward({
    store: options.store ?? memoryStore(),
    resolveProject,
    now: (options.clock ?? fixedClock()).now,
    onError: () => {},
    ...(options.permissions ? { permissions: options.permissions } : {}),
  });
}

/** What a framework test gets to build its app from. */
export interface TestAppSetup {
  /** Serves the management API and the healthy guard routes. */
  keyward: Keyward;
  /** Serves the guard routes under /down: its store is unavailable. */
  downKeyward: Keyward;
  /** Serves the guard routes that require permissions (under /perm): its host declares PERMISSION_CATALOG. */
  catalogKeyward: Keyward;
  /** Passed as onError to requireToken and the management API. */
  onError: (error: unknown) => void;
  /** How the host's getActor maps the ACTOR_HEADER value to an actor. Default `actorFromHeader`. */
  getActor?: (actorHeader: string | undefined) => Actor | null;
  /** The onRefusal recorder of the observed guard routes (`observed` in GUARD_ROUTES). */
  onRefusal?: ((refusal: Refusal) => void) | undefined;
  /** The cross-site options of the management API mounted at /settings (default: keyward's). */
  management?: CrossSiteOptions | undefined;
}

/** The header whose value the observed guard routes hand to onRefusal as `context` (a stand-in for the client IP). */
export const CLIENT_HEADER = 'x-test-client';

/**
 * Where the test apps mount the management API a second time, the multi-organization way: the
 * organization comes from the URL, read by getActor from the router's params.
 */
export const ORG_SETTINGS_PATH = '/orgs/:orgId/settings';

/** The multi-organization getActor: the signed-in user acts in the URL's organization only if they belong to it. */
export function orgActor(actorHeader: string | undefined, orgId: unknown): Actor | null {
  const actor = actorFromHeader(actorHeader);
  return actor !== null && typeof orgId === 'string' && actor.organizationId === orgId ? actor : null;
}

/** The host's getActor for the test app, given the ACTOR_HEADER value. */
export function testActor(setup: TestAppSetup, actorHeader: string | undefined): Actor | null {
  return (setup.getActor ?? actorFromHeader)(actorHeader);
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
  /**
   * Hands a fetch request to the app the way its framework is tested and deployed: Hono in-process
   * through `app.request()` (no Content-Length unless the caller sets one), Express over HTTP.
   * A string is a path; a Request's own URL is re-aimed at the server, keeping path and query.
   */
  request(input: string | Request, init?: RequestInit): Promise<Response>;
}

export type StartServer = (setup: TestAppSetup) => Promise<RunningServer>;

/**
 * Guard routes, declared once; each framework turns a parameter name into its own reader
 * (`c.req.param(name)` / `req.params[name]`).
 */
export interface GuardRouteSpec {
  path: string;
  down?: boolean;
  project?: string;
  organization?: string;
  organizationLevel?: boolean;
  header?: string;
  optional?: boolean;
  /** onRefusal is the setup's recorder, refusalContext reads CLIENT_HEADER; 'throwing': onRefusal and refusalContext throw. */
  observed?: true | 'throwing';
  /** Which formatRefusal the route answers refusals with (see REFUSAL_FORMATS). */
  format?: keyof typeof REFUSAL_FORMATS;
  /** Permissions the token must hold; the route is served by the setup's catalogKeyward. */
  permissions?: readonly string[];
  /** What a request takes from the token's rate limit and credits. */
  cost?: number;
}

/**
 * The hosts' own refusal answers of the shared routes. `json`: a JSON body of the host's shape,
 * the guard's headers kept. `hidden`: an out-of-scope token answers 404 with the challenge
 * replaced, others keep the guard's answer with an extra header. `broken`: returns what cannot be sent.
 */
export const REFUSAL_FORMATS = {
  json: (refusal: Refusal): RefusalAnswer => ({ headers: { 'X-Refusal-Code': refusal.code }, body: { error: refusal.code, status: refusal.status } }),
  hidden: (refusal: Refusal): RefusalAnswer =>
    refusal.code === 'INSUFFICIENT_SCOPE'
      ? { status: 404, headers: { 'www-authenticate': 'Bearer realm="hidden"' }, body: { error: 'not found' } }
      : { headers: { 'x-refusal-code': refusal.code } },
  broken: (): RefusalAnswer => ({ status: 200 as never, body: { leaked: true } }),
} satisfies Record<string, (refusal: Refusal) => RefusalAnswer>;

export const GUARD_ROUTES: readonly GuardRouteSpec[] = [
  { path: '/projects/:projectId/data', project: 'projectId' },
  { path: '/orgs/:organizationId/data', organization: 'organizationId' },
  { path: '/org-data', organizationLevel: true },
  { path: '/any' },
  { path: '/costly/projects/:projectId/data', project: 'projectId', cost: 5 },
  { path: '/keyed/projects/:projectId/data', project: 'projectId', header: 'x-api-key' },
  { path: '/down/projects/:projectId/data', project: 'projectId', down: true },
  // Misconfigured on purpose: the route has no :projectId, so the reader returns nothing.
  { path: '/broken/data', project: 'projectId' },
  { path: '/optional/projects/:projectId/data', project: 'projectId', optional: true },
  { path: '/down/optional/projects/:projectId/data', project: 'projectId', optional: true, down: true },
  { path: '/formatted/projects/:projectId/data', project: 'projectId', format: 'json' },
  { path: '/formatted/down/projects/:projectId/data', project: 'projectId', format: 'json', down: true },
  { path: '/hidden/projects/:projectId/data', project: 'projectId', format: 'hidden' },
  { path: '/badly-formatted/projects/:projectId/data', project: 'projectId', format: 'broken' },
  { path: '/observed/projects/:projectId/data', project: 'projectId', observed: true },
  { path: '/observed/down/projects/:projectId/data', project: 'projectId', observed: true, down: true },
  { path: '/observed/optional/projects/:projectId/data', project: 'projectId', observed: true, optional: true },
  { path: '/observed/throwing/projects/:projectId/data', project: 'projectId', observed: 'throwing' },
  { path: '/perm/projects/:projectId/builds', project: 'projectId', permissions: ['builds:read'] },
  { path: '/perm/projects/:projectId/deploys', project: 'projectId', permissions: ['builds:write', 'deploys:write'] },
  { path: '/perm/orgs/:organizationId/builds', organization: 'organizationId', permissions: ['builds:read'] },
  { path: '/perm/org-builds', organizationLevel: true, permissions: ['builds:read'] },
  { path: '/perm/any/builds', permissions: ['builds:read'] },
  { path: '/perm/optional/projects/:projectId/builds', project: 'projectId', optional: true, permissions: ['builds:write'] },
  { path: '/perm/formatted/projects/:projectId/deploys', project: 'projectId', format: 'json', permissions: ['builds:write', 'deploys:write'] },
  { path: '/perm/observed/projects/:projectId/deploys', project: 'projectId', observed: true, permissions: ['builds:write', 'deploys:write'] },
];

/** Listens on 127.0.0.1, on a port the OS picks. */
export async function listen(server: Server): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    request: (input, init) => {
      if (typeof input === 'string') return fetch(url + input, init);
      const { pathname, search } = new URL(input.url);
      return fetch(url + pathname + search, { method: input.method, headers: input.headers, body: input.body, duplex: 'half', ...init } as RequestInit);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface TestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, or undefined when there is none. */
  body: any;
}

export async function toTestResponse(response: Response): Promise<TestResponse> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? JSON.parse(text) : undefined };
}

export async function call(
  url: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; rawBody?: string; actor?: ActorName } = {},
): Promise<TestResponse> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.actor) headers[ACTOR_HEADER] = init.actor;
  let body: string | undefined = init.rawBody;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  return toTestResponse(await fetch(url + path, { method: init.method ?? 'GET', headers, body }));
}

/**
 * Sends one header on several lines, which fetch cannot do (its Headers joins them into one).
 * node:http writes each array element as its own header line.
 */
export function callWithRepeatedHeader(url: string, path: string, name: string, values: string[]): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + path, { method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const headers = new Headers();
        for (const [key, value] of Object.entries(res.headers)) if (typeof value === 'string') headers.set(key, value);
        resolve({ status: res.statusCode ?? 0, headers, text, body: text ? JSON.parse(text) : undefined });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setHeader(name, values);
    req.end();
  });
}

export { DAY_MS };
export { ACTORS, PROJECTS, T0, fixedClock, type ActorName, type Clock } from '../fixtures.js';
