import type { ManagementRoute } from '@keyward/core/http';

export type RouteMatch =
  | { kind: 'route'; route: ManagementRoute; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string }
  | { kind: 'not-found' };

const NOT_FOUND: RouteMatch = Object.freeze({ kind: 'not-found' });

/** Path parameters of `pattern` (e.g. `/tokens/:id`) in `path`, or null when it does not match. */
function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i]!;
    const value = got[i]!;
    if (segment.startsWith(':')) {
      if (value === '') return null;
      try {
        params[segment.slice(1)] = decodeURIComponent(value);
      } catch {
        return null;
      }
    } else if (segment !== value) return null;
  }
  return params;
}

/**
 * Finds the management route for a method and a path relative to where the API is mounted.
 * Routes are tried in core's order, so `/tokens/expiration-preview` wins over `/tokens/:id`.
 * A trailing slash is ignored, as Express and Hono do.
 * @example matchRoute(MANAGEMENT_ROUTES, 'DELETE', '/tokens/tok_1') // { kind: 'route', params: { id: 'tok_1' }, … }
 */
export function matchRoute(routes: readonly ManagementRoute[], method: string, path: string): RouteMatch {
  const normalized = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, normalized);
    if (params === null) continue;
    if (route.method === method) return { kind: 'route', route, params };
    // Routes are ordered static-first, so a static route matching under another method must not
    // hide that `:id` matches this one (e.g. DELETE /tokens/expiration-preview).
    allowed.push(route.method);
  }
  return allowed.length === 0 ? NOT_FOUND : { kind: 'method-not-allowed', allow: [...new Set(allowed)].join(', ') };
}
