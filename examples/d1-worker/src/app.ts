import { createKeyward, type Actor, type Keyward, type ProjectInfo } from '@keyward/core';
import { d1Store, type D1DatabaseLike } from '@keyward/d1';
import { createFetchGuard, createFetchManagement } from '@keyward/fetch';
import { tokensPage } from './page.js';

/** What the Worker is given: the D1 database and its static files. */
export interface Env {
  DB: D1DatabaseLike;
  ASSETS: { fetch(request: Request): Promise<Response> };
}

// Stand-ins for the host app's own data: its projects and its signed-in users.
const PROJECTS: readonly ProjectInfo[] = [
  { id: 'proj_web', organizationId: 'org_acme', name: 'Website' },
  { id: 'proj_api', organizationId: 'org_acme', name: 'Public API' },
];
const SESSIONS: Readonly<Record<string, Actor>> = {
  'session-ada': { userId: 'u_ada', organizationId: 'org_acme', role: 'admin' },
  'session-bob': { userId: 'u_bob', organizationId: 'org_acme', role: 'member' },
};

/** The signed-in user, from the `session` cookie: a stand-in for the app's real session auth. */
function sessionActor(request: Request): Actor | null {
  const session = /(?:^|;\s*)session=([^;]+)/.exec(request.headers.get('cookie') ?? '')?.[1];
  return session !== undefined && Object.hasOwn(SESSIONS, session) ? SESSIONS[session]! : null;
}

/**
 * The Worker's request handler over one token service. Every isolate builds its own on its first
 * request; they all share the tokens through D1, and a deletion reaches every one at once (the
 * store reads D1's primary).
 */
export function buildApp(keyward: Keyward, env: Env): (request: Request) => Promise<Response> {
  const manage = createFetchManagement({ keyward, basePath: '/settings', getActor: sessionActor });
  const guard = createFetchGuard<{ projectId: string }>({ keyward, project: (_request, params) => params.projectId });
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/settings/tokens-page') {
      const actor = sessionActor(request);
      if (actor === null) return new Response('Sign in first', { status: 401 });
      return new Response(tokensPage(PROJECTS.filter((p) => p.organizationId === actor.organizationId)), { headers: { 'content-type': 'text/html; charset=utf-8' } });
    }
    if (pathname.startsWith('/settings/')) return manage(request);
    if (pathname.startsWith('/assets/')) return env.ASSETS.fetch(request);
    const projectId = /^\/projects\/([^/]+)\/builds$/.exec(pathname)?.[1];
    if (projectId === undefined) return new Response('Not found', { status: 404 });
    const result = await guard(request, { projectId });
    if (!result.ok) return result.response;
    return Response.json({ projectId, builds: [], calledBy: result.token.name });
  };
}

let handle: ((request: Request) => Promise<Response>) | undefined;

/** The one service of this isolate, built on the first request (Workers allow no I/O at global scope). */
export function app(env: Env): (request: Request) => Promise<Response> {
  return (handle ??= buildApp(
    createKeyward({ store: d1Store({ db: env.DB }), resolveProject: (id) => PROJECTS.find((p) => p.id === id) ?? null }),
    env,
  ));
}
