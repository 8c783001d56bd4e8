import { ConfigurationError, createKeyward, memoryStore, type TokenInfo, type TokenStore } from '@keyward/core';
import { getApiToken, requireToken, tokensPlugin } from '@keyward/fastify';
import Fastify, { type FastifyRequest } from 'fastify';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { ACTORS, PROJECTS, testKeyward } from '@keyward/test-kit/http';

/** A memory store whose every answer is a promise, as Redis or Postgres stores give. */
function asyncStore(): TokenStore {
  const inner = memoryStore();
  const store = {} as Record<string, unknown>;
  for (const key of Object.keys(inner) as (keyof TokenStore)[]) {
    const method = inner[key] as unknown;
    if (typeof method === 'function') store[key] = async (...args: unknown[]) => (method as (...a: unknown[]) => unknown)(...args);
  }
  return store as unknown as TokenStore;
}

describe('fastify types and construction', () => {
  test('request.apiToken is TokenInfo | undefined; getApiToken(request) gives it non-optional', async () => {
    const keyward = testKeyward();
    const { plaintext, token } = await keyward.create(ACTORS.owner, { name: 't', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: 'never' });
    const app = Fastify();
    app.get<{ Params: { projectId: string } }>(
      '/projects/:projectId',
      { onRequest: requireToken({ keyward, project: (request) => (request.params as { projectId: string }).projectId }) },
      async (request) => {
        expectTypeOf(request.apiToken).toEqualTypeOf<TokenInfo | undefined>();
        expectTypeOf(getApiToken(request)).toEqualTypeOf<TokenInfo>();
        return { name: getApiToken(request).name, id: request.apiToken?.id };
      },
    );
    const response = await app.inject({ url: '/projects/proj_a1', headers: { authorization: `Bearer ${plaintext}` } });
    expect(response.json()).toEqual({ name: 't', id: token.id });
    await app.close();
    await keyward.close();
  });

  test('optional: true leaves request.apiToken unset without credentials; bad credentials are still refused', async () => {
    const keyward = testKeyward();
    const { plaintext, token } = await keyward.create(ACTORS.owner, { name: 't', scope: { kind: 'organization' }, expiresIn: 'never' });
    const app = Fastify();
    app.get('/feed', { onRequest: requireToken({ keyward, optional: true }) }, async (request) => {
      expectTypeOf(request.apiToken).toEqualTypeOf<TokenInfo | undefined>();
      return { id: request.apiToken?.id ?? null };
    });
    expect((await app.inject({ url: '/feed' })).json()).toEqual({ id: null });
    expect((await app.inject({ url: '/feed', headers: { authorization: `Bearer ${plaintext}` } })).json()).toEqual({ id: token.id });
    expect((await app.inject({ url: '/feed', headers: { authorization: 'Bearer nope' } })).statusCode).toBe(401);
    await app.close();
    await keyward.close();
  });

  test('as a preHandler on an async store: refusals and passes alike', async () => {
    const keyward = createKeyward({ store: asyncStore(), resolveProject: (id) => PROJECTS.find((p) => p.id === id) ?? null, onError: () => {} });
    const { plaintext, token } = await keyward.create(ACTORS.owner, { name: 't', scope: { kind: 'organization' }, expiresIn: 'never' });
    const app = Fastify();
    app.get('/org', { preHandler: requireToken({ keyward, organizationLevel: true }) }, async (request) => ({ id: getApiToken(request).id }));
    const ok = await app.inject({ url: '/org', headers: { authorization: `Bearer ${plaintext}` } });
    expect(ok.json()).toEqual({ id: token.id });
    const refused = await app.inject({ url: '/org', headers: { authorization: 'Bearer kw_nope' } });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    await app.close();
    await keyward.close();
  });

  test('GET …/tokens/openapi.json serves the OpenAPI document with the prefix as its server, no actor needed', async () => {
    const app = Fastify();
    await app.register(tokensPlugin, { prefix: '/settings', keyward: testKeyward(), getActor: () => null });
    const response = await app.inject({ url: '/settings/tokens/openapi.json' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.1/), servers: [{ url: '/settings' }] });
    await app.close();
  });

  test('getApiToken throws on a route without requireToken (a wiring bug, not a client error)', () => {
    expect(() => getApiToken({} as FastifyRequest)).toThrow(/add requireToken\(\)/);
  });

  test('requireToken is a named function, built once', () => {
    expect(requireToken({ keyward: testKeyward() }).name).toBe('requireToken');
  });

  test.each([
    { label: 'no keyward', options: { keyward: undefined } },
    { label: 'a project that is not a function', options: { project: 'projectId' } },
    { label: 'a header name with a colon', options: { header: 'x-api-key:' } },
    { label: 'a realm with a newline', options: { realm: 'a\nb' } },
  ])('requireToken with $label throws ConfigurationError at construction', ({ options }) => {
    expect(() => requireToken({ keyward: testKeyward(), ...options } as never)).toThrow(ConfigurationError);
  });

  test('tokensPlugin checks its options at registration', async () => {
    const app = Fastify();
    await expect(app.register(tokensPlugin, { keyward: testKeyward(), getActor: 'nope' as never }).ready()).rejects.toThrow(/tokensPlugin\(options\): getActor/);
  });

  test('bodies: other types answer 415 before the actor is read, as in Express; gzip is 415; host routes keep their own parsers', async () => {
    const app = Fastify();
    let actorReads = 0;
    const getActor = (request: { headers: Record<string, unknown> }) => (actorReads++, request.headers['x-actor'] === 'owner' ? ACTORS.owner : null);
    await app.register(tokensPlugin, { prefix: '/settings', keyward: testKeyward(), getActor });
    app.post('/echo', async (request) => ({ body: request.body }));
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    // A form could come from any site: refused before the host's session is even looked up.
    expect((await app.inject({ method: 'POST', url: '/settings/tokens', headers: form, payload: 'a=b' })).json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect((await app.inject({ method: 'POST', url: '/settings/tokens', headers: { ...form, 'x-actor': 'owner' }, payload: 'a=b' })).json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(actorReads).toBe(0);
    const gzip = await app.inject({ method: 'POST', url: '/settings/tokens', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-actor': 'owner' }, payload: '{}' });
    expect(gzip.statusCode).toBe(415);
    const latin1 = await app.inject({ method: 'POST', url: '/settings/tokens', headers: { 'content-type': 'application/json; charset=latin1', 'x-actor': 'owner' }, payload: '{}' });
    expect(latin1.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
    // The plugin's parsers stay in its own scope: Fastify's JSON parser still serves the host's routes.
    expect((await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } })).json()).toEqual({ body: { a: 1 } });
    await app.close();
  });
});
