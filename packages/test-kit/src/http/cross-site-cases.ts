// Every management route × every body a browser can send × every origin a request can come from,
// run against each framework: a change is made only by a request no other site can send silently.
import type { Keyward } from '@keyward/core';
import type { CrossSiteOptions, ManagementProblemCode } from '@keyward/core/http';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { expectProblem } from './lifecycle-cases.js';
import { ACTORS, PERMISSION_CATALOG, call, testKeyward, type RunningServer, type StartServer } from './harness.js';

/** The origin the `trusted` mount lists in `trustedOrigins`. */
export const TRUSTED_ORIGIN = 'https://admin.keyward.test';

interface Route {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** `id`: a fresh token of org_a; `n`: a number unique to the row, for names. */
  path: (id: string) => string;
  /** The JSON the route takes (undefined: none). */
  json?: (id: string, n: number) => unknown;
  ok: number;
}

const CHANGES: readonly Route[] = [
  { name: 'POST /tokens', method: 'POST', path: () => '/tokens', json: (_id, n) => ({ name: `Cross ${n}`, scope: { kind: 'organization' }, expiresIn: '7d' }), ok: 201 },
  { name: 'POST /tokens/bulk-delete', method: 'POST', path: () => '/tokens/bulk-delete', json: (id) => ({ ids: [id] }), ok: 200 },
  { name: 'PATCH /tokens/:id', method: 'PATCH', path: (id) => `/tokens/${id}`, json: (_id, n) => ({ name: `Renamed ${n}` }), ok: 200 },
  { name: 'DELETE /tokens/:id', method: 'DELETE', path: (id) => `/tokens/${id}`, ok: 204 },
  { name: 'POST /tokens/:id/roll', method: 'POST', path: (id) => `/tokens/${id}/roll`, json: () => ({ previousSecretExpiresIn: 'now' }), ok: 200 },
];

const READS: readonly Route[] = [
  { name: 'GET /tokens', method: 'GET', path: () => '/tokens', ok: 200 },
  { name: 'GET /tokens/expiration-preview', method: 'GET', path: () => '/tokens/expiration-preview?expiresIn=30d', ok: 200 },
  { name: 'GET /tokens/permissions', method: 'GET', path: () => '/tokens/permissions', ok: 200 },
  { name: 'GET /tokens/:id', method: 'GET', path: (id) => `/tokens/${id}`, ok: 200 },
];

interface Body {
  label: string;
  /** JSON: what the route needs; every other body is one an HTML form or a "simple" fetch sends without a preflight. */
  json: boolean;
  /** The Content-Type, or undefined for none. */
  contentType?: string;
  /** The body text, given the route's JSON; undefined for no body. */
  text: (json: unknown) => string | undefined;
}

