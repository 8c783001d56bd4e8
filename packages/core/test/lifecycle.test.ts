// The token lifecycle of the service: the permission catalog, permissions at create and verify,
// roll with a grace period, rename and metadata, and the expiring-soon listing. Time is a hand-moved clock.
import {
  ConfigurationError,
  DAY_MS,
  ForbiddenError,
  NameTakenError,
  TokenNotFoundError,
  ValidationError,
  createKeyward,
  memoryStore,
  type Actor,
  type InvalidationChannel,
  type InvalidationListener,
  type KeywardEvent,
  type PermissionCatalog,
} from '@keyward/core';
import { createGuard } from '@keyward/core/http';
import { ACTORS, T0, resolveProject, setup } from '@keyward/test-kit/fixtures';
import { countingStore } from '@keyward/test-kit/stores';
import { afterEach, describe, expect, test, vi } from 'vitest';

const { owner, admin, member, otherAdmin } = ACTORS;
const orgScope = { kind: 'organization' } as const;
const HOUR_MS = 3_600_000;
const CATALOG: PermissionCatalog = { 'builds:read': 'Read builds', 'builds:write': 'Start builds', 'deploys:write': 'Deploy' };

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

async function expectFieldError(promise: Promise<unknown>, path: string): Promise<void> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).issues.map((i) => i.path)).toContain(path);
}

const ofType = <T extends KeywardEvent['type']>(events: KeywardEvent[], type: T) => events.filter((e): e is Extract<KeywardEvent, { type: T }> => e.type === type);

describe('permission catalog', () => {
  test.each([
    { label: 'uppercase', name: 'Builds:read' },
    { label: 'no action', name: 'builds' },
    { label: 'an empty action', name: 'builds:' },
    { label: 'a wildcard action', name: 'builds:*' },
    { label: 'a wildcard', name: '*' },
    { label: 'a space', name: 'builds: read' },
    { label: 'an inner space', name: 'builds read:x' },
    { label: 'three parts', name: 'a:b:c' },
    { label: 'the empty string', name: '' },
    { label: 'a leading digit', name: '1builds:read' },
  ])('a name with $label ($name) → ConfigurationError at createKeyward', ({ name }) => {
    expect(() => createKeyward({ store: memoryStore(), resolveProject, permissions: { [name]: 'Something' } })).toThrow(ConfigurationError);
  });

  test.each([
    { label: 'an empty catalog', permissions: {} },
    { label: 'a list', permissions: ['builds:read'] },
    { label: 'an empty description', permissions: { 'builds:read': '  ' } },
    { label: 'a description over 200 characters', permissions: { 'builds:read': 'x'.repeat(201) } },
    { label: 'a description that is not a string', permissions: { 'builds:read': 1 } },
  ])('$label → ConfigurationError at createKeyward', ({ permissions }) => {
    expect(() => createKeyward({ store: memoryStore(), resolveProject, permissions: permissions as never })).toThrow(ConfigurationError);
  });

  test('keyward.permissions lists the catalog sorted by name; without one it is empty', () => {
    const { keyward } = setup({ permissions: { 'deploys:write': 'Deploy', 'builds.ci:read': 'Read CI builds', 'builds:read': 'Read builds' } });
    expect(keyward.permissions).toEqual([
      { name: 'builds.ci:read', description: 'Read CI builds' },
      { name: 'builds:read', description: 'Read builds' },
      { name: 'deploys:write', description: 'Deploy' },
    ]);
    expect(setup().keyward.permissions).toEqual([]);
  });
});

