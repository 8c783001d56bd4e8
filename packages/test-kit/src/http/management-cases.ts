// The management API's behaviour, written once and run over real HTTP against both frameworks.
// Each test gets a fresh keyward and server, so tests cannot leak tokens into each other.
import { ConfigurationError, MAX_BULK_IDS, memoryStore, type Keyward } from '@keyward/core';
import type { ManagementProblemCode } from '@keyward/core/http';
import { countingStore } from '../stores.js';
import { describeCrossSiteRequests } from './cross-site-cases.js';
import { describeLifecycleRoutes, expectFieldError, expectProblem, type ManagementSuiteState } from './lifecycle-cases.js';
import { describeRecordRoutes } from './records-cases.js';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  ACTORS,
  DAY_MS,
  PERMISSION_CATALOG,
  T0,
  call,
  fixedClock,

  testKeyward,
  toTestResponse,
  type RunningServer,
  type StartServer,
  type TestResponse,
} from './harness.js';

const BASE = '/settings';

interface RouteCall {
  name: string;
  /** Builds the request; `id` is a token of org_a that exists. */
  request: (id: string) => { method: string; path: string; body?: unknown };
  /** Status when an owner or admin calls it. */
  ok: number;
}

const ROUTES: readonly RouteCall[] = [
  { name: 'GET /tokens', request: () => ({ method: 'GET', path: '/tokens' }), ok: 200 },
  {
    name: 'POST /tokens',
    request: () => ({ method: 'POST', path: '/tokens', body: { name: 'New one', scope: { kind: 'organization' }, expiresIn: '7d' } }),
    ok: 201,
  },
  { name: 'GET /tokens/expiration-preview', request: () => ({ method: 'GET', path: '/tokens/expiration-preview?expiresIn=30d' }), ok: 200 },
  { name: 'GET /tokens/:id', request: (id) => ({ method: 'GET', path: `/tokens/${id}` }), ok: 200 },
  { name: 'DELETE /tokens/:id', request: (id) => ({ method: 'DELETE', path: `/tokens/${id}` }), ok: 204 },
  { name: 'POST /tokens/bulk-delete', request: (id) => ({ method: 'POST', path: '/tokens/bulk-delete', body: { ids: [id] } }), ok: 200 },
  { name: 'GET /tokens/permissions', request: () => ({ method: 'GET', path: '/tokens/permissions' }), ok: 200 },
  { name: 'PATCH /tokens/:id', request: (id) => ({ method: 'PATCH', path: `/tokens/${id}`, body: { name: 'Renamed' } }), ok: 200 },
  { name: 'POST /tokens/:id/roll', request: (id) => ({ method: 'POST', path: `/tokens/${id}/roll`, body: { previousSecretExpiresIn: '1h' } }), ok: 200 },
];

/**
 * Runs the management API suite against a server built by `start`, which must mount the
 * management API at /settings with `getActor` reading ACTOR_HEADER through `actorFromHeader`.
 */
