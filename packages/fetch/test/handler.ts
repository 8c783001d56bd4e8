// The whole fetch test app as one (Request) => Response handler. No Node imports: the runtime
// matrix (examples/runtime-matrix) bundles it for Bun, Deno and workerd as well.
import { createFetchGuard, createFetchManagement, type RouteParams } from '@keyward/fetch';
import { guardOptionsFor, ACTOR_HEADER, GUARD_ROUTES, ORG_SETTINGS_PATH, orgActor, testActor, type TestAppSetup } from '@keyward/test-kit/http';

/** Matches `/projects/:projectId/data` against a path: the parameters, or null. */
function matchPattern(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i]!.startsWith(':')) params[want[i]!.slice(1)] = decodeURIComponent(got[i]!);
    else if (want[i] !== got[i]) return null;
  }
  return params;
}

/** The whole test app as one fetch handler, as a Worker, Bun.serve or Deno.serve would run it. */
export function buildHandler(setup: TestAppSetup): (request: Request) => Promise<Response> {
  const routes = GUARD_ROUTES.map((spec) => {
    const options = guardOptionsFor<{ request: Request; params: RouteParams }>(
      spec,
      setup,
      (name) => (ctx) => ctx.params[name],
      (name) => (ctx) => ctx.request.headers.get(name),
    );
    const { project, organization, refusalContext } = options;
    const guard = createFetchGuard({
      ...options,
      project: project && ((request, params) => project({ request, params })),
      organization: organization && ((request, params) => organization({ request, params })),
      refusalContext: refusalContext && ((request, params) => refusalContext({ request, params })),
    });
    return { pattern: spec.path, handler: guard.withToken((_request, token) => Response.json({ tokenId: token?.id, permissions: token?.permissions })) };
  });
  const management = createFetchManagement({
    ...setup.management,
    keyward: setup.keyward,
    basePath: '/settings',
    onError: setup.onError,
    getActor: (request) => testActor(setup, request.headers.get(ACTOR_HEADER) ?? undefined),
  });
  // Mounted under a route with its own parameter: getActor reads :orgId.
  const orgManagement = createFetchManagement({
    keyward: setup.keyward,
    basePath: ORG_SETTINGS_PATH,
    onError: setup.onError,
    getActor: (request, params) => orgActor(request.headers.get(ACTOR_HEADER) ?? undefined, params.orgId),
  });
  return async (request) => {
    const path = new URL(request.url).pathname;
    if (path.startsWith('/settings/')) return management(request);
    if (/^\/orgs\/[^/]+\/settings\//.test(path)) return orgManagement(request);
    for (const route of routes) {
      const params = matchPattern(route.pattern, path);
      if (params && request.method === 'GET') return route.handler(request, { params });
    }
    return new Response('not found', { status: 404 });
  };
}