describe('create and verify with permissions', () => {
  test('with a catalog, permissions are required, must be in it, and are stored sorted without duplicates', async () => {
    const { keyward } = setup({ permissions: CATALOG });
    await expectFieldError(keyward.create(owner, { name: 'a', scope: orgScope, expiresIn: 'never' }), 'permissions');
    await expectFieldError(keyward.create(owner, { name: 'a', scope: orgScope, expiresIn: 'never', permissions: [] }), 'permissions');
    // The index is the client's own, not that of the sorted list (builds:delete would sort first).
    await expectFieldError(keyward.create(owner, { name: 'a', scope: orgScope, expiresIn: 'never', permissions: ['builds:read', 'builds:delete'] }), 'permissions.1');
    await expectFieldError(keyward.create(owner, { name: 'a', scope: orgScope, expiresIn: 'never', permissions: ['deploys:write', 'Builds:read'] }), 'permissions.1');
    await expectFieldError(keyward.create(owner, { name: 'a', scope: orgScope, expiresIn: 'never', permissions: ['builds:*'] }), 'permissions.0');
    // The message says what the server does declare, so the typo can be fixed from it.
    expect(String(await rejection(keyward.create(owner, { name: 'a', scope: orgScope, expiresIn: 'never', permissions: ['builds:raed'] })))).toContain(
      'permissions.0: "builds:raed" is not a permission of this server, which declares builds:read, builds:write, deploys:write',
    );
    expect((await keyward.list(owner)).items).toEqual([]);
    const { token } = await keyward.create(owner, { name: 'a', scope: orgScope, expiresIn: 'never', permissions: ['deploys:write', 'builds:read', 'deploys:write'] });
    expect(token.permissions).toEqual(['builds:read', 'deploys:write']);
    expect((await keyward.get(owner, token.id)).permissions).toEqual(['builds:read', 'deploys:write']);
  });

  test('without a catalog, permissions are refused and tokens carry null', async () => {
    const { keyward } = setup();
    await expectFieldError(keyward.create(owner, { name: 'a', scope: orgScope, expiresIn: 'never', permissions: ['builds:read'] }), 'permissions');
    const { token } = await keyward.create(owner, { name: 'a', scope: orgScope, expiresIn: 'never' });
    expect(token.permissions).toBeNull();
  });

  test('verify checks every required permission: the missing ones in the order required, with the token id', async () => {
    const { keyward } = setup({ permissions: CATALOG });
    const { plaintext, token } = await keyward.create(owner, { name: 'a', scope: orgScope, expiresIn: 'never', permissions: ['builds:read'] });
    expect(await keyward.verify(plaintext, { permissions: ['builds:read'] })).toMatchObject({ ok: true, token: { id: token.id, permissions: ['builds:read'] } });
    expect(await keyward.verify(plaintext)).toMatchObject({ ok: true });
    expect(await keyward.verify(plaintext, { permissions: ['deploys:write', 'builds:read', 'builds:write'] })).toEqual({
      ok: false,
      code: 'PERMISSION_DENIED',
      tokenId: token.id,
      missingPermissions: ['deploys:write', 'builds:write'],
    });
  });

  test('a required permission outside the catalog is refused as the guard refuses it at startup, not answered PERMISSION_DENIED', async () => {
    const { keyward } = setup({ permissions: CATALOG });
    const { plaintext } = await keyward.create(owner, { name: 'a', scope: orgScope, expiresIn: 'never', permissions: ['builds:read'] });
    const noCatalog = setup().keyward;
    const cases = [
      { service: keyward, permissions: ['builds:raed'], says: '"builds:raed" is not in the catalog given to createKeyward(), which declares builds:read, builds:write, deploys:write' },
      { service: keyward, permissions: ['builds:read', 'deploy:write'], says: '"deploy:write" is not in the catalog' },
      { service: keyward, permissions: [], says: 'permissions must be a non-empty list' },
      { service: keyward, permissions: 'builds:read', says: 'permissions must be a non-empty list' },
      { service: noCatalog, permissions: ['builds:read'], says: 'permissions needs a catalog' },
    ];
    for (const { service, permissions, says } of cases) {
      const refused = await rejection(service.verify(plaintext, { permissions: permissions as string[] }));
      expect(refused).toBeInstanceOf(ConfigurationError);
      expect((refused as Error).message).toContain(says);
      // The guard says the same thing about the same list, at construction.
      let guardSays = '';
      try {
        createGuard({ keyward: service, permissions: permissions as string[] });
      } catch (error) {
        guardSays = (error as Error).message;
      }
      expect(guardSays.replace(/^requireToken\(options\): /, '')).toBe((refused as Error).message.replace(/^verify\(token, target\): /, ''));
    }
  });

  test('scope is checked before permissions: out of scope is SCOPE_DENIED even when permissions are missing too', async () => {
    const { keyward } = setup({ permissions: CATALOG });
    const { plaintext, token } = await keyward.create(owner, { name: 'a', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: 'never', permissions: ['builds:read'] });
    expect(await keyward.verify(plaintext, { projectId: 'proj_a2', permissions: ['deploys:write'] })).toEqual({ ok: false, code: 'SCOPE_DENIED', tokenId: token.id });
    expect(await keyward.verify(plaintext, { projectId: 'proj_a1', permissions: ['deploys:write'] })).toMatchObject({ code: 'PERMISSION_DENIED', missingPermissions: ['deploys:write'] });
    expect(await keyward.verify(plaintext, { projectId: 'proj_a1', permissions: ['builds:read'] })).toMatchObject({ ok: true });
  });

  test('a token created before the host declared a catalog holds no permission, and still passes routes that require none', async () => {
    const store = memoryStore();
    const before = createKeyward({ store, resolveProject });
    const { plaintext } = await before.create(owner, { name: 'old', scope: orgScope, expiresIn: 'never' });
    const after = createKeyward({ store, resolveProject, permissions: CATALOG });
    expect(await after.verify(plaintext, { permissions: ['builds:read'] })).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', missingPermissions: ['builds:read'] });
    expect(await after.verify(plaintext)).toMatchObject({ ok: true, token: { permissions: null } });
  });
});

