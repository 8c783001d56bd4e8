// What every Worker recipe of the docs must answer (docs/fetch.md's on the memory store,
// docs/stores.md's on PostgreSQL and Redis): the same routes, the same walk.
import type { Miniflare } from 'miniflare';
import { expect } from 'vitest';

/**
 * create → use → refused for another project, without a token and without the admin → delete →
 * refused, each a request of its own. `stored()`, where given, reads from Node the names of the
 * tokens the store holds: a token made by one request lives in the store, not in the request.
 */
export async function walkRecipe(worker: Miniflare, stored?: () => Promise<string[]>): Promise<void> {
  const admin = { 'x-demo-user': 'admin' };
  const created = await worker.dispatchFetch('http://worker/settings/tokens', {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'CI', scope: { kind: 'project', projectId: 'proj_web' }, expiresIn: '7d' }),
  });
  expect(created.status).toBe(201);
  const { plaintext, token } = (await created.json()) as { plaintext: string; token: { id: string } };
  const bearer = { authorization: `Bearer ${plaintext}` };
  const used = await worker.dispatchFetch('http://worker/projects/proj_web/builds', { headers: bearer });
  expect(await used.json()).toEqual({ projectId: 'proj_web', calledBy: 'CI' });
  if (stored) expect(await stored()).toEqual(['CI']);
  expect((await worker.dispatchFetch('http://worker/projects/proj_other/builds', { headers: bearer })).status).toBe(403);
  expect((await worker.dispatchFetch('http://worker/projects/proj_web/builds')).status).toBe(401);
  expect((await worker.dispatchFetch('http://worker/settings/tokens')).status).toBe(401);
  expect((await worker.dispatchFetch(`http://worker/settings/tokens/${token.id}`, { method: 'DELETE', headers: admin })).status).toBe(204);
  const refused = await worker.dispatchFetch('http://worker/projects/proj_web/builds', { headers: bearer });
  expect(refused.status).toBe(401);
  expect(await refused.json()).toMatchObject({ code: 'INVALID_TOKEN' });
  if (stored) expect(await stored()).toEqual([]);
}
