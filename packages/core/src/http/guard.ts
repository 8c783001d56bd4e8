import { ConfigurationError } from '../errors.js';
import { MAX_RATE_LIMIT } from '../limits.js';
import type { Keyward } from '../keyward.js';
import { requiredPermissionsProblem } from '../permissions.js';
import type { RouteTarget } from '../policy.js';
import type { AuthenticateOptions } from './authenticate.js';
import { DEFAULT_REALM, guardResponses, type GuardResponses } from './guard-responses.js';
import type { Refusal, RefusalAnswer } from './refusals.js';

/**
 * Reads an id from the framework's request (Hono Context, Express Request…). Anything but a
 * non-empty string counts as "no id" and is refused; arrays are accepted by the type only because
 * Express 5 types route parameters as `string | string[]` (wildcards).
 */
export type RouteIdReader<Ctx> = (ctx: Ctx) => string | readonly string[] | null | undefined;

/** The options every `requireToken()` takes; `Ctx` is the framework's request or context type. */
export interface GuardOptions<Ctx> {
  /** The token service, from `createKeyward()`. */
  keyward: Keyward;
  /**
   * The project the route belongs to, e.g. `(c) => c.req.param('projectId')`. Organization tokens
   * pass for any project of their organization; project tokens for their own project only.
   */
  project?: RouteIdReader<Ctx> | undefined;
  /** The organization the route belongs to. Project tokens are refused on organization routes. */
  organization?: RouteIdReader<Ctx> | undefined;
  /** An organization-level route without an id in the URL: only organization tokens pass. */
  organizationLevel?: boolean | undefined;
  /**
   * Permissions the token must hold, all of them (names from `createKeyward({ permissions })`).
   * A token in scope that lacks one is refused with 403 `insufficient_scope`, `scope="<missing>"`.
   */
  permissions?: readonly string[] | undefined;
  /**
   * What a request to this route takes from the token's rate limit and credits: a positive
   * integer, default 1 (e.g. 10 for an expensive export).
   */
  cost?: number | undefined;
  /** An extra header that may carry the bare token, e.g. `x-api-key`. `Authorization: Bearer` always works. */
  header?: string | undefined;
  /** The realm in `WWW-Authenticate` challenges: visible ASCII, spaces and tabs, without `"` or `\` (checked at construction). Default `api`. */
  realm?: string | undefined;
  /** Told why a request failed closed (store down, unreadable route id). Default: console.error. Never sees the token. */
  onError?: ((error: unknown) => void) | undefined;
  /**
   * `true`: a request without any credentials goes on without a token (the handler sees none);
   * credentials that are present but bad (malformed, unknown, expired, out of scope) or a store
   * that cannot answer are still refused. Default false.
   */
  optional?: boolean | undefined;
  /**
   * Told about every refusal: its code, status, the token's hint and id when known (never the
   * plaintext), the route's target and `refusalContext`'s value, e.g. to alert on floods of bad
   * tokens. Never called for a request that passes. A throw goes to onError and changes nothing.
   */
  onRefusal?: ((refusal: Refusal) => void) | undefined;
  /**
   * Replaces the answer to a refusal: returns `{ status?, headers?, body? }`, laid over the
   * guard's own answer (headers merged, so the `WWW-Authenticate` challenge stays unless
   * replaced). A throw or an unusable answer goes to onError and the guard's own answer is sent.
   */
  formatRefusal?: ((refusal: Refusal) => RefusalAnswer) | undefined;
  /** The host's own data about a refused request (e.g. the client IP), handed to the hooks as `context`. Called only on refusals. */
  refusalContext?: ((ctx: Ctx) => unknown) | undefined;
}

/** The parts of a Node `IncomingMessage` a guard reads credentials from. */
export interface IncomingHeaders {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  rawHeaders: readonly string[];
}