describe('roll', () => {
  test.each([
    { grace: '1h', ms: HOUR_MS },
    { grace: '24h', ms: 24 * HOUR_MS },
    { grace: '3d', ms: 3 * DAY_MS },
    { grace: '7d', ms: 7 * DAY_MS },
  ] as const)('with $grace: the old secret verifies until rolledAt + $grace - 1 ms and is refused from rolledAt + $grace', async ({ grace, ms }) => {
    const { keyward, clock, events } = setup();
    const created = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: 'never', metadata: { team: 'web' } });
    clock.advance(5 * DAY_MS);
    const rolledAt = clock.now();
    const rolled = await keyward.roll(admin, created.token.id, { previousSecretExpiresIn: grace });
    expect(rolled.plaintext).not.toBe(created.plaintext);
    // Same token: only the secret's hint and the previous secret differ.
    expect(rolled.token).toEqual({ ...created.token, hint: rolled.plaintext.slice(0, 7), previousSecret: { hint: created.token.hint, expiresAt: rolledAt + ms } });
    expect(ofType(events, 'token.rolled')).toEqual([{ type: 'token.rolled', at: rolledAt, actor: admin, token: rolled.token, previousSecretExpiresAt: rolledAt + ms }]);
    expect(JSON.stringify(events)).not.toContain(rolled.plaintext);

    clock.set(rolledAt + ms - 1);
    expect(await keyward.verify(created.plaintext)).toMatchObject({ ok: true, token: { id: created.token.id } });
    clock.set(rolledAt + ms);
    expect(await keyward.verify(created.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect(await keyward.verify(rolled.plaintext)).toMatchObject({ ok: true, token: { id: created.token.id, previousSecret: null } });
    expect((await keyward.get(owner, created.token.id)).previousSecret).toBeNull();
  });

  test("with now (the default): the old secret is refused at once, previousSecret null, the event's previousSecretExpiresAt null", async () => {
    const { keyward, events } = setup();
    const created = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: '30d' });
    const rolled = await keyward.roll(owner, created.token.id);
    expect(rolled.token.previousSecret).toBeNull();
    expect(await keyward.verify(created.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect((await keyward.verify(rolled.plaintext)).ok).toBe(true);
    const again = await keyward.roll(owner, created.token.id, { previousSecretExpiresIn: 'now' });
    expect(await keyward.verify(rolled.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect(ofType(events, 'token.rolled').map((e) => e.previousSecretExpiresAt)).toEqual([null, null]);
    expect((await keyward.verify(again.plaintext)).ok).toBe(true);
  });

  test.each(['1h', '24h', '3d', '7d'] as const)("a grace period of %s never outlives the token's own expiry", async (grace) => {
    const { keyward, clock } = setup();
    const created = await keyward.create(owner, { name: 'Short', scope: orgScope, expiresIn: '1d' });
    const expiresAt = created.token.expiresAt!;
    clock.set(expiresAt - 30 * 60_000);
    const rolled = await keyward.roll(owner, created.token.id, { previousSecretExpiresIn: grace });
    expect(rolled.token.expiresAt).toBe(expiresAt);
    // Rolled half an hour before the token expires: every grace period is cut to the token's expiry.
    expect(rolled.token.previousSecret!.expiresAt).toBe(expiresAt);
    clock.set(expiresAt - 1);
    expect((await keyward.verify(created.plaintext)).ok).toBe(true);
    clock.set(expiresAt);
    expect((await keyward.verify(created.plaintext)).ok).toBe(false);
    expect(await keyward.verify(rolled.plaintext)).toMatchObject({ ok: false, code: 'EXPIRED' });
  });

  test('rolling again inside a grace period ends the first old secret at once; the second keeps its own grace', async () => {
    const { keyward, clock } = setup();
    const s0 = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: 'never' });
    const s1 = await keyward.roll(owner, s0.token.id, { previousSecretExpiresIn: '24h' });
    clock.advance(HOUR_MS);
    const s2 = await keyward.roll(owner, s0.token.id, { previousSecretExpiresIn: '1h' });
    expect(s2.token.previousSecret).toEqual({ hint: s1.token.hint, expiresAt: clock.now() + HOUR_MS });
    expect(await keyward.verify(s0.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect((await keyward.verify(s1.plaintext)).ok).toBe(true);
    expect((await keyward.verify(s2.plaintext)).ok).toBe(true);
    clock.advance(HOUR_MS);
    expect(await keyward.verify(s1.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect((await keyward.verify(s2.plaintext)).ok).toBe(true);
  });

  test('keeps permissions, scope and metadata; the old secret during grace is checked for them as the token', async () => {
    const { keyward } = setup({ permissions: CATALOG });
    const created = await keyward.create(owner, { name: 'CI', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: '30d', permissions: ['builds:read'], metadata: { a: 1 } });
    const rolled = await keyward.roll(owner, created.token.id, { previousSecretExpiresIn: '1h' });
    expect(rolled.token).toMatchObject({ scope: created.token.scope, permissions: ['builds:read'], metadata: { a: 1 } });
    for (const secret of [created.plaintext, rolled.plaintext]) {
      expect(await keyward.verify(secret, { projectId: 'proj_a1', permissions: ['builds:read'] })).toMatchObject({ ok: true });
      expect(await keyward.verify(secret, { projectId: 'proj_a2' })).toMatchObject({ code: 'SCOPE_DENIED' });
      expect(await keyward.verify(secret, { projectId: 'proj_a1', permissions: ['deploys:write'] })).toMatchObject({ code: 'PERMISSION_DENIED' });
    }
  });

  test('deleting a rolled token stops both secrets at once', async () => {
    const { keyward } = setup();
    const created = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: 'never' });
    const rolled = await keyward.roll(owner, created.token.id, { previousSecretExpiresIn: '7d' });
    await keyward.delete(owner, created.token.id);
    expect(await keyward.verify(created.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect(await keyward.verify(rolled.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
  });

  test('refusals: a bad preset names previousSecretExpiresIn, a member is forbidden, another organization gets not found; nothing rolls', async () => {
    const { keyward, events } = setup();
    const created = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: 'never' });
    await expectFieldError(keyward.roll(owner, created.token.id, { previousSecretExpiresIn: '2h' as never }), 'previousSecretExpiresIn');
    expect(await rejection(keyward.roll(member, created.token.id))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(keyward.roll(otherAdmin, created.token.id))).toBeInstanceOf(TokenNotFoundError);
    expect(await rejection(keyward.roll(owner, 'tok_unknown'))).toBeInstanceOf(TokenNotFoundError);
    expect((await keyward.verify(created.plaintext)).ok).toBe(true);
    expect(ofType(events, 'token.rolled')).toEqual([]);
  });
});

describe('update', () => {
  test('renames, sets and clears metadata; each change is a token.updated event naming what changed', async () => {
    const { keyward, clock, events } = setup();
    const created = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: 'never' });
    clock.advance(1000);
    const renamed = await keyward.update(admin, created.token.id, { name: '  CI (old) ' });
    expect(renamed).toEqual({ ...created.token, name: 'CI (old)' });
    const tagged = await keyward.update(admin, created.token.id, { metadata: { team: 'web' } });
    const both = await keyward.update(admin, created.token.id, { name: 'CI', metadata: null });
    expect(both).toMatchObject({ name: 'CI', metadata: null });
    expect(ofType(events, 'token.updated')).toEqual([
      { type: 'token.updated', at: T0 + 1000, actor: admin, token: renamed, changed: ['name'] },
      { type: 'token.updated', at: T0 + 1000, actor: admin, token: tagged, changed: ['metadata'] },
      { type: 'token.updated', at: T0 + 1000, actor: admin, token: both, changed: ['name', 'metadata'] },
    ]);
    // The secret is untouched.
    expect(await keyward.verify(created.plaintext)).toMatchObject({ ok: true, token: { name: 'CI', metadata: null } });
  });

  test('a name taken by another token (any case) → NameTakenError, nothing written, no event; its own name in another case is fine', async () => {
    const { keyward, events } = setup();
    const ci = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: 'never' });
    await keyward.create(owner, { name: 'Deploy', scope: orgScope, expiresIn: 'never' });
    expect(await rejection(keyward.update(owner, ci.token.id, { name: 'deploy', metadata: { a: 1 } }))).toBeInstanceOf(NameTakenError);
    expect(await keyward.get(owner, ci.token.id)).toMatchObject({ name: 'CI', metadata: null });
    expect(ofType(events, 'token.updated')).toEqual([]);
    expect((await keyward.update(owner, ci.token.id, { name: 'ci' })).name).toBe('ci');
    // The old name is free again.
    expect((await keyward.create(owner, { name: 'CI2', scope: orgScope, expiresIn: 'never' })).token.name).toBe('CI2');
  });

  test('bad input names the field; a member is forbidden; another organization gets not found', async () => {
    const { keyward } = setup();
    const { token } = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: 'never' });
    await expectFieldError(keyward.update(owner, token.id, { metadata: { blob: 'x'.repeat(4100) } }), 'metadata');
    await expectFieldError(keyward.update(owner, token.id, { metadata: ['a'] as never }), 'metadata');
    await expectFieldError(keyward.update(owner, token.id, { metadata: { when: new Date() } as never }), 'metadata');
    await expectFieldError(keyward.update(owner, token.id, { name: 'CI\u0000' }), 'name');
    expect(await rejection(keyward.update(owner, token.id, {}))).toBeInstanceOf(ValidationError);
    expect(await rejection(keyward.update(member, token.id, { name: 'x' }))).toBeInstanceOf(ForbiddenError);
    expect(await rejection(keyward.update(otherAdmin, token.id, { name: 'x' }))).toBeInstanceOf(TokenNotFoundError);
    expect(await keyward.get(owner, token.id)).toMatchObject({ name: 'CI', metadata: null });
  });

  test('metadata of exactly 4096 bytes as JSON is accepted, 4097 refused', async () => {
    const { keyward } = setup();
    const { token } = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: 'never' });
    const padding = 4096 - JSON.stringify({ b: '' }).length;
    expect((await keyward.update(owner, token.id, { metadata: { b: 'x'.repeat(padding) } })).metadata).toEqual({ b: 'x'.repeat(padding) });
    await expectFieldError(keyward.update(owner, token.id, { metadata: { b: 'x'.repeat(padding + 1) } }), 'metadata');
  });
});

