// The management API's token-lifecycle routes (roll, PATCH, the permission catalog, create with
// permissions), run inside describeManagementApi so every framework gets them over real HTTP.
import type { Keyward } from '@keyward/core';
import type { ManagementProblemCode } from '@keyward/core/http';
import { describe, expect, test } from 'vitest';
import { ACTORS, DAY_MS, PERMISSION_CATALOG, T0, call, type Clock, type TestAppSetup, type TestResponse } from './harness.js';

const HOUR_MS = 3_600_000;

/** What the lifecycle tests read of the management suite's per-test state. */
export interface ManagementSuiteState {
  /** Calls the management API mounted at /settings. */
  api: (path: string, init?: Parameters<typeof call>[2]) => Promise<TestResponse>;
  /** The keyward the API serves (no permission catalog). */
  readonly keyward: Keyward;
  /** A keyward whose host declares PERMISSION_CATALOG. */
  readonly catalogKeyward: Keyward;
  readonly clock: Clock;
  /** A 30-day organization token of org_a named "CI", created at T0. */
  readonly existing: { id: string; plaintext: string };
  /** Serves the management API from another keyward for the rest of the test. */
  restart(setup: Partial<TestAppSetup>): Promise<void>;
}

export function expectProblem(response: TestResponse, status: number, code: ManagementProblemCode): void {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.body).toMatchObject({ type: 'about:blank', status, code });
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
}

export function expectFieldError(response: TestResponse, path: string): void {
  expectProblem(response, 400, 'VALIDATION_FAILED');
  expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
}

const hintOf = (plaintext: string) => plaintext.slice(0, 'kw_'.length + 4);
const json = { 'content-type': 'application/json' };