/** Whether raw header name `key` is `name` (lowercase), ignoring ASCII case, without allocating a lowercased copy. */
function isHeaderName(key: string, name: string): boolean {
  if (key.length !== name.length) return false;
  if (key === name) return true;
  for (let i = 0; i < name.length; i++) {
    const code = key.charCodeAt(i);
    // Only A–Z fold to a–z: a non-letter byte with 0x20 set must not match (e.g. '@' vs '`').
    if ((code >= 0x41 && code <= 0x5a ? code | 0x20 : code) !== name.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * A Node request header's value (`name` lowercase), with repeated headers joined by ", " as
 * fetch's Headers does, so Node servers see credentials exactly as fetch-based ones do.
 * Node keeps only the first of a repeated Authorization header; a second credential must not go
 * unnoticed here when a fetch Request (which joins them) would be refused.
 * @example incomingHeaderValue(req, 'authorization') // 'Bearer kw_…'
 */
export function incomingHeaderValue(req: IncomingHeaders, name: string): string | undefined {
  const value = req.headers[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.join(', ');
  const raw = req.rawHeaders;
  let joined: string | undefined;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (!isHeaderName(raw[i]!, name)) continue;
    seen++;
    joined = joined === undefined ? raw[i + 1]! : `${joined}, ${raw[i + 1]!}`;
  }
  // Node already joined the ones it joins; only a header it deduplicated has more raw lines than its value shows.
  return seen > 1 && joined !== undefined ? joined : (value as string);
}

/** Validated guard options, with everything a request needs precomputed. */
export interface Guard<Ctx> extends AuthenticateOptions {
  readonly keyward: Keyward;
  /** The extra token header, lowercased, or undefined. */
  readonly header: string | undefined;
  readonly responses: GuardResponses;
  readonly onError: (error: unknown) => void;
  readonly optional: boolean;
  readonly onRefusal: ((refusal: Refusal) => void) | undefined;
  readonly formatRefusal: ((refusal: Refusal) => RefusalAnswer) | undefined;
  readonly refusalContext: ((ctx: Ctx) => unknown) | undefined;
  /**
   * What the route belongs to, for `authenticate()`; null when a configured id reader returned
   * no id (a route without the parameter), which `authenticate()` refuses.
   */
  target(ctx: Ctx): RouteTarget | null;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ANY_ROUTE: RouteTarget = Object.freeze({});
const ORGANIZATION_ROUTE: RouteTarget = Object.freeze({ organizationLevel: true });

function defaultOnError(error: unknown): void {
  console.error('[keyward] request refused (fail closed):', error);
}

function idOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Chosen once, so a request runs one small function instead of re-deciding which ids apply. */
function targetReader<Ctx>(
  project: RouteIdReader<Ctx> | undefined,
  organization: RouteIdReader<Ctx> | undefined,
  organizationLevel: boolean,
  permissions: readonly string[] | undefined,
): (ctx: Ctx) => RouteTarget | null {
  if (project && organization) {
    return (ctx) => {
      const projectId = idOf(project(ctx));
      const organizationId = idOf(organization(ctx));
      return projectId && organizationId ? (permissions ? { projectId, organizationId, permissions } : { projectId, organizationId }) : null;
    };
  }
  if (project) {
    return (ctx) => {
      const projectId = idOf(project(ctx));
      return projectId ? (permissions ? { projectId, permissions } : { projectId }) : null;
    };
  }
  if (organization) {
    return (ctx) => {
      const organizationId = idOf(organization(ctx));
      return organizationId ? (permissions ? { organizationId, permissions } : { organizationId }) : null;
    };
  }
  if (permissions) {
    const target = Object.freeze(organizationLevel ? { organizationLevel: true, permissions } : { permissions });
    return () => target;
  }
  return organizationLevel ? () => ORGANIZATION_ROUTE : () => ANY_ROUTE;
}

/** A route's cost on every target it reads (routes without one keep the shared, allocation-free targets). */
function withCost<Ctx>(read: (ctx: Ctx) => RouteTarget | null, cost: number | undefined): (ctx: Ctx) => RouteTarget | null {
  if (cost === undefined || cost === 1) return read;
  return (ctx) => {
    const target = read(ctx);
    return target && { ...target, cost };
  };
}

/** The guard's required permissions, checked against the service's catalog: frozen, or undefined for none. */
function requiredPermissions(keyward: Keyward, permissions: unknown, fail: (message: string) => Error): readonly string[] | undefined {
  if (permissions === undefined) return undefined;
  const problem = requiredPermissionsProblem(permissions, new Set((keyward.permissions ?? []).map((p) => p.name)));
  if (problem !== null) throw fail(problem);
  return Object.freeze([...new Set(permissions as string[])]);
}

/**
 * Validates `requireToken()` options once and precomputes what each request needs. Bad options
 * throw ConfigurationError here, at startup, never on a request. `caller` names the function in messages.
 * @example
 * const guard = createGuard<Request>({ keyward, project: (req) => req.params.projectId }, 'requireToken');
 * const result = await authenticate(guard.keyward, { authorization: req.headers.authorization }, guard.target(req), guard, req);
 */
export function createGuard<Ctx>(options: GuardOptions<Ctx>, caller = 'requireToken'): Guard<Ctx> {
  const fail = (message: string) => new ConfigurationError(`${caller}(options): ${message}`);
  if (!options || typeof options !== 'object') throw fail('options must be an object');
  const {
    keyward,
    project,
    organization,
    organizationLevel = false,
    permissions,
    cost,
    header,
    realm = DEFAULT_REALM,
    onError = defaultOnError,
    optional = false,
    onRefusal,
    formatRefusal,
    refusalContext,
  } = options;
  if (!keyward || typeof keyward.verify !== 'function') throw fail('keyward must be the service returned by createKeyward()');
  if (project !== undefined && typeof project !== 'function') throw fail('project must be a function returning the route\'s project id');
  if (organization !== undefined && typeof organization !== 'function') {
    throw fail('organization must be a function returning the route\'s organization id');
  }
  if (typeof organizationLevel !== 'boolean') throw fail('organizationLevel must be a boolean');
  // A route cannot be both a project route and refuse project tokens; saying so is a config mistake.
  if (organizationLevel && project) throw fail('organizationLevel cannot be combined with project');
  const required = requiredPermissions(keyward, permissions, fail);
  if (cost !== undefined && (!Number.isSafeInteger(cost) || cost < 1 || cost > MAX_RATE_LIMIT)) {
    throw fail(`cost must be a positive integer (at most ${MAX_RATE_LIMIT}), got ${JSON.stringify(cost)}`);
  }
  if (header !== undefined && (typeof header !== 'string' || !HEADER_NAME.test(header))) {
    throw fail(`header must be an HTTP header name such as "x-api-key", got ${JSON.stringify(header)}`);
  }
  if (header?.toLowerCase() === 'authorization') throw fail('header must not be "authorization", which is always read');
  if (typeof onError !== 'function') throw fail('onError must be a function');
  if (typeof optional !== 'boolean') throw fail('optional must be a boolean');
  if (onRefusal !== undefined && typeof onRefusal !== 'function') throw fail('onRefusal must be a function (refusal) => void');
  if (formatRefusal !== undefined && typeof formatRefusal !== 'function') throw fail('formatRefusal must be a function (refusal) => { status?, headers?, body? }');
  if (refusalContext !== undefined && typeof refusalContext !== 'function') throw fail('refusalContext must be a function of the request');
  let responses: GuardResponses;
  try {
    responses = guardResponses(realm, header?.toLowerCase());
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
  return Object.freeze({
    keyward,
    header: header?.toLowerCase(),
    responses,
    onError,
    optional,
    onRefusal,
    formatRefusal,
    // Without a hook to hand it to, the context would be read for nothing.
    refusalContext: onRefusal === undefined && formatRefusal === undefined ? undefined : refusalContext,
    target: withCost(targetReader(project, organization, organizationLevel, required), cost),
  });
}
