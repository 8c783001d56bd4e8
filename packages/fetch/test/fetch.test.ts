import { ConfigurationError, type TokenInfo } from '@keyward/core';
import { createFetchGuard, createFetchManagement, readJsonBody } from '@keyward/fetch';
import { describe, expect, expectTypeOf, test } from 'vitest';
import { ACTORS, testKeyward } from '@keyward/test-kit/http';

const admin = () => ACTORS.admin;

/** A body sent as a stream with no Content-Length, as fetch clients and HTTP/2 do. */
function streamed(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

describe('fetch handlers: what only the fetch glue decides', () => {
  test('withToken reads Next.js-style params (a promise) and hands the handler the typed token', async () => {
    const keyward = testKeyward();
    const { plaintext, token } = await keyward.create(ACTORS.owner, { name: 't', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: 'never' });
    const guard = createFetchGuard<{ projectId: string }>({ keyward, project: (_request, params) => params.projectId });
    const GET = guard.withToken(async (_request, apiToken, context: { params: Promise<{ projectId: string }> }) => {
      expectTypeOf(apiToken).toEqualTypeOf<TokenInfo>();
      return Response.json({ id: apiToken.id, project: (await context.params).projectId });
    });
    const request = (projectId: string) => new Request(`http://x/api/${projectId}`, { headers: { authorization: `Bearer ${plaintext}` } });
    const ok = await GET(request('proj_a1'), { params: Promise.resolve({ projectId: 'proj_a1' }) });
    expect(await ok.json()).toEqual({ id: token.id, project: 'proj_a1' });
    const denied = await GET(request('proj_a2'), { params: Promise.resolve({ projectId: 'proj_a2' }) });
    expect(denied.status).toBe(403);
    await keyward.close();
  });

  test('the guard alone answers { ok, token } or { ok: false, response }', async () => {
    const keyward = testKeyward();
    const { plaintext, token } = await keyward.create(ACTORS.owner, { name: 't', scope: { kind: 'organization' }, expiresIn: 'never' });
    const guard = createFetchGuard({ keyward, organizationLevel: true, header: 'x-api-key' });
    const pass = await guard(new Request('http://x/', { headers: { 'x-api-key': plaintext } }));
    expect(pass).toEqual({ ok: true, token: expect.objectContaining({ id: token.id }) });
    const refused = await guard(new Request('http://x/'));
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.response.status).toBe(401);
      expect(refused.response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    }
    await expect(guard({} as Request)).rejects.toThrow(/takes a fetch Request/);
    await keyward.close();
  });

  test.each([
    { label: 'no keyward', options: { keyward: undefined } },
    { label: 'a project that is not a function', options: { project: 'projectId' } },
    { label: 'a header name with a space', options: { header: 'x api key' } },
  ])('createFetchGuard with $label throws ConfigurationError naming it', ({ options }) => {
    expect(() => createFetchGuard({ keyward: testKeyward(), ...options } as never)).toThrow(ConfigurationError);
    expect(() => createFetchGuard({ keyward: testKeyward(), ...options } as never)).toThrow(/createFetchGuard\(options\)/);
  });

  test.each(['api', 'http://x/api', '/a//b', '/a?x'])('createFetchManagement refuses basePath %j', (basePath) => {
    expect(() => createFetchManagement({ keyward: testKeyward(), getActor: admin, basePath })).toThrow(/basePath/);
  });

  test('createFetchManagement checks getActor at construction', () => {
    expect(() => createFetchManagement({ keyward: testKeyward(), getActor: undefined as never })).toThrow(/createFetchManagement\(options\): getActor/);
  });

  test('outside basePath → 404 problem; a known path with another method → 405 with Allow', async () => {
    const handle = createFetchManagement({ keyward: testKeyward(), getActor: admin, basePath: '/api/settings' });
    const outside = await handle(new Request('http://x/api/other/tokens'));
    expect(outside.status).toBe(404);
    expect(outside.headers.get('content-type')).toBe('application/problem+json');
    expect((await handle(new Request('http://x/api/settingsX/tokens'))).status).toBe(404);
    const wrong = await handle(new Request('http://x/api/settings/tokens', { method: 'PUT' }));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST');
    expect(await wrong.json()).toMatchObject({ status: 405, code: 'METHOD_NOT_ALLOWED' });
    // HEAD is GET without a body, as in Express, Hono and Fastify.
    const head = await handle(new Request('http://x/api/settings/tokens', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/json');
    expect(await head.text()).toBe('');
    // A trailing slash is the same route, as in Express and Hono.
    expect((await handle(new Request('http://x/api/settings/tokens/'))).status).toBe(200);
  });

  test('a body streamed without Content-Length is read (fetch spec), and one over 128 KiB is cut at 413', async () => {
    const handle = createFetchManagement({ keyward: testKeyward(), getActor: admin });
    const post = (body: ReadableStream<Uint8Array>) =>
      handle(new Request('http://x/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body, duplex: 'half' } as RequestInit));
    const created = await post(streamed(['{"name":"CI",', '"scope":{"kind":"organization"},', '"expiresIn":"7d"}']));
    expect(created.status).toBe(201);
    const big = await post(streamed(['{"name":"', 'x'.repeat(70 * 1024), 'x'.repeat(70 * 1024), '"}']));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  test('readJsonBody: no body or another type is "no JSON body"; gzip is 415; a BOM is skipped', async () => {
    expect(await readJsonBody(new Request('http://x/', { method: 'POST' }))).toEqual({ ok: true, value: undefined });
    expect(await readJsonBody(new Request('http://x/', { method: 'POST', body: '{}', headers: { 'content-type': 'text/plain' } }))).toEqual({ ok: true, value: undefined });
    const gzip = await readJsonBody(new Request('http://x/', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } }));
    expect(gzip).toMatchObject({ ok: false, response: { status: 415 } });
    const bom = await readJsonBody(new Request('http://x/', { method: 'POST', body: '\uFEFF{"a":1}', headers: { 'content-type': 'application/json' } }));
    expect(bom).toEqual({ ok: true, value: { a: 1 } });
  });
});

test('a POST without a body is 415 as in Express; an empty body is an empty object, refused by validation (as Hono reads fetch requests)', async () => {
  const handle = createFetchManagement({ keyward: testKeyward(), getActor: admin });
  const json = { 'content-type': 'application/json' };
  expect((await handle(new Request('http://x/tokens', { method: 'POST', headers: json }))).status).toBe(415);
  const empty = await handle(new Request('http://x/tokens', { method: 'POST', headers: json, body: '' }));
  expect(await empty.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
});

test('basePath parameters reach getActor: /orgs/:orgId/settings', async () => {
  const seen: unknown[] = [];
  const handle = createFetchManagement({
    keyward: testKeyward(),
    basePath: '/orgs/:orgId/settings',
    getActor: (_request, params) => {
      seen.push(params);
      return params.orgId === 'org_a' ? ACTORS.admin : null;
    },
  });
  expect((await handle(new Request('http://x/orgs/org_a/settings/tokens'))).status).toBe(200);
  expect((await handle(new Request('http://x/orgs/org_b/settings/tokens'))).status).toBe(401);
  expect((await handle(new Request('http://x/orgs/org_a/other/tokens'))).status).toBe(404);
  expect(seen).toEqual([{ orgId: 'org_a' }, { orgId: 'org_b' }]);
});

test('GET …/tokens/openapi.json serves the OpenAPI document with this mount as its server, no actor needed', async () => {
  const handle = createFetchManagement({ keyward: testKeyward(), basePath: '/api/settings', getActor: () => null });
  const response = await handle(new Request('http://x/api/settings/tokens/openapi.json'));
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.1/), servers: [{ url: '/api/settings' }] });
});
