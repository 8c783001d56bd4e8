// THE table of route-guard cases. Both the Express and the Hono suites run it over real HTTP,
// so "both middlewares give the same answers" is checked, not assumed.
import { ConfigurationError, memoryStore, type CreateTokenInput, type Keyward } from '@keyward/core';
import type { GuardOptions, Refusal, RouteIdReader } from '@keyward/core/http';
import { generateToken } from '@keyward/core/testing';
import { countingStore } from '../stores.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ACTORS,
  CLIENT_HEADER,
  DAY_MS,
  PERMISSION_CATALOG,
  REFUSAL_FORMATS,
  REALM,
  T0,
  call,
  callWithRepeatedHeader,
  fixedClock,

  testKeyward,
  type GuardRouteSpec,
  type RunningServer,
  type StartServer,
  type TestAppSetup,
  type TestResponse,
} from './harness.js';

interface Tokens {
  org: string;
  project: string;
  otherOrg: string;
  expired: string;
  deleted: string;
  unknown: string;
  down: string;
  /** Rolled with a 1h grace period: the old secret still verifies, and so does the new one. */
  rolledOld: string;
  rolledNew: string;
  /** Rolled with `now`: the old secret stopped at once. */
  rolledNowOld: string;
  rolledNowNew: string;
  /** Of the catalog keyward: an organization token holding builds:read only. */
  reader: string;
  /** builds:read and builds:write, for the whole organization. */
  builder: string;
  /** Every permission, for project proj_a1 only. */
  deployer: string;
  /** builds:read, of org_b. */
  otherReader: string;
  /** The reader of the catalog keyward, rolled with a 1h grace period. */
  readerRolledOld: string;
  /** Paused (enabled: false). */
  paused: string;
  /** 1 request a day, already made. */
  limited: string;
  /** 100 requests an hour, none made yet. */
  rated: string;
  /** 0 credits, no refill. */
  exhausted: string;
  /** 0 credits, refilled to 5 a day from the suite's instant. */
  refillable: string;
  /** 1000 credits. */
  credited: string;
  /** 7 credits: one request of cost 5 fits. */
  costly: string;
  /** 4 credits: a request of cost 5 does not fit. */
  costlyLow: string;
  ids: Record<'org' | 'project' | 'otherOrg' | 'rolled' | 'rolledNow' | 'reader' | 'builder' | 'deployer' | 'otherReader' | 'readerRolled' | 'rated' | 'credited' | 'costly', string>;
}

/** Every secret the suite made; no response may ever repeat one. */
function secretsOf(t: Tokens): string[] {
  const { unknown: _unknown, ids: _ids, ...secrets } = t;
  return Object.values(secrets);
}

