// The element's API client against keyward's real management API (Hono, memory store), in Node.
import { serve, type ServerType } from '@hono/node-server';
import { createKeyward, memoryStore, type Actor } from '@keyward/core';
import { tokensApp } from '@keyward/hono';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ApiError, createApiClient } from '../src/api.js';

const ACTORS: Record<string, Actor> = {
  admin: { userId: 'u1', organizationId: 'org_1', role: 'admin' },
  member: { userId: 'u2', organizationId: 'org_1', role: 'member' },
};
const keyward = createKeyward({ store: memoryStore(), resolveProject: (id) => (id === 'p1' ? { id, organizationId: 'org_1', name: 'Website' } : null) });
let server: ServerType;
let base = '';
const seen: string[] = [];

beforeAll(async () => {
  const app = new Hono();
  app.use('*', async (c, next) => {
    seen.push(`${c.req.method} ${c.req.path} csrf=${c.req.header('x-csrf-token') ?? ''}`);
    await next();
  });
  app.route('/settings', tokensApp({ keyward, getActor: (c) => ACTORS[c.req.header('x-user') ?? ''] ?? null }));
  app.get('/html-error/tokens', (c) => c.html('<h1>Bad gateway</h1>', 502));
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await keyward.close();
});

test('create → list → preview → delete → bulk delete, with a header hook called before each request', async () => {
  let n = 0;
  const api = createApiClient({ base: `${base}/settings/`, headers: async () => ({ 'x-user': 'admin', 'x-csrf-token': `t${++n}` }) });
  const created = await api.create({ name: 'CI', scope: { kind: 'project', projectId: 'p1' }, expiresIn: '7d' });
  expect(created.plaintext).toMatch(/^kw_/);
  const page = await api.list({ limit: 10 });
  expect(page.items.map((t) => [t.name, t.scopeLabel, t.status])).toEqual([['CI', 'Website', 'active']]);
  expect((await api.preview('never')).expiresAtMs).toBeNull();
  expect(await api.remove(created.token.id)).toBeUndefined();
  const two = [await api.create({ name: 'A', scope: { kind: 'organization' }, expiresIn: '1d' }), await api.create({ name: 'B', scope: { kind: 'organization' }, expiresIn: '1d' })];
  expect(await api.removeMany([...two.map((c) => c.token.id), created.token.id])).toEqual({ deleted: 2, notFound: [created.token.id] });
  expect(seen.filter((line) => line.startsWith('POST') || line.startsWith('DELETE')).every((line) => /csrf=t\d+$/.test(line))).toBe(true);
});

test('refusals are ApiErrors with the status, the problem code and its detail', async () => {
  const admin = createApiClient({ base: `${base}/settings`, headers: { 'x-user': 'admin' } });
  await admin.create({ name: 'Taken', scope: { kind: 'organization' }, expiresIn: '1d' });
  const taken = await admin.create({ name: 'TAKEN', scope: { kind: 'organization' }, expiresIn: '1d' }).catch((e: unknown) => e);
  expect(taken).toBeInstanceOf(ApiError);
  expect(taken).toMatchObject({ status: 409, code: 'NAME_TAKEN' });
  const invalid = (await admin.create({ name: '', scope: { kind: 'organization' }, expiresIn: '1d' }).catch((e: unknown) => e)) as ApiError;
  expect(invalid.status).toBe(400);
  expect(invalid.problem?.errors?.[0]?.path).toBe('name');
  const member = (await createApiClient({ base: `${base}/settings`, headers: { 'x-user': 'member' } }).list({}).catch((e: unknown) => e)) as ApiError;
  expect([member.status, member.code]).toEqual([403, 'FORBIDDEN']);
  const nobody = (await createApiClient({ base: `${base}/settings` }).list({}).catch((e: unknown) => e)) as ApiError;
  expect([nobody.status, nobody.code]).toEqual([401, 'UNAUTHENTICATED']);
});

test('a non-JSON error page keeps its status; an unreachable server is status 0', async () => {
  const html = (await createApiClient({ base: `${base}/html-error` }).list({}).catch((e: unknown) => e)) as ApiError;
  expect([html.status, html.problem, html.message]).toEqual([502, null, 'HTTP 502']);
  const down = (await createApiClient({ base: 'http://127.0.0.1:9/x' }).list({}).catch((e: unknown) => e)) as ApiError;
  expect(down).toBeInstanceOf(ApiError);
  expect(down.status).toBe(0);
});