/** Declares the lifecycle tests; call it inside the management suite's describe, after its hooks. */
export function describeLifecycleRoutes(s: ManagementSuiteState): void {
  describe('POST /tokens/:id/roll', () => {
    test('→ 200, no-store, a new plaintext once; same id, name, scope, permissions and expiry; the old secret verifies through its grace period', async () => {
      s.clock.set(T0 + DAY_MS);
      const before = await s.keyward.get(ACTORS.owner, s.existing.id);
      const response = await s.api(`/tokens/${s.existing.id}/roll`, { method: 'POST', actor: 'admin', body: { previousSecretExpiresIn: '1h' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-type')).toBe('application/json');
      const { plaintext, token } = response.body;
      expect(plaintext).not.toBe(s.existing.plaintext);
      expect(token).toEqual({
        ...before,
        hint: hintOf(plaintext),
        previousSecret: { hint: hintOf(s.existing.plaintext), expiresAt: T0 + DAY_MS + HOUR_MS },
      });
      expect(token).not.toHaveProperty('hash');
      expect(await s.keyward.verify(plaintext)).toMatchObject({ ok: true, token: { id: s.existing.id } });
      expect(await s.keyward.verify(s.existing.plaintext)).toMatchObject({ ok: true, token: { id: s.existing.id } });
      // Shown once: neither the list nor the token's page repeats either secret.
      for (const path of ['/tokens', `/tokens/${s.existing.id}`]) {
        const page = await s.api(path, { actor: 'admin' });
        expect(page.text).not.toContain(plaintext);
        expect(page.text).not.toContain(s.existing.plaintext);
      }
      s.clock.set(T0 + DAY_MS + HOUR_MS);
      expect(await s.keyward.verify(s.existing.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
      expect((await s.api(`/tokens/${s.existing.id}`, { actor: 'admin' })).body.previousSecret).toBeNull();
    });

    test('with previousSecretExpiresIn now → previousSecret null, the old secret refused at once', async () => {
      const response = await s.api(`/tokens/${s.existing.id}/roll`, { method: 'POST', actor: 'owner', body: { previousSecretExpiresIn: 'now' } });
      expect(response.status).toBe(200);
      expect(response.body.token.previousSecret).toBeNull();
      expect(await s.keyward.verify(s.existing.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
      expect((await s.keyward.verify(response.body.plaintext)).ok).toBe(true);
    });

    test('with an empty JSON body, or a JSON type and no body → the default, now', async () => {
      const empty = await s.api(`/tokens/${s.existing.id}/roll`, { method: 'POST', actor: 'owner', body: {} });
      expect(empty.status).toBe(200);
      expect(empty.body.token.previousSecret).toBeNull();
      expect(await s.keyward.verify(s.existing.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
      const none = await s.api(`/tokens/${s.existing.id}/roll`, { method: 'POST', actor: 'owner', headers: json });
      expect(none.status).toBe(200);
      expect(none.body.token.previousSecret).toBeNull();
      expect(await s.keyward.verify(empty.body.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
      expect((await s.keyward.verify(none.body.plaintext)).ok).toBe(true);
    });

    test('without a JSON type (no body at all, text/plain, a form) → 415, nothing rolled: a page on another site could send those', async () => {
      for (const headers of [{}, { 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }] as Record<string, string>[]) {
        const rawBody = 'content-type' in headers ? 'previousSecretExpiresIn=now' : undefined;
        expectProblem(await s.api(`/tokens/${s.existing.id}/roll`, { method: 'POST', actor: 'owner', headers, rawBody }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
      expect((await s.keyward.verify(s.existing.plaintext)).ok).toBe(true);
    });

    test('the grace period never outlives the token: a 1-day token rolled with 7d keeps its old secret until the token expires', async () => {
      const short = await s.keyward.create(ACTORS.owner, { name: 'Short', scope: { kind: 'organization' }, expiresIn: '1d' });
      const response = await s.api(`/tokens/${short.token.id}/roll`, { method: 'POST', actor: 'owner', body: { previousSecretExpiresIn: '7d' } });
      expect(response.body.token).toMatchObject({ expiresAt: T0 + DAY_MS, previousSecret: { expiresAt: T0 + DAY_MS } });
    });

    test.each([
      { label: 'an unknown preset', body: { previousSecretExpiresIn: '2h' } },
      { label: 'a number of ms', body: { previousSecretExpiresIn: 3_600_000 } },
      { label: 'null', body: { previousSecretExpiresIn: null } },
    ])('with $label → 400 naming previousSecretExpiresIn, nothing rolled', async ({ body }) => {
      expectFieldError(await s.api(`/tokens/${s.existing.id}/roll`, { method: 'POST', actor: 'owner', body }), 'previousSecretExpiresIn');
      expect((await s.keyward.verify(s.existing.plaintext)).ok).toBe(true);
      expect((await s.keyward.get(ACTORS.owner, s.existing.id)).previousSecret).toBeNull();
    });

    test("an unknown id, or another organization's → 404 TOKEN_NOT_FOUND, the secret unchanged", async () => {
      expectProblem(await s.api('/tokens/tok_unknown/roll', { method: 'POST', actor: 'owner', body: {} }), 404, 'TOKEN_NOT_FOUND');
      expectProblem(await s.api(`/tokens/${s.existing.id}/roll`, { method: 'POST', actor: 'otherAdmin', body: {} }), 404, 'TOKEN_NOT_FOUND');
      expect((await s.keyward.verify(s.existing.plaintext)).ok).toBe(true);
    });

    test('a member → 403 FORBIDDEN, the secret unchanged', async () => {
      expectProblem(await s.api(`/tokens/${s.existing.id}/roll`, { method: 'POST', actor: 'member', body: { previousSecretExpiresIn: 'now' } }), 403, 'FORBIDDEN');
      expect((await s.keyward.verify(s.existing.plaintext)).ok).toBe(true);
    });

    test('a token with permissions keeps them', async () => {
      await s.restart({ keyward: s.catalogKeyward });
      const created = await s.catalogKeyward.create(ACTORS.owner, { name: 'Builds', scope: { kind: 'organization' }, expiresIn: '7d', permissions: ['builds:read'] });
      const response = await s.api(`/tokens/${created.token.id}/roll`, { method: 'POST', actor: 'owner', body: { previousSecretExpiresIn: '24h' } });
      expect(response.body.token).toMatchObject({ permissions: ['builds:read'], expiresAt: T0 + 7 * DAY_MS });
      expect(await s.catalogKeyward.verify(response.body.plaintext, { permissions: ['builds:read'] })).toMatchObject({ ok: true });
    });
  });

  describe('PATCH /tokens/:id', () => {
    test('rename → 200 with the token, no-store; the secret keeps verifying under the new name', async () => {
      const response = await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'admin', body: { name: '  CI (old runner) ' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.body).toMatchObject({ id: s.existing.id, name: 'CI (old runner)', metadata: null, previousSecret: null });
      expect(response.text).not.toContain(s.existing.plaintext);
      expect(await s.keyward.verify(s.existing.plaintext)).toMatchObject({ ok: true, token: { name: 'CI (old runner)' } });
      expect((await s.api(`/tokens/${s.existing.id}`, { actor: 'admin' })).body.name).toBe('CI (old runner)');
    });

    test('a case change of its own name is no conflict', async () => {
      const response = await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'owner', body: { name: 'ci' } });
      expect(response.status).toBe(200);
      expect(response.body.name).toBe('ci');
    });

    test('metadata is set, replaced, and cleared with null; the name stays', async () => {
      const set = await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'owner', body: { metadata: { team: 'web', runners: [1, 2] } } });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ name: 'CI', metadata: { team: 'web', runners: [1, 2] } });
      const replaced = await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'owner', body: { metadata: { team: 'api' } } });
      expect(replaced.body.metadata).toEqual({ team: 'api' });
      const cleared = await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'owner', body: { metadata: null } });
      expect(cleared.body.metadata).toBeNull();
      expect((await s.api(`/tokens/${s.existing.id}`, { actor: 'owner' })).body.metadata).toBeNull();
    });

    test('a name another token has (any case) → 409 NAME_TAKEN naming name, nothing changes', async () => {
      await s.keyward.create(ACTORS.owner, { name: 'Deploy', scope: { kind: 'organization' }, expiresIn: '7d' });
      const response = await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'owner', body: { name: 'DEPLOY', metadata: { a: 1 } } });
      expectProblem(response, 409, 'NAME_TAKEN');
      expect(response.body.errors).toEqual([{ path: 'name', message: expect.any(String) }]);
      expect(await s.keyward.get(ACTORS.owner, s.existing.id)).toMatchObject({ name: 'CI', metadata: null });
    });

    test('an empty object → 400 VALIDATION_FAILED saying which fields can change', async () => {
      const response = await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'owner', body: {} });
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(JSON.stringify(response.body.errors)).toContain('must change name, metadata, enabled');
    });

    test.each([
      { label: 'metadata over 4 KB', body: { metadata: { blob: 'x'.repeat(4100) } }, path: 'metadata' },
      { label: 'metadata that is a list', body: { metadata: ['a'] }, path: 'metadata' },
      { label: 'metadata that is a string', body: { metadata: 'team=web' }, path: 'metadata' },
      { label: 'a name with a control character', body: { name: 'CI\u0007' }, path: 'name' },
      { label: 'an empty name', body: { name: '  ' }, path: 'name' },
      { label: 'a name that is not a string', body: { name: 42 }, path: 'name' },
    ])('$label → 400 naming $path, nothing changes', async ({ body, path }) => {
      expectFieldError(await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'owner', body }), path);
      expect(await s.keyward.get(ACTORS.owner, s.existing.id)).toMatchObject({ name: 'CI', metadata: null });
    });

    test("an unknown id, or another organization's → 404 TOKEN_NOT_FOUND, nothing changes", async () => {
      expectProblem(await s.api('/tokens/tok_unknown', { method: 'PATCH', actor: 'owner', body: { name: 'X' } }), 404, 'TOKEN_NOT_FOUND');
      expectProblem(await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'otherAdmin', body: { name: 'X' } }), 404, 'TOKEN_NOT_FOUND');
      expect((await s.keyward.get(ACTORS.owner, s.existing.id)).name).toBe('CI');
    });

    test('a member → 403 FORBIDDEN, nothing changes', async () => {
      expectProblem(await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'member', body: { name: 'Mine' } }), 403, 'FORBIDDEN');
      expect((await s.keyward.get(ACTORS.owner, s.existing.id)).name).toBe('CI');
    });

    test('without a JSON body → 415, as POST /tokens', async () => {
      expectProblem(await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'owner' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      const form = await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'owner', rawBody: 'name=X', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expectProblem(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expectProblem(await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'owner', rawBody: '{"name": ', headers: json }), 400, 'INVALID_JSON');
      expect((await s.keyward.get(ACTORS.owner, s.existing.id)).name).toBe('CI');
    });
  });

  describe('GET /tokens/permissions', () => {
    test('→ 200 with the catalog, sorted by name, no-store', async () => {
      await s.restart({ keyward: s.catalogKeyward });
      const response = await s.api('/tokens/permissions', { actor: 'admin' });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.body).toEqual({
        permissions: Object.keys(PERMISSION_CATALOG)
          .sort()
          .map((name) => ({ name, description: PERMISSION_CATALOG[name] })),
      });
    });

    test('a member → 403 FORBIDDEN', async () => {
      await s.restart({ keyward: s.catalogKeyward });
      expectProblem(await s.api('/tokens/permissions', { actor: 'member' }), 403, 'FORBIDDEN');
    });

    test('a host without a catalog → 200 with an empty list', async () => {
      const response = await s.api('/tokens/permissions', { actor: 'owner' });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ permissions: [] });
    });
  });

  describe('POST /tokens with permissions', () => {
    const create = { name: 'Builds', scope: { kind: 'organization' }, expiresIn: '7d' };

    test('with a catalog: granted names come back sorted, without duplicates, and verify', async () => {
      await s.restart({ keyward: s.catalogKeyward });
      const response = await s.api('/tokens', { method: 'POST', actor: 'owner', body: { ...create, permissions: ['deploys:write', 'builds:read', 'deploys:write'] } });
      expect(response.status).toBe(201);
      expect(response.body.token.permissions).toEqual(['builds:read', 'deploys:write']);
      expect((await s.api(`/tokens/${response.body.token.id}`, { actor: 'owner' })).body.permissions).toEqual(['builds:read', 'deploys:write']);
      expect(await s.catalogKeyward.verify(response.body.plaintext, { permissions: ['builds:write'] })).toMatchObject({
        ok: false,
        code: 'PERMISSION_DENIED',
        missingPermissions: ['builds:write'],
      });
    });

    test.each([
      { label: 'no permissions', permissions: undefined, path: 'permissions' },
      { label: 'an empty list', permissions: [], path: 'permissions' },
      { label: 'a name not in the catalog', permissions: ['builds:delete'], path: 'permissions.0' },
      { label: 'a second name not in the catalog (the index is the one sent, not the sorted one)', permissions: ['deploys:write', 'builds:delete'], path: 'permissions.1' },
      { label: 'a wildcard', permissions: ['builds:*'], path: 'permissions.0' },
      { label: 'an uppercase name', permissions: ['Builds:Read'], path: 'permissions.0' },
      { label: 'a list that is a string', permissions: 'builds:read', path: 'permissions' },
    ])('with a catalog and $label → 400 naming $path, nothing created', async ({ permissions, path }) => {
      await s.restart({ keyward: s.catalogKeyward });
      expectFieldError(await s.api('/tokens', { method: 'POST', actor: 'owner', body: { ...create, permissions } }), path);
      expect((await s.catalogKeyward.list(ACTORS.owner)).items).toEqual([]);
    });

    test('without a catalog, sending permissions → 400 naming permissions, nothing created', async () => {
      expectFieldError(await s.api('/tokens', { method: 'POST', actor: 'owner', body: { ...create, permissions: ['builds:read'] } }), 'permissions');
      expect((await s.keyward.list(ACTORS.owner)).items.map((t) => t.name)).toEqual(['CI']);
    });

    test('without a catalog, a token carries permissions null', async () => {
      const response = await s.api('/tokens', { method: 'POST', actor: 'owner', body: create });
      expect(response.body.token.permissions).toBeNull();
    });

    test('metadata given at creation is returned and listed', async () => {
      const response = await s.api('/tokens', { method: 'POST', actor: 'owner', body: { ...create, metadata: { team: 'web' } } });
      expect(response.status).toBe(201);
      expect(response.body.token.metadata).toEqual({ team: 'web' });
      expectFieldError(await s.api('/tokens', { method: 'POST', actor: 'owner', body: { ...create, name: 'Big', metadata: { blob: 'x'.repeat(4100) } } }), 'metadata');
    });
  });

  describe('GET /tokens list items', () => {
    test('say expiresSoon (active and expiring within 7 days) and show a rolled-away secret until its grace ends', async () => {
      await s.keyward.create(ACTORS.owner, { name: 'Week', scope: { kind: 'organization' }, expiresIn: '7d' });
      await s.keyward.create(ACTORS.owner, { name: 'Forever', scope: { kind: 'organization' }, expiresIn: 'never' });
      await s.keyward.roll(ACTORS.owner, s.existing.id, { previousSecretExpiresIn: '24h' });
      const byName = async () => {
        const items: Array<{ name: string; expiresSoon: boolean; status: string; previousSecret: unknown }> = (await s.api('/tokens', { actor: 'owner' })).body.items;
        return Object.fromEntries(items.map(({ name, expiresSoon, status, previousSecret }) => [name, { expiresSoon, status, previousSecret }]));
      };
      expect(await byName()).toEqual({
        CI: { expiresSoon: false, status: 'active', previousSecret: { hint: hintOf(s.existing.plaintext), expiresAt: T0 + DAY_MS } },
        Week: { expiresSoon: true, status: 'active', previousSecret: null },
        Forever: { expiresSoon: false, status: 'active', previousSecret: null },
      });
      // 23 days on: CI (30d) expires within 7 days; Week has expired, which is not "soon".
      s.clock.set(T0 + 23 * DAY_MS);
      expect(await byName()).toEqual({
        CI: { expiresSoon: true, status: 'active', previousSecret: null },
        Week: { expiresSoon: false, status: 'expired', previousSecret: null },
        Forever: { expiresSoon: false, status: 'active', previousSecret: null },
      });
    });
  });
}
