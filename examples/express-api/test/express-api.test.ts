import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createApi } from '../src/app.js';

const keyPrefix = `test:express-api:${randomUUID()}:`;
const redis = new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1, lazyConnect: true });
let server: Server;
let base: string;
let api: ReturnType<typeof createApi>;

beforeAll(async () => {
  await redis.connect();
  api = createApi({ redis, keyPrefix });
  server = api.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await api.keyward.close();
  const keys = await redis.keys(`${keyPrefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const asUser = (user: string, init: RequestInit = {}) => ({ ...init, headers: { ...init.headers, 'x-user': user, 'content-type': 'application/json' } });
interface Created {
  plaintext: string;
  token: { id: string };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

test('an admin creates a project token; it opens its project only; deleting it cuts access', async () => {
  const created = await fetch(`${base}/settings/tokens`, asUser('alice', { method: 'POST', body: JSON.stringify({ name: 'Reports bot', scope: { kind: 'project', projectId: 'proj_web' }, expiresIn: '7d' }) }));
  expect(created.status).toBe(201);
  expect(created.headers.get('cache-control')).toBe('no-store');
  const { plaintext, token } = (await created.json()) as Created;

  const ok = await fetch(`${base}/v1/projects/proj_web/reports`, bearer(plaintext));
  expect(ok.status).toBe(200);
  expect((await ok.json()) as object).toMatchObject({ project: 'Website', calledBy: 'Reports bot' });
  expect((await fetch(`${base}/v1/projects/proj_app/reports`, bearer(plaintext))).status).toBe(403);
  expect((await fetch(`${base}/v1/usage`, bearer(plaintext))).status).toBe(403);

  expect((await fetch(`${base}/settings/tokens/${token.id}`, asUser('alice', { method: 'DELETE' }))).status).toBe(204);
  const after = await fetch(`${base}/v1/projects/proj_web/reports`, bearer(plaintext));
  expect(after.status).toBe(401);
  expect(((await after.json()) as { code: string }).code).toBe('INVALID_TOKEN');
});

test('an organization token reaches every project and the org-level route', async () => {
  const created = await fetch(`${base}/settings/tokens`, asUser('alice', { method: 'POST', body: JSON.stringify({ name: 'Org-wide', scope: { kind: 'organization' }, expiresIn: 'never' }) }));
  const { plaintext } = (await created.json()) as Created;
  for (const path of ['/v1/projects/proj_web/reports', '/v1/projects/proj_app/reports', '/v1/usage']) {
    expect((await fetch(base + path, bearer(plaintext))).status).toBe(200);
  }
  expect((await fetch(`${base}/v1/usage`)).status).toBe(401);
});

test('a member may not list tokens', async () => {
  const listed = await fetch(`${base}/settings/tokens`, asUser('bob'));
  expect(listed.status).toBe(403);
  expect(((await listed.json()) as { code: string }).code).toBe('FORBIDDEN');
});
