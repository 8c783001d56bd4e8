// The management API's routes for limits (#23: pause, rate limit, credits through PATCH and POST)
// and records (#24: GET /tokens/audit, /tokens/usage, /tokens/:id/usage), run inside
// describeManagementApi so every framework gets them over real HTTP.
import { describe, expect, test } from 'vitest';
import { ACTORS } from './harness.js';
import { expectFieldError, expectProblem, type ManagementSuiteState } from './lifecycle-cases.js';

/** Declares the limits and records tests; call it inside the management suite's describe, after its hooks. */
export function describeRecordRoutes(s: ManagementSuiteState): void {
  describe('limits through the management API', () => {
    test('PATCH { enabled: false } pauses (listed as paused, refused), { enabled: true } resumes', async () => {
      const paused = await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'admin', body: { enabled: false } });
      expect(paused.status).toBe(200);
      expect(paused.body).toMatchObject({ id: s.existing.id, enabled: false });
      expect(await s.keyward.verify(s.existing.plaintext)).toMatchObject({ ok: false, code: 'DISABLED' });
      expect((await s.api('/tokens', { actor: 'admin' })).body.items[0]).toMatchObject({ id: s.existing.id, status: 'paused' });
      expect((await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'admin', body: { enabled: true } })).body.enabled).toBe(true);
      expect((await s.keyward.verify(s.existing.plaintext)).ok).toBe(true);
    });

    test('POST /tokens with a rate limit and credits → 201 carrying them; PATCH changes and removes them', async () => {
      const created = await s.api('/tokens', {
        method: 'POST',
        actor: 'admin',
        body: { name: 'Metered', scope: { kind: 'organization' }, expiresIn: '30d', rateLimit: { limit: 60, window: '1m' }, remaining: 500, refill: { amount: 500, interval: '30d' } },
      });
      expect(created.status).toBe(201);
      expect(created.body.token).toMatchObject({ rateLimit: { limit: 60, window: 60_000 }, remaining: 500, refill: { amount: 500, interval: '30d' }, nextRefillAt: expect.any(Number) });
      const changed = await s.api(`/tokens/${created.body.token.id}`, { method: 'PATCH', actor: 'admin', body: { rateLimit: null, remaining: 10, refill: null } });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ rateLimit: null, remaining: 10, refill: null, nextRefillAt: null });
    });

    test('bad limits → 400 naming the field: a window that is not whole seconds, negative credits, an unknown field', async () => {
      const patch = (body: unknown) => s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'admin', body });
      expectFieldError(await patch({ rateLimit: { limit: 5, window: 1500 } }), 'rateLimit.window');
      expectFieldError(await patch({ remaining: -1 }), 'remaining');
      expectFieldError(await patch({ refill: { amount: 5, interval: '2d' } }), 'refill.interval');
      expectProblem(await patch({ rateLimit: { limit: 5, window: '1s', burst: 10 } }), 400, 'VALIDATION_FAILED');
      expect((await s.keyward.get(ACTORS.owner, s.existing.id)).rateLimit).toBeNull();
    });
  });

  describe('GET /tokens/audit', () => {
    test('→ 200, no-store: the trail newest first, with the client\'s User-Agent; not taken for a token id', async () => {
      // The suite's clock stands still: a step, so the entries do not tie on their instant.
      s.clock.advance(1000);
      await s.api(`/tokens/${s.existing.id}`, { method: 'PATCH', actor: 'admin', body: { name: 'CI renamed' }, headers: { 'user-agent': 'records-cases/1' } });
      const response = await s.api('/tokens/audit', { actor: 'admin' });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const [latest] = response.body.items;
      expect(latest).toMatchObject({ action: 'updated', tokenId: s.existing.id, tokenName: 'CI', changes: { name: 'CI renamed' }, userAgent: 'records-cases/1', actor: { type: 'user', userId: ACTORS.admin.userId, role: 'admin' } });
      expect(response.body.items.at(-1)).toMatchObject({ action: 'created', tokenId: s.existing.id });
      expect(response.body).toHaveProperty('nextCursor', null);
    });

    test('pages with limit and cursor, filters with tokenId; a member → 403', async () => {
      for (const name of ['one', 'two', 'three']) {
        s.clock.advance(1000);
        await s.api('/tokens', { method: 'POST', actor: 'owner', body: { name, scope: { kind: 'organization' }, expiresIn: '1d' } });
      }
      const first = await s.api('/tokens/audit?limit=2', { actor: 'owner' });
      expect(first.body.items).toHaveLength(2);
      const second = await s.api(`/tokens/audit?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { actor: 'owner' });
      expect(second.body.items.map((e: { tokenName: string }) => e.tokenName)).toEqual(['one', 'CI']);
      const mine = await s.api(`/tokens/audit?tokenId=${s.existing.id}`, { actor: 'owner' });
      expect(mine.body.items.map((e: { tokenId: string }) => e.tokenId)).toEqual([s.existing.id]);
      expectProblem(await s.api('/tokens/audit', { actor: 'member' }), 403, 'FORBIDDEN');
      expectFieldError(await s.api('/tokens/audit?cursor=nope', { actor: 'owner' }), 'cursor');
    });
  });

  describe('GET /tokens/:id/usage and /tokens/usage', () => {
    test('→ 200 with one row per UTC day (zeros included) and the total; the organization\'s total sums every token', async () => {
      for (let i = 0; i < 3; i++) await s.keyward.verify(s.existing.plaintext);
      await s.keyward.verify(s.existing.plaintext, { projectId: 'proj_b1' });
      await s.keyward.flush();
      const response = await s.api(`/tokens/${s.existing.id}/usage?days=2`, { actor: 'admin' });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.body.tokenId).toBe(s.existing.id);
      expect(response.body.days).toHaveLength(2);
      expect(response.body.days[1]).toMatchObject({ accepted: 3, refused: { SCOPE_DENIED: 1, EXPIRED: 0 } });
      expect(response.body.total).toMatchObject({ accepted: 3 });
      const total = await s.api('/tokens/usage?days=2', { actor: 'admin' });
      expect(total.status).toBe(200);
      expect(total.body).toMatchObject({ tokenId: null, total: { accepted: 3 } });
    });

    test('an unknown id → 404; days out of range → 400; a member → 403', async () => {
      expectProblem(await s.api('/tokens/tok_nope/usage', { actor: 'admin' }), 404, 'TOKEN_NOT_FOUND');
      expectFieldError(await s.api(`/tokens/${s.existing.id}/usage?days=0`, { actor: 'admin' }), 'days');
      expectFieldError(await s.api('/tokens/usage?days=401', { actor: 'admin' }), 'days');
      expectProblem(await s.api(`/tokens/${s.existing.id}/usage`, { actor: 'member' }), 403, 'FORBIDDEN');
    });
  });
}