const BOUNDARY = 'keyward-boundary';
const BODIES: readonly Body[] = [
  { label: 'application/json', json: true, contentType: 'application/json', text: (json) => (json === undefined ? undefined : JSON.stringify(json)) },
  { label: 'application/json without a body', json: true, contentType: 'application/json', text: () => undefined },
  { label: 'text/plain holding JSON', json: false, contentType: 'text/plain', text: (json) => JSON.stringify(json ?? {}) },
  { label: 'a form', json: false, contentType: 'application/x-www-form-urlencoded', text: () => 'previousSecretExpiresIn=now&name=Form' },
  {
    label: 'multipart/form-data',
    json: false,
    contentType: `multipart/form-data; boundary=${BOUNDARY}`,
    text: () => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="previousSecretExpiresIn"\r\n\r\nnow\r\n--${BOUNDARY}--\r\n`,
  },
  { label: 'no body and no Content-Type', json: false, text: () => undefined },
];

interface Origin {
  label: string;
  /** The headers a browser (or a client that is not one) sends; `own` is the server's origin. */
  headers: (own: string) => Record<string, string>;
  /** Whether the request comes from another site (and so is refused unless trusted or allowed). */
  crossSite: boolean;
  /** Sent from TRUSTED_ORIGIN. */
  trusted?: boolean;
}

const ORIGINS: readonly Origin[] = [
  { label: 'a client that is not a browser (no Origin, no Sec-Fetch-Site)', headers: () => ({}), crossSite: false },
  { label: 'its own page', headers: (own) => ({ origin: own, 'sec-fetch-site': 'same-origin' }), crossSite: false },
  { label: 'its own page in an older browser (Origin only)', headers: (own) => ({ origin: own }), crossSite: false },
  { label: 'the address bar (Sec-Fetch-Site none)', headers: () => ({ 'sec-fetch-site': 'none' }), crossSite: false },
  { label: 'another site', headers: () => ({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }), crossSite: true },
  { label: 'another site in an older browser (Origin only)', headers: () => ({ origin: 'https://evil.example' }), crossSite: true },
  { label: 'another site that claims our Origin (Sec-Fetch-Site wins)', headers: (own) => ({ origin: own, 'sec-fetch-site': 'cross-site' }), crossSite: true },
  { label: 'a sibling subdomain (same-site)', headers: () => ({ origin: 'https://app.keyward.test', 'sec-fetch-site': 'same-site' }), crossSite: true },
  { label: 'a sandboxed frame (Origin null)', headers: () => ({ origin: 'null', 'sec-fetch-site': 'cross-site' }), crossSite: true },
  { label: 'a sandboxed frame in an older browser (Origin null only)', headers: () => ({ origin: 'null' }), crossSite: true },
  { label: 'another site, Sec-Fetch-Site only', headers: () => ({ 'sec-fetch-site': 'cross-site' }), crossSite: true },
  { label: 'the trusted origin', headers: () => ({ origin: TRUSTED_ORIGIN, 'sec-fetch-site': 'cross-site' }), crossSite: true, trusted: true },
];

interface Mount {
  label: string;
  options: CrossSiteOptions | undefined;
  /** Whether a request from `origin` counts as another site's here. */
  refuses: (origin: Origin) => boolean;
}

const MOUNTS: readonly Mount[] = [
  { label: 'default', options: undefined, refuses: (origin) => origin.crossSite },
  { label: `trustedOrigins: ['${TRUSTED_ORIGIN}']`, options: { trustedOrigins: [TRUSTED_ORIGIN] }, refuses: (origin) => origin.crossSite && !origin.trusted },
  { label: "crossSite: 'allow'", options: { crossSite: 'allow' }, refuses: () => false },
];

interface Row {
  label: string;
  route: Route;
  body: Body;
  origin: Origin;
  status: number;
  code?: ManagementProblemCode;
}

/** The rule, written once: what each request must get. */
function expected(mount: Mount, route: Route, body: Body, origin: Origin): Pick<Row, 'status' | 'code'> {
  if (route.method === 'GET') return { status: route.ok };
  if (mount.refuses(origin)) return { status: 403, code: 'CROSS_SITE_REQUEST' };
  // DELETE is not a simple method (a browser always preflights it): it needs no type, only no form's.
  const preflighted = body.json || (route.method === 'DELETE' && body.contentType === undefined);
  return preflighted ? { status: route.ok } : { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
}

function rows(mount: Mount): Row[] {
  const all: Row[] = [];
  const add = (route: Route, body: Body, origin: Origin) => {
    // Only roll and DELETE have a defined answer for a JSON type without a body (the others need one).
    if (body.label.endsWith('without a body') && route.method !== 'DELETE' && !route.name.endsWith('roll')) return;
    const want = expected(mount, route, body, origin);
    all.push({ label: `${route.name} with ${body.label} from ${origin.label}`, route, body, origin, ...want });
  };
  for (const route of READS) for (const origin of ORIGINS) add(route, BODIES[5]!, origin);
  // Every body and origin on the default mount; the others change only who counts as another site.
  const bodies = mount.options === undefined ? BODIES : [BODIES[0]!, BODIES[2]!];
  const origins = mount.options === undefined ? ORIGINS : ORIGINS.filter((o) => o.trusted || o.label === 'another site' || o.label === 'its own page');
  for (const route of CHANGES) for (const body of bodies) for (const origin of origins) add(route, body, origin);
  return all;
}

/**
 * Runs the cross-site table against a server built by `start`, which must mount the management
 * API at /settings with `setup.management` as its cross-site options.
 */
export function describeCrossSiteRequests(framework: string, start: StartServer): void {
  describe.each(MOUNTS)(`${framework} token management API, cross-site requests ($label)`, (mount) => {
    let keyward: Keyward;
    let catalogKeyward: Keyward;
    let server: RunningServer;
    let n = 0;

    beforeAll(async () => {
      keyward = testKeyward();
      catalogKeyward = testKeyward({ permissions: PERMISSION_CATALOG });
      server = await start({ keyward, downKeyward: keyward, catalogKeyward, onError: () => {}, management: mount.options });
    });

    afterAll(async () => {
      await server.close();
      await keyward.close();
      await catalogKeyward.close();
    });

    // Each row starts from one token in org_a.
    afterEach(async () => {
      const { items } = await keyward.list(ACTORS.owner, { limit: 100 });
      if (items.length > 0) await keyward.deleteMany(ACTORS.owner, items.map((t) => t.id));
    });

    // Titles built here: vitest would cut long labels interpolated with $label.
    for (const { label, route, body, origin, status, code } of rows(mount)) test(`${label} → ${status}`, async () => {
      const row = ++n;
      const { token, plaintext } = await keyward.create(ACTORS.owner, { name: `Row ${row}`, scope: { kind: 'organization' }, expiresIn: '30d' });
      const before = await keyward.list(ACTORS.owner, { limit: 100 });
      const headers: Record<string, string> = { ...origin.headers(new URL(server.url).origin) };
      if (body.contentType !== undefined) headers['content-type'] = body.contentType;
      const rawBody = route.method === 'GET' ? undefined : body.text(route.json?.(token.id, row));
      const response = await call(server.url, `/settings${route.path(token.id)}`, { method: route.method, headers, rawBody, actor: 'owner' });
      if (code !== undefined) {
        expectProblem(response, status, code);
        // Refused means untouched: the same tokens, the same secret.
        expect(await keyward.list(ACTORS.owner, { limit: 100 })).toEqual(before);
        expect((await keyward.verify(plaintext)).ok).toBe(true);
      } else {
        expect(response.status).toBe(status);
      }
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    });
  });
}