export function describeManagementApi(framework: string, start: StartServer): void {
  describe(`${framework} token management API`, () => {
    let keyward: Keyward;
    /** A second host, one that declares PERMISSION_CATALOG: tokens there must be granted permissions. */
    let catalogKeyward: Keyward;
    let clock: ReturnType<typeof fixedClock>;
    let server: RunningServer;
    let errors: unknown[];
    let existing: { id: string; plaintext: string };

    const api = (path: string, init: Parameters<typeof call>[2] = {}) => call(server.url, BASE + path, init);

    beforeEach(async () => {
      clock = fixedClock(T0);
      keyward = testKeyward({ clock });
      catalogKeyward = testKeyward({ clock, permissions: PERMISSION_CATALOG });
      errors = [];
      const created = await keyward.create(ACTORS.owner, { name: 'CI', scope: { kind: 'organization' }, expiresIn: '30d' });
      existing = { id: created.token.id, plaintext: created.plaintext };
      server = await start({ keyward, downKeyward: keyward, catalogKeyward, onError: (error) => errors.push(error) });
    });

    afterEach(async () => {
      await server.close();
      await keyward.close();
      await catalogKeyward.close();
    });

    describe.each(['owner', 'admin'] as const)('%s', (actor) => {
      test.each(ROUTES)('$name works', async (route) => {
        const { method, path, body } = route.request(existing.id);
        const response = await api(path, { method, body, actor });
        expect(response.status).toBe(route.ok);
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      });
    });

    describe('member', () => {
      test.each(ROUTES)('$name → 403 FORBIDDEN, nothing changes', async (route) => {
        const { method, path, body } = route.request(existing.id);
        const response = await api(path, { method, body, actor: 'member' });
        expectProblem(response, 403, 'FORBIDDEN');
        expect(response.headers.get('cache-control')).toBe('no-store');
        const page = await keyward.list(ACTORS.owner);
        expect(page.items.map((t) => t.id)).toEqual([existing.id]);
      });
    });

    describe('nobody signed in', () => {
      test.each(ROUTES)('$name → 401 UNAUTHENTICATED', async (route) => {
        const { method, path, body } = route.request(existing.id);
        expectProblem(await api(path, { method, body }), 401, 'UNAUTHENTICATED');
      });
    });

    test('POST /tokens answers 201, no-store, with a plaintext that verifies and appears nowhere else', async () => {
      const response = await api('/tokens', {
        method: 'POST',
        actor: 'admin',
        body: { name: '  Deploy bot ', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: '90d' },
      });
      expect(response.status).toBe(201);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-type')).toBe('application/json');
      const { plaintext, token } = response.body;
      expect(token).toMatchObject({ name: 'Deploy bot', scope: { kind: 'project', projectId: 'proj_a1' }, createdAt: T0, expiresAt: T0 + 90 * DAY_MS, createdBy: 'u_admin' });
      expect(token).not.toHaveProperty('hash');
      const verified = await keyward.verify(plaintext, { projectId: 'proj_a1' });
      expect(verified).toMatchObject({ ok: true, token: { id: token.id } });

      const list = await api('/tokens', { actor: 'admin' });
      const one = await api(`/tokens/${token.id}`, { actor: 'admin' });
      expect(list.text).not.toContain(plaintext);
      expect(one.text).not.toContain(plaintext);
      expect(one.body).toEqual(token);
    });

    test('GET /tokens lists newest first with status and scope label, and pages with nextCursor', async () => {
      clock.set(T0 + 1000);
      await keyward.create(ACTORS.owner, { name: 'Second', scope: { kind: 'project', projectId: 'proj_a2' }, expiresIn: 'never' });
      const first = await api('/tokens?limit=1', { actor: 'owner' });
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(1);
      expect(first.body.items[0]).toMatchObject({ name: 'Second', status: 'active', scopeLabel: 'Alpha api' });
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await api(`/tokens?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`, { actor: 'owner' });
      expect(second.body.items.map((t: { id: string }) => t.id)).toEqual([existing.id]);
      expect(second.body.nextCursor).toBeNull();
    });

    test('GET /tokens with a bad limit → 400 naming limit', async () => {
      expectFieldError(await api('/tokens?limit=0', { actor: 'owner' }), 'limit');
      expectFieldError(await api('/tokens?limit=1&limit=2', { actor: 'owner' }), 'limit');
    });

    test.each([
      { label: 'an empty name', body: { name: '   ', scope: { kind: 'organization' }, expiresIn: '7d' }, path: 'name' },
      { label: 'a name too long', body: { name: 'x'.repeat(101), scope: { kind: 'organization' }, expiresIn: '7d' }, path: 'name' },
      { label: 'a zero-width space in the name', body: { name: 'Deploy\u200B', scope: { kind: 'organization' }, expiresIn: '7d' }, path: 'name' },
      { label: 'a bidi override in the name', body: { name: '\u202EyolpeD', scope: { kind: 'organization' }, expiresIn: '7d' }, path: 'name' },
      { label: 'a project of another organization', body: { name: 'n', scope: { kind: 'project', projectId: 'proj_b1' }, expiresIn: '7d' }, path: 'scope.projectId' },
      { label: 'a project scope without projectId', body: { name: 'n', scope: { kind: 'project' }, expiresIn: '7d' }, path: 'scope.projectId' },
      { label: 'an unknown expiry', body: { name: 'n', scope: { kind: 'organization' }, expiresIn: '45d' }, path: 'expiresIn' },
      { label: 'a misspelt field (metdata)', body: { name: 'n', scope: { kind: 'organization' }, expiresIn: '7d', metdata: { team: 'web' } }, path: 'metdata' },
      { label: 'a projectId on an organization scope', body: { name: 'n', scope: { kind: 'organization', projectId: 'proj_a1' }, expiresIn: '7d' }, path: 'scope.projectId' },
      { label: 'a project id with a trailing space', body: { name: 'n', scope: { kind: 'project', projectId: 'proj_a1 ' }, expiresIn: '7d' }, path: 'scope.projectId' },
    ])('POST /tokens with $label → 400 naming $path, nothing created', async ({ body, path }) => {
      expectFieldError(await api('/tokens', { method: 'POST', actor: 'owner', body }), path);
      expect((await keyward.list(ACTORS.owner)).items.map((t) => t.id)).toEqual([existing.id]);
    });

    test.each([
      { label: 'at the top', json: '{"__proto__":{"admin":true},"team":"web"}', path: 'metadata.__proto__' },
      { label: 'nested', json: '{"team":{"__proto__":{"admin":true}}}', path: 'metadata.team.__proto__' },
    ])('a metadata key __proto__ $label → POST and PATCH answer 400 naming $path; nothing stored', async ({ json, path }) => {
      const create = `{"name":"Proto","scope":{"kind":"organization"},"expiresIn":"7d","metadata":${json}}`;
      const headers = { 'content-type': 'application/json' };
      expectFieldError(await api('/tokens', { method: 'POST', actor: 'owner', headers, rawBody: create }), path);
      expect((await keyward.list(ACTORS.owner)).items.map((t) => t.id)).toEqual([existing.id]);
      expectFieldError(await api(`/tokens/${existing.id}`, { method: 'PATCH', actor: 'owner', headers, rawBody: `{"metadata":${json}}` }), path);
      expect((await keyward.get(ACTORS.owner, existing.id)).metadata).toBeNull();
    });

    test.each([
      { label: 'POST /tokens/bulk-delete with a field it does not know (dryRun)', path: () => '/tokens/bulk-delete', method: 'POST', body: (id: string) => ({ ids: [id], dryRun: true }), field: 'dryRun' },
      { label: 'POST /tokens/:id/roll with a misspelt field', path: (id: string) => `/tokens/${id}/roll`, method: 'POST', body: () => ({ previousSecretExpiresln: '24h' }), field: 'previousSecretExpiresln' },
      { label: 'PATCH /tokens/:id with a misspelt field beside a real one', path: (id: string) => `/tokens/${id}`, method: 'PATCH', body: () => ({ name: 'X', metdata: {} }), field: 'metdata' },
      { label: 'POST /tokens/bulk-delete with an id with a leading space', path: () => '/tokens/bulk-delete', method: 'POST', body: (id: string) => ({ ids: [` ${id}`] }), field: 'ids.0' },
    ])('$label → 400 naming it, nothing changes', async ({ path, method, body, field }) => {
      const before = await keyward.list(ACTORS.owner);
      expectFieldError(await api(path(existing.id), { method, actor: 'owner', body: body(existing.id) }), field);
      expect(await keyward.list(ACTORS.owner)).toEqual(before);
      expect((await keyward.verify(existing.plaintext)).ok).toBe(true);
    });

    test('POST /tokens with a name already taken (any case) → 409 NAME_TAKEN', async () => {
      const response = await api('/tokens', { method: 'POST', actor: 'owner', body: { name: 'ci', scope: { kind: 'organization' }, expiresIn: '7d' } });
      expectProblem(response, 409, 'NAME_TAKEN');
      expect(response.body.errors).toEqual([{ path: 'name', message: expect.any(String) }]);
    });

    test('POST /tokens with invalid JSON → 400 INVALID_JSON', async () => {
      const response = await api('/tokens', { method: 'POST', actor: 'owner', rawBody: '{"name": ', headers: { 'content-type': 'application/json' } });
      expectProblem(response, 400, 'INVALID_JSON');
    });

    test('POST /tokens with a JSON scalar → 400 INVALID_JSON (objects and arrays only)', async () => {
      expectProblem(await api('/tokens', { method: 'POST', actor: 'owner', rawBody: '"CI"', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_JSON');
    });

    test('POST /tokens without a JSON content type → 415', async () => {
      const response = await api('/tokens', { method: 'POST', actor: 'owner', rawBody: 'name=CI', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    test('POST /tokens with a body over 128 KiB → 413', async () => {
      const response = await api('/tokens', { method: 'POST', actor: 'owner', body: { name: 'x'.repeat(140 * 1024), scope: { kind: 'organization' }, expiresIn: '7d' } });
      expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    });

    test('GET /tokens/expiration-preview gives expiresAt in epoch ms, as tokens carry it: exactly what create stores', async () => {
      const response = await api('/tokens/expiration-preview?expiresIn=30d', { actor: 'admin' });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ expiresIn: '30d', expiresAt: T0 + 30 * DAY_MS });
      const created = await api('/tokens', { method: 'POST', actor: 'admin', body: { name: 'Same', scope: { kind: 'organization' }, expiresIn: '30d' } });
      expect(created.body.token.expiresAt).toBe(response.body.expiresAt);
    });

    test('GET /tokens/expiration-preview?expiresIn=never → null expiry', async () => {
      const response = await api('/tokens/expiration-preview?expiresIn=never', { actor: 'owner' });
      expect(response.body).toEqual({ expiresIn: 'never', expiresAt: null });
    });

    test('GET /tokens/expiration-preview with a bad or missing expiresIn → 400 naming expiresIn', async () => {
      expectFieldError(await api('/tokens/expiration-preview?expiresIn=45d', { actor: 'owner' }), 'expiresIn');
      expectFieldError(await api('/tokens/expiration-preview', { actor: 'owner' }), 'expiresIn');
    });

    test('GET and DELETE an unknown id → 404 TOKEN_NOT_FOUND', async () => {
      expectProblem(await api('/tokens/tok_unknown', { actor: 'owner' }), 404, 'TOKEN_NOT_FOUND');
      expectProblem(await api('/tokens/tok_unknown', { method: 'DELETE', actor: 'owner' }), 404, 'TOKEN_NOT_FOUND');
    });

    test("another organization's token is 404 (in bulk: notFound, like an unknown id), never 403, and stays alive", async () => {
      expectProblem(await api(`/tokens/${existing.id}`, { actor: 'otherAdmin' }), 404, 'TOKEN_NOT_FOUND');
      expectProblem(await api(`/tokens/${existing.id}`, { method: 'DELETE', actor: 'otherAdmin' }), 404, 'TOKEN_NOT_FOUND');
      const bulk = await api('/tokens/bulk-delete', { method: 'POST', actor: 'otherAdmin', body: { ids: [existing.id, 'tok_unknown'] } });
      expect([bulk.status, bulk.body]).toEqual([200, { deleted: 0, notFound: [existing.id, 'tok_unknown'] }]);
      expect((await api('/tokens', { actor: 'otherAdmin' })).body.items).toEqual([]);
      expect((await keyward.verify(existing.plaintext)).ok).toBe(true);
    });

    test('DELETE /tokens/:id → 204 without a body, and the token is refused at once', async () => {
      const response = await api(`/tokens/${existing.id}`, { method: 'DELETE', actor: 'owner' });
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(await keyward.verify(existing.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    });

    test('POST /tokens/bulk-delete deletes all listed tokens → 200 { deleted: 2, notFound: [] }', async () => {
      const second = await keyward.create(ACTORS.owner, { name: 'Two', scope: { kind: 'organization' }, expiresIn: 'never' });
      const response = await api('/tokens/bulk-delete', { method: 'POST', actor: 'admin', body: { ids: [existing.id, second.token.id] } });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ deleted: 2, notFound: [] });
      expect((await keyward.list(ACTORS.owner)).items).toEqual([]);
    });

    test('POST /tokens/bulk-delete with one id another admin deleted a moment earlier → 200, the others deleted, that id in notFound', async () => {
      const second = await keyward.create(ACTORS.owner, { name: 'Two', scope: { kind: 'organization' }, expiresIn: 'never' });
      const third = await keyward.create(ACTORS.owner, { name: 'Three', scope: { kind: 'organization' }, expiresIn: 'never' });
      await keyward.delete(ACTORS.admin, second.token.id);
      const response = await api('/tokens/bulk-delete', { method: 'POST', actor: 'owner', body: { ids: [existing.id, second.token.id, third.token.id] } });
      expect([response.status, response.body]).toEqual([200, { deleted: 2, notFound: [second.token.id] }]);
      for (const gone of [existing.plaintext, third.plaintext]) expect(await keyward.verify(gone)).toEqual({ ok: false, code: 'NOT_FOUND' });
    });

    test(`POST /tokens/bulk-delete takes at most ${MAX_BULK_IDS} ids: ${MAX_BULK_IDS + 1} → 400 naming ids, nothing deleted`, async () => {
      const ids = [existing.id, ...Array.from({ length: MAX_BULK_IDS }, (_, i) => `tok_${i}`)];
      expectFieldError(await api('/tokens/bulk-delete', { method: 'POST', actor: 'owner', body: { ids } }), 'ids');
      expect((await keyward.verify(existing.plaintext)).ok).toBe(true);
    });

    test.each([
      { label: 'no ids', body: {}, path: 'ids' },
      { label: 'an empty list', body: { ids: [] }, path: 'ids' },
      { label: 'ids that are not a list', body: { ids: 'tok_1' }, path: 'ids' },
      { label: 'an empty id', body: { ids: ['tok_1', ''] }, path: 'ids.1' },
    ])('POST /tokens/bulk-delete with $label → 400 naming $path', async ({ body, path }) => {
      expectFieldError(await api('/tokens/bulk-delete', { method: 'POST', actor: 'owner', body }), path);
    });

    test('a getActor that throws → 500 with a generic problem; the error goes to onError only', async () => {
      await server.close();
      server = await start({ keyward, downKeyward: keyward, catalogKeyward, onError: (error) => errors.push(error), getActor: () => {
        throw new Error('session db password=hunter2 refused');
      } });
      const response = await api('/tokens', { actor: 'owner' });
      expectProblem(response, 500, 'INTERNAL_ERROR');
      expect(response.text).not.toContain('hunter2');
      expect(String(errors[0])).toContain('hunter2');
    });

    test("a getActor that returns role 'Admin' → 500; onError gets a ConfigurationError naming actor.role", async () => {
      await server.close();
      server = await start({ keyward, downKeyward: keyward, catalogKeyward, onError: (error) => errors.push(error), getActor: () => ({ ...ACTORS.admin, role: 'Admin' }) as never });
      expectProblem(await api('/tokens', { actor: 'admin' }), 500, 'INTERNAL_ERROR');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(ConfigurationError);
      expect((errors[0] as Error).message).toBe('getActor() returned an invalid actor: actor.role must be one of owner, admin, member');
    });

    test('store unavailable → 503 with Retry-After', async () => {
      const store = countingStore(memoryStore());
      const down = testKeyward({ store });
      store.down = true;
      await server.close();
      server = await start({ keyward: down, downKeyward: down, catalogKeyward, onError: (error) => errors.push(error) });
      const response = await api('/tokens', { actor: 'owner' });
      expectProblem(response, 503, 'STORE_UNAVAILABLE');
      expect(response.headers.get('retry-after')).toBe('5');
      expect(errors).toHaveLength(1);
    });

    describe('fetch requests without Content-Length (app.request(), new Request(url, { body }))', () => {
      const json = { 'content-type': 'application/json', 'x-test-actor': 'owner' };
      const create = { name: 'From fetch', scope: { kind: 'organization' }, expiresIn: '7d' };
      const stream = (text: string) =>
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(text));
            controller.close();
          },
        });
      const rows: { label: string; send: (id: string) => Promise<Response>; status: number; code?: ManagementProblemCode }[] = [
        { label: 'app.request() with a JSON string → 201', status: 201, send: () => server.request(`${BASE}/tokens`, { method: 'POST', headers: json, body: JSON.stringify(create) }) },
        {
          label: 'new Request(url, { body }) → 201',
          status: 201,
          send: () => server.request(new Request(`http://localhost${BASE}/tokens`, { method: 'POST', headers: json, body: JSON.stringify(create) })),
        },
        {
          label: 'a streamed body → 201',
          status: 201,
          send: () => server.request(`${BASE}/tokens`, { method: 'POST', headers: json, body: stream(JSON.stringify(create)), duplex: 'half' } as RequestInit),
        },
        {
          label: 'new Request() bulk-delete → 200',
          status: 200,
          send: (id) => server.request(new Request(`http://localhost${BASE}/tokens/bulk-delete`, { method: 'POST', headers: json, body: JSON.stringify({ ids: [id] }) })),
        },
        { label: 'invalid JSON → 400 INVALID_JSON', status: 400, code: 'INVALID_JSON', send: () => server.request(`${BASE}/tokens`, { method: 'POST', headers: json, body: '{"name": ' }) },
        { label: 'a JSON scalar → 400 INVALID_JSON', status: 400, code: 'INVALID_JSON', send: () => server.request(`${BASE}/tokens`, { method: 'POST', headers: json, body: '"CI"' }) },
        { label: 'an empty JSON body → 400 VALIDATION_FAILED', status: 400, code: 'VALIDATION_FAILED', send: () => server.request(`${BASE}/tokens`, { method: 'POST', headers: json, body: '' }) },
        {
          label: 'a body without a content type (text/plain by default) → 415',
          status: 415,
          code: 'UNSUPPORTED_MEDIA_TYPE',
          send: () => server.request(new Request(`http://localhost${BASE}/tokens`, { method: 'POST', headers: { 'x-test-actor': 'owner' }, body: JSON.stringify(create) })),
        },
        {
          label: 'a streamed body over 128 KiB → 413',
          status: 413,
          code: 'PAYLOAD_TOO_LARGE',
          send: () =>
            server.request(`${BASE}/tokens`, { method: 'POST', headers: json, body: stream(JSON.stringify({ ...create, name: 'x'.repeat(140 * 1024) })), duplex: 'half' } as RequestInit),
        },
      ];
      test.each(rows)('$label', async ({ send, status, code }) => {
        const response = await toTestResponse(await send(existing.id));
        if (code) expectProblem(response, status, code);
        else expect(response.status).toBe(status);
        expect(response.headers.get('cache-control')).toBe('no-store');
      });
    });

    describe('mounted under a route with its own params (/orgs/:orgId/settings)', () => {
      test("getActor reads the parent route's :orgId: the member's organization lists, creates and deletes", async () => {
        const list = await call(server.url, '/orgs/org_a/settings/tokens', { actor: 'owner' });
        expect(list.status).toBe(200);
        expect(list.body.items.map((t: { id: string }) => t.id)).toEqual([existing.id]);
        const created = await call(server.url, '/orgs/org_a/settings/tokens', { method: 'POST', actor: 'admin', body: { name: 'Org route', scope: { kind: 'organization' }, expiresIn: '1d' } });
        expect(created.status).toBe(201);
        const deleted = await call(server.url, `/orgs/org_a/settings/tokens/${created.body.token.id}`, { method: 'DELETE', actor: 'admin' });
        expect(deleted.status).toBe(204);
      });

      // The host checks membership on the exact id from the URL; "org_a " is another organization,
      // owned by the impostor. keyward must not take it for org_a.
      test('an owner of organization "org_a " (trailing space) cannot list, create, roll or delete org_a\'s tokens', async () => {
        const base = '/orgs/org_a%20/settings/tokens';
        const listed = await call(server.url, base, { actor: 'impostor' });
        expectProblem(listed, 500, 'INTERNAL_ERROR');
        expect(listed.text).not.toContain(existing.id);
        const created = await call(server.url, base, { method: 'POST', actor: 'impostor', body: { name: 'Planted', scope: { kind: 'organization' }, expiresIn: 'never' } });
        expectProblem(created, 500, 'INTERNAL_ERROR');
        expectProblem(await call(server.url, `${base}/${existing.id}/roll`, { method: 'POST', actor: 'impostor', body: {} }), 500, 'INTERNAL_ERROR');
        expectProblem(await call(server.url, `${base}/${existing.id}`, { method: 'DELETE', actor: 'impostor' }), 500, 'INTERNAL_ERROR');
        expect((await keyward.list(ACTORS.owner)).items.map((t) => t.id)).toEqual([existing.id]);
        expect((await keyward.verify(existing.plaintext)).ok).toBe(true);
        // The host hears why: its getActor handed over an id keyward will not take.
        expect(errors).toHaveLength(4);
        for (const error of errors) expect(String((error as Error).message)).toContain('actor.organizationId must not start or end with whitespace');
      });

      test('an organization the user does not belong to → 401, its tokens untouched', async () => {
        expectProblem(await call(server.url, '/orgs/org_b/settings/tokens', { actor: 'owner' }), 401, 'UNAUTHENTICATED');
        expectProblem(await call(server.url, `/orgs/org_b/settings/tokens/${existing.id}`, { method: 'DELETE', actor: 'owner' }), 401, 'UNAUTHENTICATED');
        expect((await keyward.verify(existing.plaintext)).ok).toBe(true);
      });
    });

    const state: ManagementSuiteState = {
      api,
      get keyward() {
        return keyward;
      },
      get catalogKeyward() {
        return catalogKeyward;
      },
      get clock() {
        return clock;
      },
      get existing() {
        return existing;
      },
      restart: async (setup) => {
        await server.close();
        server = await start({ keyward, downKeyward: keyward, catalogKeyward, onError: (error) => errors.push(error), ...setup });
      },
    };
    describeLifecycleRoutes(state);
    describeRecordRoutes(state);

    test('an actor name header the host does not know is treated as signed out', async () => {
      expectProblem(await api('/tokens', { headers: { 'x-test-actor': 'nobody' } }), 401, 'UNAUTHENTICATED');
    });
  });
  // Its own servers, one per cross-site setting, shared by its rows.
  describeCrossSiteRequests(framework, start);
}
