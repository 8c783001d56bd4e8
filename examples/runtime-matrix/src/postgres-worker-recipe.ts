import { createKeyward, type Keyward } from '@keyward/core';
import { createFetchGuard, createFetchManagement } from '@keyward/fetch';
import { postgresStore } from '@keyward/postgres';
import pg from 'pg';

interface Env {
  /** The Hyperdrive binding (wrangler.jsonc: "hyperdrive": [{ "binding": "HYPERDRIVE", "id": "…" }]). */
  HYPERDRIVE: { connectionString: string };
}

export const projects = new Map([['proj_web', { id: 'proj_web', organizationId: 'org_acme', name: 'Website' }]]);
const admin = { userId: 'u1', organizationId: 'org_acme', role: 'admin' } as const;

export async function handle(keyward: Keyward, request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname.startsWith('/settings/')) {
    // Your own session auth goes here; this demo trusts a header.
    const getActor = (request: Request) => (request.headers.get('x-demo-user') === 'admin' ? admin : null);
    return createFetchManagement({ keyward, basePath: '/settings', getActor })(request);
  }
  const projectId = /^\/projects\/([^/]+)\/builds$/.exec(pathname)?.[1];
  if (projectId === undefined) return new Response('Not found', { status: 404 });
  const guard = createFetchGuard<{ projectId: string }>({ keyward, project: (_request, params) => params.projectId });
  const result = await guard(request, { projectId });
  if (!result.ok) return result.response;
  return Response.json({ projectId, calledBy: result.token.name });
}

export default {
  async fetch(request: Request, env: Env, ctx: { waitUntil(promise: Promise<unknown>): void }): Promise<Response> {
    // Everything per request: in Workers a connection belongs to the request that opened it.
    // Hyperdrive keeps the real connections to PostgreSQL warm between requests.
    const pool = new pg.Pool({ connectionString: env.HYPERDRIVE.connectionString, max: 5, connectionTimeoutMillis: 5000 });
    // Ending the pool in workerd reports each socket's cancelled read here too: that one is expected.
    pool.on('error', (error) => void (pool.ending || console.error('PostgreSQL connection failed', error)));
    const keyward = createKeyward({ store: postgresStore({ pool }), resolveProject: (id) => projects.get(id) ?? null });
    try {
      return await handle(keyward, request);
    } finally {
      // After the response: record last-used times, then close the connections.
      ctx.waitUntil(keyward.close().finally(() => pool.end()));
    }
  },
};