export interface GuardCase {
  name: string;
  path: string;
  headers?: (t: Tokens) => Record<string, string>;
  /** Authorization sent as several header lines (node:http), which fetch cannot do. */
  repeatedAuthorization?: (t: Tokens) => string[];
  status: number;
  /** Exact WWW-Authenticate value, or null when there must be none. */
  wwwAuthenticate: string | null;
  /** Problem `code`, or null for a pass. */
  code: string | null;
  /** On a pass: which token the handler saw; 'nobody' for an optional guard let through without one. */
  passedAs?: keyof Tokens['ids'] | 'nobody';
  /** On a pass: the permissions the handler saw on the verified token (default null: no catalog). */
  permissions?: string[];
  /** A MISSING_PERMISSIONS refusal: the names the problem body lists, in the route's order. */
  missingPermissions?: string[];
  /** A host-formatted refusal (formatRefusal): the exact JSON body, sent as application/json. */
  body?: unknown;
  /** Headers that must be there with exactly these values (null: must be absent). */
  extraHeaders?: Record<string, string | null>;
  /** Headers whose value varies with time (a window's seconds left): must match. */
  headerPatterns?: Record<string, RegExp>;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const CHALLENGE = `Bearer realm="${REALM}"`;
const challenge = (error: string) => `Bearer realm="${REALM}", error="${error}"`;
/** RFC 6750 §3: the scope attribute names what the token lacks, space-separated. */
const lacking = (...names: string[]) => `Bearer realm="${REALM}", error="insufficient_scope", scope="${names.join(' ')}"`;

export const GUARD_CASES: readonly GuardCase[] = [
  { name: 'no credentials → 401 challenge without error', path: '/projects/proj_a1/data', status: 401, wwwAuthenticate: CHALLENGE, code: 'MISSING_CREDENTIALS' },
  { name: 'another scheme (Basic) counts as no credentials', path: '/projects/proj_a1/data', headers: () => ({ authorization: 'Basic dXNlcjpwYXNz' }), status: 401, wwwAuthenticate: CHALLENGE, code: 'MISSING_CREDENTIALS' },
  { name: 'Bearer without a token → 400', path: '/projects/proj_a1/data', headers: () => ({ authorization: 'Bearer' }), status: 400, wwwAuthenticate: challenge('invalid_request'), code: 'INVALID_REQUEST' },
  { name: 'two credentials in one header → 400', path: '/projects/proj_a1/data', headers: (t) => ({ authorization: `Bearer ${t.org}, Bearer ${t.project}` }), status: 400, wwwAuthenticate: challenge('invalid_request'), code: 'INVALID_REQUEST' },
  { name: 'a token followed by junk → 400', path: '/projects/proj_a1/data', headers: (t) => ({ authorization: `Bearer ${t.org} extra` }), status: 400, wwwAuthenticate: challenge('invalid_request'), code: 'INVALID_REQUEST' },
  { name: 'characters outside token68 → 400', path: '/projects/proj_a1/data', headers: () => ({ authorization: 'Bearer kw_abc!def' }), status: 400, wwwAuthenticate: challenge('invalid_request'), code: 'INVALID_REQUEST' },
  { name: 'credentials longer than 8 KiB → 400', path: '/projects/proj_a1/data', headers: () => bearer('a'.repeat(8200)), status: 400, wwwAuthenticate: challenge('invalid_request'), code: 'INVALID_REQUEST' },
  { name: 'Authorization repeated on two lines → 400', path: '/projects/proj_a1/data', repeatedAuthorization: (t) => [`Bearer ${t.org}`, `Bearer ${t.project}`], status: 400, wwwAuthenticate: challenge('invalid_request'), code: 'INVALID_REQUEST' },
  { name: 'a token that fails the format check → 401 invalid_token', path: '/projects/proj_a1/data', headers: () => bearer('kw_thisIsNotAValidTokenAtAllReally123456'), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'INVALID_TOKEN' },
  { name: 'a well-formed token nobody created → 401 invalid_token', path: '/projects/proj_a1/data', headers: (t) => bearer(t.unknown), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'INVALID_TOKEN' },
  { name: 'a deleted token → 401 invalid_token', path: '/projects/proj_a1/data', headers: (t) => bearer(t.deleted), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'INVALID_TOKEN' },
  { name: 'an expired token → 401 invalid_token, TOKEN_EXPIRED', path: '/projects/proj_a1/data', headers: (t) => bearer(t.expired), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'TOKEN_EXPIRED' },
  { name: 'a project token on another project → 403', path: '/projects/proj_a2/data', headers: (t) => bearer(t.project), status: 403, wwwAuthenticate: challenge('insufficient_scope'), code: 'INSUFFICIENT_SCOPE' },
  { name: "an organization token on another organization's project → 403", path: '/projects/proj_a1/data', headers: (t) => bearer(t.otherOrg), status: 403, wwwAuthenticate: challenge('insufficient_scope'), code: 'INSUFFICIENT_SCOPE' },
  { name: 'an organization token on another organization route → 403', path: '/orgs/org_b/data', headers: (t) => bearer(t.org), status: 403, wwwAuthenticate: challenge('insufficient_scope'), code: 'INSUFFICIENT_SCOPE' },
  { name: 'an organization token on a project that does not exist → 403', path: '/projects/proj_nope/data', headers: (t) => bearer(t.org), status: 403, wwwAuthenticate: challenge('insufficient_scope'), code: 'INSUFFICIENT_SCOPE' },
  { name: 'a project token on its organization route → 403', path: '/orgs/org_a/data', headers: (t) => bearer(t.project), status: 403, wwwAuthenticate: challenge('insufficient_scope'), code: 'INSUFFICIENT_SCOPE' },
  { name: 'a project token on an organizationLevel route → 403', path: '/org-data', headers: (t) => bearer(t.project), status: 403, wwwAuthenticate: challenge('insufficient_scope'), code: 'INSUFFICIENT_SCOPE' },
  { name: 'a route whose project id cannot be read refuses (fail closed) → 403', path: '/broken/data', headers: (t) => bearer(t.org), status: 403, wwwAuthenticate: challenge('insufficient_scope'), code: 'INSUFFICIENT_SCOPE' },
  { name: 'store unavailable → 503 with Retry-After, never a pass', path: '/down/projects/proj_a1/data', headers: (t) => bearer(t.down), status: 503, wwwAuthenticate: null, code: 'STORE_UNAVAILABLE' },
  { name: 'store unavailable, no credentials → 401 (nothing to check)', path: '/down/projects/proj_a1/data', status: 401, wwwAuthenticate: CHALLENGE, code: 'MISSING_CREDENTIALS' },
  { name: 'a project token on its project passes', path: '/projects/proj_a1/data', headers: (t) => bearer(t.project), status: 200, wwwAuthenticate: null, code: null, passedAs: 'project' },
  { name: 'an organization token on a project of its organization passes', path: '/projects/proj_a2/data', headers: (t) => bearer(t.org), status: 200, wwwAuthenticate: null, code: null, passedAs: 'org' },
  { name: 'an organization token on its organization route passes', path: '/orgs/org_a/data', headers: (t) => bearer(t.org), status: 200, wwwAuthenticate: null, code: null, passedAs: 'org' },
  { name: 'an organization token on an organizationLevel route passes', path: '/org-data', headers: (t) => bearer(t.org), status: 200, wwwAuthenticate: null, code: null, passedAs: 'org' },
  { name: 'any valid token passes a route without a target', path: '/any', headers: (t) => bearer(t.project), status: 200, wwwAuthenticate: null, code: null, passedAs: 'project' },
  { name: 'the scheme is case-insensitive', path: '/projects/proj_a1/data', headers: (t) => ({ authorization: `bEaReR ${t.project}` }), status: 200, wwwAuthenticate: null, code: null, passedAs: 'project' },
  { name: 'x-api-key carries the token on a route that accepts it', path: '/keyed/projects/proj_a1/data', headers: (t) => ({ 'x-api-key': t.project }), status: 200, wwwAuthenticate: null, code: null, passedAs: 'project' },
  { name: 'x-api-key and Authorization with the same token pass', path: '/keyed/projects/proj_a1/data', headers: (t) => ({ 'x-api-key': t.project, ...bearer(t.project) }), status: 200, wwwAuthenticate: null, code: null, passedAs: 'project' },
  { name: 'x-api-key and Authorization with different tokens → 400', path: '/keyed/projects/proj_a1/data', headers: (t) => ({ 'x-api-key': t.project, ...bearer(t.org) }), status: 400, wwwAuthenticate: challenge('invalid_request'), code: 'INVALID_REQUEST' },
  { name: 'x-api-key with a space in it → 400', path: '/keyed/projects/proj_a1/data', headers: (t) => ({ 'x-api-key': `Bearer ${t.project}` }), status: 400, wwwAuthenticate: challenge('invalid_request'), code: 'INVALID_REQUEST' },
  { name: 'x-api-key with a deleted token → 401 invalid_token', path: '/keyed/projects/proj_a1/data', headers: (t) => ({ 'x-api-key': t.deleted }), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'INVALID_TOKEN' },
  { name: 'x-api-key is ignored on a route that does not accept it', path: '/projects/proj_a1/data', headers: (t) => ({ 'x-api-key': t.project }), status: 401, wwwAuthenticate: CHALLENGE, code: 'MISSING_CREDENTIALS' },

  // optional: true — no credentials at all goes on without a token; anything present is judged as usual.
  { name: 'optional: no credentials → passes without a token', path: '/optional/projects/proj_a1/data', status: 200, wwwAuthenticate: null, code: null, passedAs: 'nobody' },
  { name: 'optional: another scheme (Basic) counts as no credentials → passes without a token', path: '/optional/projects/proj_a1/data', headers: () => ({ authorization: 'Basic dXNlcjpwYXNz' }), status: 200, wwwAuthenticate: null, code: null, passedAs: 'nobody' },
  { name: 'optional: a valid token passes with the token', path: '/optional/projects/proj_a1/data', headers: (t) => bearer(t.project), status: 200, wwwAuthenticate: null, code: null, passedAs: 'project' },
  { name: 'optional: Bearer without a token → still 400', path: '/optional/projects/proj_a1/data', headers: () => ({ authorization: 'Bearer' }), status: 400, wwwAuthenticate: challenge('invalid_request'), code: 'INVALID_REQUEST' },
  { name: 'optional: two credentials → still 400', path: '/optional/projects/proj_a1/data', headers: (t) => ({ authorization: `Bearer ${t.org}, Bearer ${t.project}` }), status: 400, wwwAuthenticate: challenge('invalid_request'), code: 'INVALID_REQUEST' },
  { name: 'optional: a token that fails the format check → still 401', path: '/optional/projects/proj_a1/data', headers: () => bearer('kw_thisIsNotAValidTokenAtAllReally123456'), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'INVALID_TOKEN' },
  { name: 'optional: a deleted token → still 401', path: '/optional/projects/proj_a1/data', headers: (t) => bearer(t.deleted), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'INVALID_TOKEN' },
  { name: 'optional: an expired token → still 401 TOKEN_EXPIRED', path: '/optional/projects/proj_a1/data', headers: (t) => bearer(t.expired), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'TOKEN_EXPIRED' },
  { name: 'optional: a token out of scope → still 403', path: '/optional/projects/proj_a2/data', headers: (t) => bearer(t.project), status: 403, wwwAuthenticate: challenge('insufficient_scope'), code: 'INSUFFICIENT_SCOPE' },
  { name: 'optional: store unavailable with a token → still 503, never a pass', path: '/down/optional/projects/proj_a1/data', headers: (t) => bearer(t.down), status: 503, wwwAuthenticate: null, code: 'STORE_UNAVAILABLE' },
  { name: 'optional: store unavailable, no credentials → passes without a token (nothing to check)', path: '/down/optional/projects/proj_a1/data', status: 200, wwwAuthenticate: null, code: null, passedAs: 'nobody' },

  // formatRefusal — the host's answer laid over the guard's: its body, the guard's protocol headers kept.
  { name: 'formatRefusal: no credentials → the host body, the challenge kept', path: '/formatted/projects/proj_a1/data', status: 401, wwwAuthenticate: CHALLENGE, code: 'MISSING_CREDENTIALS', body: { error: 'MISSING_CREDENTIALS', status: 401 }, extraHeaders: { 'x-refusal-code': 'MISSING_CREDENTIALS' } },
  { name: 'formatRefusal: malformed credentials → the host body, invalid_request kept', path: '/formatted/projects/proj_a1/data', headers: () => ({ authorization: 'Bearer' }), status: 400, wwwAuthenticate: challenge('invalid_request'), code: 'INVALID_REQUEST', body: { error: 'INVALID_REQUEST', status: 400 } },
  { name: 'formatRefusal: an expired token → the host body, invalid_token kept', path: '/formatted/projects/proj_a1/data', headers: (t) => bearer(t.expired), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'TOKEN_EXPIRED', body: { error: 'TOKEN_EXPIRED', status: 401 } },
  { name: 'formatRefusal: store unavailable → the host body, Retry-After kept', path: '/formatted/down/projects/proj_a1/data', headers: (t) => bearer(t.down), status: 503, wwwAuthenticate: null, code: 'STORE_UNAVAILABLE', body: { error: 'STORE_UNAVAILABLE', status: 503 } },
  { name: 'formatRefusal: a valid token passes, the formatter plays no part', path: '/formatted/projects/proj_a1/data', headers: (t) => bearer(t.project), status: 200, wwwAuthenticate: null, code: null, passedAs: 'project' },
  { name: 'formatRefusal: a host may answer 404 and replace the challenge', path: '/hidden/projects/proj_a2/data', headers: (t) => bearer(t.project), status: 404, wwwAuthenticate: 'Bearer realm="hidden"', code: 'INSUFFICIENT_SCOPE', body: { error: 'not found' } },
  { name: 'formatRefusal: headers only → the problem body kept, the header added', path: '/hidden/projects/proj_a1/data', status: 401, wwwAuthenticate: CHALLENGE, code: 'MISSING_CREDENTIALS', extraHeaders: { 'x-refusal-code': 'MISSING_CREDENTIALS' } },
  { name: 'formatRefusal answering what cannot be a refusal (200) → the guard\'s own 401', path: '/badly-formatted/projects/proj_a1/data', status: 401, wwwAuthenticate: CHALLENGE, code: 'MISSING_CREDENTIALS' },
  { name: 'formatRefusal answering 200 never lets a bad token through', path: '/badly-formatted/projects/proj_a1/data', headers: (t) => bearer(t.expired), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'TOKEN_EXPIRED' },

  // roll — the old secret verifies during its grace period only; the new one from the start.
  { name: 'rolled with a grace period: the old secret still passes', path: '/projects/proj_a1/data', headers: (t) => bearer(t.rolledOld), status: 200, wwwAuthenticate: null, code: null, passedAs: 'rolled' },
  { name: 'rolled with a grace period: the new secret passes, as the same token', path: '/projects/proj_a1/data', headers: (t) => bearer(t.rolledNew), status: 200, wwwAuthenticate: null, code: null, passedAs: 'rolled' },
  { name: 'rolled with now: the old secret → 401 invalid_token', path: '/projects/proj_a1/data', headers: (t) => bearer(t.rolledNowOld), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'INVALID_TOKEN' },
  { name: 'rolled with now: the new secret passes', path: '/projects/proj_a1/data', headers: (t) => bearer(t.rolledNowNew), status: 200, wwwAuthenticate: null, code: null, passedAs: 'rolledNow' },
  { name: 'optional: a rolled-away secret (now) is bad credentials → still 401', path: '/optional/projects/proj_a1/data', headers: (t) => bearer(t.rolledNowOld), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'INVALID_TOKEN' },

  // permissions — all required; checked after the project/organization scope, which keeps its own answer.
  { name: 'permissions: a token holding the one required passes; the handler sees its permissions', path: '/perm/projects/proj_a1/builds', headers: (t) => bearer(t.reader), status: 200, wwwAuthenticate: null, code: null, passedAs: 'reader', permissions: ['builds:read'] },
  { name: 'permissions: a token holding more than required passes', path: '/perm/projects/proj_a1/builds', headers: (t) => bearer(t.builder), status: 200, wwwAuthenticate: null, code: null, passedAs: 'builder', permissions: ['builds:read', 'builds:write'] },
  { name: 'permissions: a token holding both required passes', path: '/perm/projects/proj_a1/deploys', headers: (t) => bearer(t.deployer), status: 200, wwwAuthenticate: null, code: null, passedAs: 'deployer', permissions: ['builds:read', 'builds:write', 'deploys:write'] },
  { name: 'permissions: lacking one → 403 insufficient_scope, scope="<the missing one>", MISSING_PERMISSIONS', path: '/perm/projects/proj_a1/deploys', headers: (t) => bearer(t.builder), status: 403, wwwAuthenticate: lacking('deploys:write'), code: 'MISSING_PERMISSIONS', missingPermissions: ['deploys:write'] },
  { name: 'permissions: lacking two → both named in scope and body', path: '/perm/projects/proj_a1/deploys', headers: (t) => bearer(t.reader), status: 403, wwwAuthenticate: lacking('builds:write', 'deploys:write'), code: 'MISSING_PERMISSIONS', missingPermissions: ['builds:write', 'deploys:write'] },
  { name: 'permissions on an organization route: the right organization and permission pass', path: '/perm/orgs/org_a/builds', headers: (t) => bearer(t.reader), status: 200, wwwAuthenticate: null, code: null, passedAs: 'reader', permissions: ['builds:read'] },
  { name: 'permissions on an organization-level route: an organization token with it passes', path: '/perm/org-builds', headers: (t) => bearer(t.reader), status: 200, wwwAuthenticate: null, code: null, passedAs: 'reader', permissions: ['builds:read'] },
  { name: 'permissions on a route without scope: a token with it passes', path: '/perm/any/builds', headers: (t) => bearer(t.otherReader), status: 200, wwwAuthenticate: null, code: null, passedAs: 'otherReader', permissions: ['builds:read'] },
  { name: 'permissions + scope: a project token on another project → INSUFFICIENT_SCOPE 403, no scope=', path: '/perm/projects/proj_a2/deploys', headers: (t) => bearer(t.deployer), status: 403, wwwAuthenticate: challenge('insufficient_scope'), code: 'INSUFFICIENT_SCOPE' },
  { name: "permissions + scope: another organization's token holding the permission → INSUFFICIENT_SCOPE 403", path: '/perm/projects/proj_a1/builds', headers: (t) => bearer(t.otherReader), status: 403, wwwAuthenticate: challenge('insufficient_scope'), code: 'INSUFFICIENT_SCOPE' },
  { name: 'permissions + scope: out of scope and lacking permissions → the scope answer wins', path: '/perm/projects/proj_a2/deploys', headers: (t) => bearer(t.otherReader), status: 403, wwwAuthenticate: challenge('insufficient_scope'), code: 'INSUFFICIENT_SCOPE' },
  { name: 'permissions + scope: a project token on an organization route → INSUFFICIENT_SCOPE 403', path: '/perm/orgs/org_a/builds', headers: (t) => bearer(t.deployer), status: 403, wwwAuthenticate: challenge('insufficient_scope'), code: 'INSUFFICIENT_SCOPE' },
  { name: 'permissions + scope: a project token on an organization-level route → INSUFFICIENT_SCOPE 403', path: '/perm/org-builds', headers: (t) => bearer(t.deployer), status: 403, wwwAuthenticate: challenge('insufficient_scope'), code: 'INSUFFICIENT_SCOPE' },
  { name: 'permissions: no credentials → 401 challenge, nothing about permissions', path: '/perm/projects/proj_a1/builds', status: 401, wwwAuthenticate: CHALLENGE, code: 'MISSING_CREDENTIALS' },
  { name: 'permissions: a rolled token keeps its permissions; its old secret passes during the grace period', path: '/perm/projects/proj_a1/builds', headers: (t) => bearer(t.readerRolledOld), status: 200, wwwAuthenticate: null, code: null, passedAs: 'readerRolled', permissions: ['builds:read'] },
  { name: 'permissions: a rolled old secret lacking a permission → 403 MISSING_PERMISSIONS', path: '/perm/projects/proj_a1/deploys', headers: (t) => bearer(t.readerRolledOld), status: 403, wwwAuthenticate: lacking('builds:write', 'deploys:write'), code: 'MISSING_PERMISSIONS', missingPermissions: ['builds:write', 'deploys:write'] },
  { name: 'formatRefusal + permissions: the host body, the scope="<missing>" challenge kept', path: '/perm/formatted/projects/proj_a1/deploys', headers: (t) => bearer(t.builder), status: 403, wwwAuthenticate: lacking('deploys:write'), code: 'MISSING_PERMISSIONS', body: { error: 'MISSING_PERMISSIONS', status: 403 }, extraHeaders: { 'x-refusal-code': 'MISSING_PERMISSIONS' } },
  { name: 'optional + permissions: no credentials → passes without a token', path: '/perm/optional/projects/proj_a1/builds', status: 200, wwwAuthenticate: null, code: null, passedAs: 'nobody' },
  { name: 'optional + permissions: a token holding it passes', path: '/perm/optional/projects/proj_a1/builds', headers: (t) => bearer(t.builder), status: 200, wwwAuthenticate: null, code: null, passedAs: 'builder', permissions: ['builds:read', 'builds:write'] },
  { name: 'optional + permissions: a token lacking it → still 403 MISSING_PERMISSIONS', path: '/perm/optional/projects/proj_a1/builds', headers: (t) => bearer(t.reader), status: 403, wwwAuthenticate: lacking('builds:write'), code: 'MISSING_PERMISSIONS', missingPermissions: ['builds:write'] },

  // limits (issue #23) — pause, rate limit, credits; RateLimit fields of draft-ietf-httpapi-ratelimit-headers-10.
  { name: 'a paused token → 401 invalid_token, TOKEN_DISABLED', path: '/projects/proj_a1/data', headers: (t) => bearer(t.paused), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'TOKEN_DISABLED' },
  { name: 'optional: a paused token → still 401 TOKEN_DISABLED', path: '/optional/projects/proj_a1/data', headers: (t) => bearer(t.paused), status: 401, wwwAuthenticate: challenge('invalid_token'), code: 'TOKEN_DISABLED' },
  {
    name: 'over its rate limit → 429 RATE_LIMITED, Retry-After, RateLimit-Policy and RateLimit',
    path: '/projects/proj_a1/data',
    headers: (t) => bearer(t.limited),
    status: 429,
    wwwAuthenticate: null,
    code: 'RATE_LIMITED',
    extraHeaders: { 'ratelimit-policy': '"rate";q=1;w=86400' },
    headerPatterns: { 'retry-after': /^\d+$/, ratelimit: /^"rate";r=0;t=\d+$/ },
  },
  {
    name: 'within its rate limit → passes, with RateLimit-Policy and RateLimit',
    path: '/projects/proj_a1/data',
    headers: (t) => bearer(t.rated),
    status: 200,
    wwwAuthenticate: null,
    code: null,
    passedAs: 'rated',
    extraHeaders: { 'ratelimit-policy': '"rate";q=100;w=3600' },
    headerPatterns: { ratelimit: /^"rate";r=99;t=\d+$/ },
  },
  { name: 'credits used up, no refill → 429 USAGE_EXHAUSTED without Retry-After', path: '/projects/proj_a1/data', headers: (t) => bearer(t.exhausted), status: 429, wwwAuthenticate: null, code: 'USAGE_EXHAUSTED', extraHeaders: { 'retry-after': null, 'ratelimit-policy': null, ratelimit: '"credits";r=0' } },
  {
    name: 'credits used up, a refill due in a day → 429 USAGE_EXHAUSTED, Retry-After 86400',
    path: '/projects/proj_a1/data',
    headers: (t) => bearer(t.refillable),
    status: 429,
    wwwAuthenticate: null,
    code: 'USAGE_EXHAUSTED',
    extraHeaders: { 'retry-after': '86400', 'ratelimit-policy': '"credits";q=5;w=86400', ratelimit: '"credits";r=0;t=86400' },
  },
  { name: 'with credits → passes, RateLimit says what is left', path: '/projects/proj_a1/data', headers: (t) => bearer(t.credited), status: 200, wwwAuthenticate: null, code: null, passedAs: 'credited', extraHeaders: { ratelimit: '"credits";r=999', 'ratelimit-policy': null } },
  { name: 'a route of cost 5 takes 5 credits', path: '/costly/projects/proj_a1/data', headers: (t) => bearer(t.costly), status: 200, wwwAuthenticate: null, code: null, passedAs: 'costly', extraHeaders: { ratelimit: '"credits";r=2' } },
  { name: 'a route of cost 5 with 4 credits left → 429 USAGE_EXHAUSTED, none taken', path: '/costly/projects/proj_a1/data', headers: (t) => bearer(t.costlyLow), status: 429, wwwAuthenticate: null, code: 'USAGE_EXHAUSTED', extraHeaders: { ratelimit: '"credits";r=4' } },
  { name: 'a token without limits passes without RateLimit fields', path: '/projects/proj_a1/data', headers: (t) => bearer(t.project), status: 200, wwwAuthenticate: null, code: null, passedAs: 'project', extraHeaders: { ratelimit: null, 'ratelimit-policy': null } },
];

/** What the throwing observed route's hooks throw, so the suite can find them in onError. */
export const HOOK_FAILURE = 'refusal hook failed on purpose';

/**
 * Turns a route spec into requireToken options, given how the framework reads a path parameter
 * and a request header (the observed routes hand CLIENT_HEADER to onRefusal as the context).
 */
export function guardOptionsFor<Ctx>(
  spec: GuardRouteSpec,
  setup: TestAppSetup,
  param: (name: string) => RouteIdReader<Ctx>,
  header: (name: string) => (ctx: Ctx) => string | null | undefined,
): GuardOptions<Ctx> {
  const throwing = spec.observed === 'throwing';
  const client = header(CLIENT_HEADER);
  return {
    keyward: spec.down ? setup.downKeyward : spec.permissions ? setup.catalogKeyward : setup.keyward,
    realm: REALM,
    onError: setup.onError,
    project: spec.project ? param(spec.project) : undefined,
    organization: spec.organization ? param(spec.organization) : undefined,
    organizationLevel: spec.organizationLevel,
    header: spec.header,
    optional: spec.optional,
    cost: spec.cost,
    permissions: spec.permissions,
    formatRefusal: spec.format ? REFUSAL_FORMATS[spec.format] : undefined,
    onRefusal: !spec.observed
      ? undefined
      : throwing
        ? () => {
            throw new Error(`onRefusal: ${HOOK_FAILURE}`);
          }
        : (refusal) => setup.onRefusal?.(refusal),
    refusalContext: !spec.observed
      ? undefined
      : throwing
        ? () => {
            throw new Error(`refusalContext: ${HOOK_FAILURE}`);
          }
        : (ctx) => client(ctx),
  };
}

async function createTokens(keyward: Keyward, downKeyward: Keyward, catalogKeyward: Keyward, setClock: (at: number) => void): Promise<Tokens> {
  const org = await keyward.create(ACTORS.owner, { name: 'org', scope: { kind: 'organization' }, expiresIn: 'never' });
  const project = await keyward.create(ACTORS.owner, { name: 'project', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: '90d' });
  const otherOrg = await keyward.create(ACTORS.otherAdmin, { name: 'other', scope: { kind: 'organization' }, expiresIn: 'never' });
  const expired = await keyward.create(ACTORS.owner, { name: 'expiring', scope: { kind: 'organization' }, expiresIn: '1d' });
  const deleted = await keyward.create(ACTORS.owner, { name: 'deleted', scope: { kind: 'organization' }, expiresIn: 'never' });
  await keyward.delete(ACTORS.owner, deleted.token.id);
  const rolled = await keyward.create(ACTORS.owner, { name: 'rolled', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: '90d' });
  const rolledNow = await keyward.create(ACTORS.owner, { name: 'rolled now', scope: { kind: 'organization' }, expiresIn: 'never' });
  const down = await downKeyward.create(ACTORS.owner, { name: 'down', scope: { kind: 'organization' }, expiresIn: 'never' });
  const orgScope = { kind: 'organization' } as const;
  const reader = await catalogKeyward.create(ACTORS.owner, { name: 'reader', scope: orgScope, expiresIn: 'never', permissions: ['builds:read'] });
  const builder = await catalogKeyward.create(ACTORS.owner, { name: 'builder', scope: orgScope, expiresIn: 'never', permissions: ['builds:write', 'builds:read'] });
  const deployer = await catalogKeyward.create(ACTORS.owner, {
    name: 'deployer',
    scope: { kind: 'project', projectId: 'proj_a1' },
    expiresIn: '90d',
    permissions: ['deploys:write', 'builds:read', 'builds:write'],
  });
  const otherReader = await catalogKeyward.create(ACTORS.otherAdmin, { name: 'reader', scope: orgScope, expiresIn: 'never', permissions: ['builds:read'] });
  const readerRolled = await catalogKeyward.create(ACTORS.owner, { name: 'reader rolled', scope: orgScope, expiresIn: 'never', permissions: ['builds:read'] });
  // Two days on: the 1-day token has expired, the 90-day one has not.
  setClock(T0 + 2 * DAY_MS);
  // Rolled at the suite's instant, so their grace periods are running for every row.
  const rolledNew = await keyward.roll(ACTORS.owner, rolled.token.id, { previousSecretExpiresIn: '1h' });
  const rolledNowNew = await keyward.roll(ACTORS.owner, rolledNow.token.id, { previousSecretExpiresIn: 'now' });
  await catalogKeyward.roll(ACTORS.owner, readerRolled.token.id, { previousSecretExpiresIn: '24h' });
  const limit = (name: string, fields: Pick<CreateTokenInput, 'rateLimit' | 'remaining' | 'refill'>) => keyward.create(ACTORS.owner, { name, scope: orgScope, expiresIn: 'never', ...fields });
  const paused = await limit('paused', {});
  await keyward.update(ACTORS.owner, paused.token.id, { enabled: false });
  const limited = await limit('limited', { rateLimit: { limit: 1, window: '1d' } });
  expect((await keyward.verify(limited.plaintext)).ok).toBe(true);
  const rated = await limit('rated', { rateLimit: { limit: 100, window: '1h' } });
  const exhausted = await limit('exhausted', { remaining: 0 });
  const refillable = await limit('refillable', { remaining: 0, refill: { amount: 5, interval: '1d' } });
  const credited = await limit('credited', { remaining: 1000 });
  const costly = await limit('costly', { remaining: 7 });
  const costlyLow = await limit('costly low', { remaining: 4 });
  return {
    paused: paused.plaintext,
    limited: limited.plaintext,
    rated: rated.plaintext,
    exhausted: exhausted.plaintext,
    refillable: refillable.plaintext,
    credited: credited.plaintext,
    costly: costly.plaintext,
    costlyLow: costlyLow.plaintext,
    org: org.plaintext,
    project: project.plaintext,
    otherOrg: otherOrg.plaintext,
    expired: expired.plaintext,
    deleted: deleted.plaintext,
    unknown: generateToken('kw'),
    down: down.plaintext,
    rolledOld: rolled.plaintext,
    rolledNew: rolledNew.plaintext,
    rolledNowOld: rolledNow.plaintext,
    rolledNowNew: rolledNowNew.plaintext,
    reader: reader.plaintext,
    builder: builder.plaintext,
    deployer: deployer.plaintext,
    otherReader: otherReader.plaintext,
    readerRolledOld: readerRolled.plaintext,
    ids: {
      org: org.token.id,
      project: project.token.id,
      otherOrg: otherOrg.token.id,
      rolled: rolled.token.id,
      rolledNow: rolledNow.token.id,
      reader: reader.token.id,
      builder: builder.token.id,
      deployer: deployer.token.id,
      otherReader: otherReader.token.id,
      readerRolled: readerRolled.token.id,
      rated: rated.token.id,
      credited: credited.token.id,
      costly: costly.token.id,
    },
  };
}

/** The framework's own guard factory (`requireToken`, `createFetchGuard`), given options every framework reads alike. */
export type MakeGuard = (options: Pick<GuardOptions<never>, 'keyward' | 'permissions' | 'realm'>) => unknown;

/** What `fn` threw, or undefined (mini-vitest, which runs these tables on other runtimes, has no toThrow). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * Runs GUARD_CASES against a server built by `start`. The server must mount GUARD_ROUTES with
 * `guardOptionsFor()` and answer a pass with 200 `{ tokenId, permissions }` of the verified token.
 * `makeGuard`, when given, is checked to refuse bad permission options at construction.
 */
export function describeGuardCases(framework: string, start: StartServer, makeGuard?: MakeGuard): void {
  describe(`${framework} requireToken (shared case table)`, () => {
    const clock = fixedClock();
    const keyward = testKeyward({ clock });
    const downStore = countingStore(memoryStore());
    const downKeyward = testKeyward({ store: downStore, clock });
    const catalogKeyward = testKeyward({ clock, permissions: PERMISSION_CATALOG });
    const errors: unknown[] = [];
    const refusals: Refusal[] = [];
    let server: RunningServer;
    let tokens: Tokens;

    beforeAll(async () => {
      tokens = await createTokens(keyward, downKeyward, catalogKeyward, clock.set);
      downStore.down = true;
      server = await start({ keyward, downKeyward, catalogKeyward, onError: (error) => errors.push(error), onRefusal: (refusal) => refusals.push(refusal) });
    });

    afterAll(async () => {
      await server?.close();
      await keyward.close();
      downStore.down = false;
      await downKeyward.close();
      await catalogKeyward.close();
    });

    test.each(GUARD_CASES)('$name', async (c) => {
      const response: TestResponse = c.repeatedAuthorization
        ? await callWithRepeatedHeader(server.url, c.path, 'authorization', c.repeatedAuthorization(tokens))
        : await call(server.url, c.path, { headers: c.headers?.(tokens) });

      expect(response.status).toBe(c.status);
      expect(response.headers.get('www-authenticate')).toBe(c.wwwAuthenticate);
      for (const [name, value] of Object.entries(c.extraHeaders ?? {})) expect(response.headers.get(name), name).toBe(value);
      for (const [name, pattern] of Object.entries(c.headerPatterns ?? {})) expect(response.headers.get(name), name).toMatch(pattern);
      if (c.code === null) {
        // JSON drops an undefined tokenId: a handler behind an optional guard saw no token.
        expect(response.body).toEqual(c.passedAs === 'nobody' ? {} : { tokenId: tokens.ids[c.passedAs!], permissions: c.permissions ?? null });
      } else if (c.body !== undefined) {
        expect(response.headers.get('content-type')).toBe('application/json');
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(response.body).toEqual(c.body);
      } else {
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(response.body).toMatchObject({ type: 'about:blank', status: c.status, code: c.code });
        expect(response.body.title).toEqual(expect.any(String));
        expect(response.body.detail).toEqual(expect.any(String));
        if (c.missingPermissions) expect(response.body.missingPermissions).toEqual(c.missingPermissions);
        else expect(response.body).not.toHaveProperty('missingPermissions');
      }
      if (c.status !== 429) expect(response.headers.get('retry-after')).toBe(c.status === 503 ? '5' : null);
      // A refusal says exactly what it is: no browser may sniff another type out of it.
      if (c.code !== null) expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      // Whatever happens, a response never repeats a token back.
      for (const secret of secretsOf(tokens)) expect(response.text).not.toContain(secret);
    });

    test('a store outage reaches onError, without the plaintext token', async () => {
      errors.length = 0;
      const response = await call(server.url, '/down/projects/proj_a1/data', { headers: bearer(tokens.down) });
      expect(response.status).toBe(503);
      expect(errors).toHaveLength(1);
      expect((errors[0] as Error).name).toBe('StoreUnavailableError');
      expect(String(errors[0]) + JSON.stringify(errors[0])).not.toContain(tokens.down);
    });

    test('onRefusal is told every refusal (code, status, hint, target, the host context), never a pass, never the plaintext', async () => {
      refusals.length = 0;
      const observed = '/observed/projects/proj_a1/data';
      const client = (name: string, headers: Record<string, string> = {}) => ({ headers: { [CLIENT_HEADER]: name, ...headers } });
      await call(server.url, observed, client('c1'));
      await call(server.url, observed, client('c2', { authorization: 'Bearer' }));
      await call(server.url, observed, client('c3', bearer(tokens.unknown)));
      await call(server.url, observed, client('c4', bearer(tokens.expired)));
      await call(server.url, '/observed/projects/proj_a2/data', client('c5', bearer(tokens.project)));
      await call(server.url, '/observed/down/projects/proj_a1/data', client('c6', bearer(tokens.down)));
      const passed = await call(server.url, observed, client('ok', bearer(tokens.project)));
      const optional = await call(server.url, '/observed/optional/projects/proj_a1/data', client('anonymous'));
      expect([passed.status, optional.status]).toEqual([200, 200]);

      const target = { projectId: 'proj_a1' };
      const hint = (token: string) => token.slice(0, 'kw_'.length + 4);
      expect(refusals.map(({ response: _response, ...rest }) => rest)).toEqual([
        { code: 'MISSING_CREDENTIALS', status: 401, target, context: 'c1' },
        { code: 'INVALID_REQUEST', status: 400, reason: 'EMPTY_TOKEN', target, context: 'c2' },
        { code: 'INVALID_TOKEN', status: 401, tokenHint: hint(tokens.unknown), target, context: 'c3' },
        // Once the token was found, its id comes along too (never for unknown tokens).
        { code: 'TOKEN_EXPIRED', status: 401, tokenHint: hint(tokens.expired), tokenId: expect.stringMatching(/^tok_/), target, context: 'c4' },
        { code: 'INSUFFICIENT_SCOPE', status: 403, tokenHint: hint(tokens.project), tokenId: expect.stringMatching(/^tok_/), target: { projectId: 'proj_a2' }, context: 'c5' },
        { code: 'STORE_UNAVAILABLE', status: 503, target, context: 'c6' },
      ]);
      // The refusal's response is the one the client got.
      expect(refusals[3]!.response).toMatchObject({ status: 401, body: { code: 'TOKEN_EXPIRED' } });
      const seen = JSON.stringify(refusals);
      for (const secret of [tokens.unknown, tokens.expired, tokens.project, tokens.down]) expect(seen).not.toContain(secret);
    });

    test('onRefusal is told a permission refusal: the token, the target with the permissions required, the answer naming what is missing', async () => {
      refusals.length = 0;
      const path = '/perm/observed/projects/proj_a1/deploys';
      await call(server.url, path, { headers: { [CLIENT_HEADER]: 'p1', ...bearer(tokens.reader) } });
      await call(server.url, path, { headers: { [CLIENT_HEADER]: 'p2', ...bearer(tokens.deployer) } });
      await call(server.url, '/perm/observed/projects/proj_a2/deploys', { headers: { [CLIENT_HEADER]: 'p3', ...bearer(tokens.deployer) } });
      const required = ['builds:write', 'deploys:write'];
      expect(refusals.map(({ response: _response, ...rest }) => rest)).toEqual([
        { code: 'MISSING_PERMISSIONS', status: 403, tokenHint: tokens.reader.slice(0, 7), tokenId: tokens.ids.reader, target: { projectId: 'proj_a1', permissions: required }, context: 'p1' },
        { code: 'INSUFFICIENT_SCOPE', status: 403, tokenHint: tokens.deployer.slice(0, 7), tokenId: tokens.ids.deployer, target: { projectId: 'proj_a2', permissions: required }, context: 'p3' },
      ]);
      expect(refusals[0]!.response).toMatchObject({ status: 403, body: { code: 'MISSING_PERMISSIONS', missingPermissions: required } });
      expect(JSON.stringify(refusals)).not.toContain(tokens.reader);
    });

    test('hooks that throw change no answer and reach onError', async () => {
      errors.length = 0;
      const plain = await call(server.url, '/projects/proj_a1/data', { headers: bearer(tokens.expired) });
      const throwing = await call(server.url, '/observed/throwing/projects/proj_a1/data', { headers: bearer(tokens.expired) });
      expect(throwing.status).toBe(401);
      expect(throwing.text).toBe(plain.text);
      expect(throwing.headers.get('www-authenticate')).toBe(plain.headers.get('www-authenticate'));
      expect(errors.map(String)).toEqual([`Error: refusalContext: ${HOOK_FAILURE}`, `Error: onRefusal: ${HOOK_FAILURE}`]);
      const passed = await call(server.url, '/observed/throwing/projects/proj_a1/data', { headers: bearer(tokens.project) });
      expect(passed.status).toBe(200);
      expect(errors).toHaveLength(2);
    });

    test('a formatRefusal answer that cannot be sent reaches onError; the guard answers itself', async () => {
      errors.length = 0;
      await call(server.url, '/badly-formatted/projects/proj_a1/data');
      expect(errors).toHaveLength(1);
      expect(String(errors[0])).toContain('formatRefusal returned status 200');
      expect(REFUSAL_FORMATS.broken()).toMatchObject({ status: 200 });
    });

    if (makeGuard) {
      test.each([
        { label: 'a permission the catalog does not declare', catalog: true, permissions: ['builds:delete'], message: '"builds:delete" is not in the catalog' },
        { label: 'permissions on a host without a catalog', catalog: false, permissions: ['builds:read'], message: 'permissions needs a catalog' },
        { label: 'an empty permissions list', catalog: true, permissions: [], message: 'permissions must be a non-empty list' },
        { label: 'a wildcard', catalog: true, permissions: ['builds:*'], message: '"builds:*" is not in the catalog' },
      ])('bad guard config: $label → ConfigurationError at construction', ({ catalog, permissions, message }) => {
        const error = thrownBy(() => makeGuard({ keyward: catalog ? catalogKeyward : keyward, permissions, realm: REALM }));
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as Error).message).toContain(message);
      });

      // A realm goes inside WWW-Authenticate's quoted-string: a character no header can carry would
      // make every refusal throw inside the server (ERR_INVALID_CHAR) instead of answering 401.
      test.each([
        { label: 'an emoji', realm: 'API 🔑' },
        { label: 'a character outside Latin-1', realm: 'Ωmega' },
        { label: 'a quote', realm: 'a"b' },
        { label: 'a backslash', realm: 'a\\b' },
        { label: 'a control character', realm: 'a\u0001b' },
      ])('a realm with $label → ConfigurationError at construction', ({ realm }) => {
        const error = thrownBy(() => makeGuard({ keyward, realm }));
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as Error).message).toContain('realm');
      });

      test('a realm of visible ASCII, spaces and tabs is accepted', () => {
        expect(thrownBy(() => makeGuard({ keyward, realm: 'Acme API\tv2 (prod) #1' }))).toBe(undefined);
      });
    }

    test('a route whose id cannot be read reaches onError', async () => {
      errors.length = 0;
      await call(server.url, '/broken/data', { headers: bearer(tokens.org) });
      expect(errors).toHaveLength(1);
      expect(String(errors[0])).toContain('project or organization id could not be read');
    });
  });
}
