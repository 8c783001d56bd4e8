// On fetch runtimes (Workers, Bun, Deno, HTTP/2) a body may come without Content-Length or
// Transfer-Encoding: tokensApp must read it rather than answer 415.
import { tokensApp } from '@keyward/hono';
import { expect, test } from 'vitest';
import { ACTORS, testKeyward } from '@keyward/test-kit/http';

const app = () => tokensApp({ keyward: testKeyward(), getActor: () => ACTORS.owner });
const json = { 'content-type': 'application/json' };

test('a JSON body without Content-Length is read (fetch runtimes)', async () => {
  const request = new Request('http://x/tokens', { method: 'POST', headers: json, body: JSON.stringify({ name: 'CI', scope: { kind: 'organization' }, expiresIn: '7d' }) });
  expect(request.headers.get('content-length')).toBeNull();
  expect((await app().request(request)).status).toBe(201);
});

test('an empty body without Content-Length is no body (415), as Express answers a bodiless POST', async () => {
  const response = await app().request(new Request('http://x/tokens', { method: 'POST', headers: json, body: '' }));
  expect(response.status).toBe(415);
});