describe('listExpiring', () => {
  async function fixture() {
    const kw = setup();
    const make = async (name: string, expiresIn: '1d' | '7d' | '30d' | 'never', actor: Actor = owner) => (await kw.keyward.create(actor, { name, scope: orgScope, expiresIn })).token;
    const day = await make('day', '1d');
    const week = await make('week', '7d');
    const otherWeek = await make('other week', '7d', otherAdmin);
    const month = await make('month', '30d');
    await make('never', 'never');
    kw.clock.advance(HOUR_MS);
    const gone = await make('gone', '1d');
    return { ...kw, day, week, otherWeek, month, gone };
  }

  test('within a preset: tokens of every organization expiring in (now, now + within], soonest first, then by id', async () => {
    const { keyward, day, week, otherWeek, gone } = await fixture();
    const page = await keyward.listExpiring({ within: '7d' });
    const sameInstant = [week, otherWeek].sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(page.items.map((t) => t.id)).toEqual([day.id, gone.id, ...sameInstant.map((t) => t.id)]);
    expect(page.nextCursor).toBeNull();
    expect(page.items.every((t) => !('hash' in t))).toBe(true);
  });

  test('within ms: the window edge is inclusive, and a token expiring now is already expired (left out)', async () => {
    const { keyward, clock, day, gone } = await fixture();
    // now = T0 + 1h; day expires at T0 + 1d, gone at T0 + 1h + 1d.
    expect((await keyward.listExpiring({ within: DAY_MS - HOUR_MS })).items.map((t) => t.id)).toEqual([day.id]);
    expect((await keyward.listExpiring({ within: DAY_MS - HOUR_MS - 1 })).items).toEqual([]);
    clock.set(T0 + DAY_MS);
    expect((await keyward.listExpiring({ within: HOUR_MS })).items.map((t) => t.id)).toEqual([gone.id]);
  });

  test('pages with limit and cursor visit every token once, in order', async () => {
    const { keyward, month } = await fixture();
    const all = (await keyward.listExpiring({ within: '30d' })).items.map((t) => t.id);
    expect(all).toHaveLength(5);
    expect(all.at(-1)).toBe(month.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await keyward.listExpiring({ within: '30d', limit: 2, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  test('bad options name the field', async () => {
    const { keyward } = setup();
    await expectFieldError(keyward.listExpiring({ within: '45d' as never }), 'within');
    await expectFieldError(keyward.listExpiring({ within: 0 }), 'within');
    await expectFieldError(keyward.listExpiring({ within: 'never' as never }), 'within');
    await expectFieldError(keyward.listExpiring({ within: '7d', limit: 0 }), 'limit');
    expect(await rejection(keyward.listExpiring({ within: '7d', cursor: 'not-a-cursor' }))).toBeInstanceOf(ValidationError);
  });
});

describe('lookup cache and roll/update on the instance that made them', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A channel that is always proven and never delivers: only the instance's own forgetting keeps the cache right. */
  function silentChannel() {
    let listener: InvalidationListener | undefined;
    const channel: InvalidationChannel = {
      subscribe(l) {
        listener = l;
        return { close: async () => {} };
      },
    };
    return { channel, heartbeat: () => listener!.proven(performance.now()) };
  }

  function cached() {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout', 'performance'] });
    const feed = silentChannel();
    let at = T0;
    const store = countingStore(memoryStore());
    const keyward = createKeyward({ store, resolveProject, now: () => at, cache: { channel: feed.channel, maxStalenessMs: 60_000 } });
    feed.heartbeat();
    /** Verifies twice and checks the second answer came from the cache. */
    const verifyCached = async (plaintext: string) => {
      expect((await keyward.verify(plaintext)).ok).toBe(true);
      const reads = store.calls.findByHash;
      const again = await keyward.verify(plaintext);
      expect(store.calls.findByHash).toBe(reads);
      return again;
    };
    return { keyward, setNow: (next: number) => (at = next), verifyCached };
  }

  test('roll with now: the old secret, cached a moment ago, is refused at once', async () => {
    const { keyward, verifyCached } = cached();
    const created = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: 'never' });
    await verifyCached(created.plaintext);
    const rolled = await keyward.roll(owner, created.token.id, { previousSecretExpiresIn: 'now' });
    expect(await keyward.verify(created.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect((await keyward.verify(rolled.plaintext)).ok).toBe(true);
    await keyward.close();
  });

  test('roll with a grace period: the cached old secret keeps verifying as the previous one, and stops when its grace ends', async () => {
    const { keyward, setNow, verifyCached } = cached();
    const created = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: 'never' });
    await verifyCached(created.plaintext);
    const rolled = await keyward.roll(owner, created.token.id, { previousSecretExpiresIn: '1h' });
    expect(await verifyCached(created.plaintext)).toMatchObject({ ok: true, token: { previousSecret: { expiresAt: T0 + HOUR_MS } } });
    setNow(T0 + HOUR_MS);
    expect(await keyward.verify(created.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    // Rolling again ends the (cached) in-grace secret at once.
    setNow(T0 + 2 * HOUR_MS);
    const again = await keyward.roll(owner, created.token.id, { previousSecretExpiresIn: '24h' });
    await verifyCached(rolled.plaintext);
    await verifyCached(again.plaintext);
    await keyward.roll(owner, created.token.id, { previousSecretExpiresIn: 'now' });
    expect(await keyward.verify(rolled.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect(await keyward.verify(again.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    await keyward.close();
  });

  test('delete after a roll with a grace period: both cached secrets are refused at once on this instance', async () => {
    const { keyward, verifyCached } = cached();
    const created = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: 'never' });
    const rolled = await keyward.roll(owner, created.token.id, { previousSecretExpiresIn: '24h' });
    await verifyCached(created.plaintext);
    await verifyCached(rolled.plaintext);
    await keyward.delete(owner, created.token.id);
    expect(await keyward.verify(created.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect(await keyward.verify(rolled.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    await keyward.close();
  });

  test('update: a cached token is seen with its new name and metadata at once', async () => {
    const { keyward, verifyCached } = cached();
    const created = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: 'never' });
    expect(await verifyCached(created.plaintext)).toMatchObject({ ok: true, token: { name: 'CI' } });
    await keyward.update(owner, created.token.id, { name: 'Renamed', metadata: { a: 1 } });
    expect(await keyward.verify(created.plaintext)).toMatchObject({ ok: true, token: { name: 'Renamed', metadata: { a: 1 } } });
    await keyward.close();
  });
});
