import { ClosedError, ConfigurationError, DAY_MS, EXPIRY_PRESETS, ForbiddenError, NameTakenError, StoreFailedError, StoreUnavailableError, TokenNotFoundError, ValidationError, createKeyward, memoryStore, previewExpiration, type Actor, type TokenStore } from '@keyward/core';
import { describe, expect, test } from 'vitest';
import { ACTORS, T0, resolveProject, setup } from '@keyward/test-kit/fixtures';

const { owner, admin, member, otherAdmin } = ACTORS;

const orgScope = { kind: 'organization' } as const;

async function expectError<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(type);
  return error as E;
}

describe('roles', () => {
  const operations = {
    view: (k: ReturnType<typeof setup>['keyward'], a: Actor) => k.list(a),
    create: (k: ReturnType<typeof setup>['keyward'], a: Actor) => k.create(a, { name: `T ${a.role}`, scope: orgScope, expiresIn: '7d' }),
    delete: async (k: ReturnType<typeof setup>['keyward'], a: Actor) => {
      const { token } = await k.create(owner, { name: `D ${a.role}`, scope: orgScope, expiresIn: '7d' });
      await k.delete(a, token.id);
    },
    bulkDelete: async (k: ReturnType<typeof setup>['keyward'], a: Actor) => {
      const { token } = await k.create(owner, { name: `B ${a.role}`, scope: orgScope, expiresIn: '7d' });
      await k.deleteMany(a, [token.id]);
    },
  };
  const expected: Record<Actor['role'], 'allowed' | 'forbidden'> = { owner: 'allowed', admin: 'allowed', member: 'forbidden' };

  for (const [role, outcome] of Object.entries(expected)) {
    for (const [operation, run] of Object.entries(operations)) {
      test(`${role} × ${operation} → ${outcome}`, async () => {
        const { keyward } = setup();
        const actor: Actor = { userId: `u_${role}`, organizationId: 'org_a', role: role as Actor['role'] };
        const result = run(keyward, actor);
        if (outcome === 'allowed') await result;
        else await expectError(result, ForbiddenError);
      });
    }
  }

  test('a member cannot read a single token either', async () => {
    const { keyward } = setup();
    const { token } = await keyward.create(owner, { name: 'x', scope: orgScope, expiresIn: '1d' });
    await expectError(keyward.get(member, token.id), ForbiddenError);
  });
});

describe('create and verify', () => {
  test('a created token verifies and the plaintext is returned once, never stored', async () => {
    const { keyward, events } = setup();
    const { plaintext, token } = await keyward.create(admin, { name: '  Production  ', scope: orgScope, expiresIn: '30d' });
    expect(token).toMatchObject({ name: 'Production', organizationId: 'org_a', createdBy: 'u_admin', createdAt: T0, lastUsedAt: null });
    expect(token.hint).toBe(plaintext.slice(0, 7));
    const result = await keyward.verify(plaintext);
    expect(result).toEqual({ ok: true, token: { ...token } });
    expect(JSON.stringify(events)).not.toContain(plaintext);
    expect(JSON.stringify(await keyward.get(admin, token.id))).not.toContain(plaintext);
  });

  test('nothing the store holds or the events carry contains a plaintext token', async () => {
    const inner = memoryStore();
    const stored: string[] = [];
    const spy: TokenStore = { ...inner, insert: (record) => (stored.push(JSON.stringify(record)), inner.insert(record)) };
    const events: unknown[] = [];
    const keyward = createKeyward({ store: spy, resolveProject, onEvent: (e) => events.push(e) });
    const plaintexts: string[] = [];
    for (let i = 0; i < 50; i++) {
      const { plaintext, token } = await keyward.create(owner, { name: `t${i}`, scope: i % 2 ? orgScope : { kind: 'project', projectId: 'proj_a1' }, expiresIn: 'never' });
      plaintexts.push(plaintext);
      await keyward.verify(plaintext);
      if (i % 3 === 0) await keyward.delete(owner, token.id);
    }
    await keyward.flush();
    const everything = stored.join('\n') + JSON.stringify(events) + JSON.stringify(await keyward.list(owner, { limit: 100 }));
    for (const plaintext of plaintexts) {
      expect(everything).not.toContain(plaintext);
      expect(everything).not.toContain(plaintext.slice(3, 30));
    }
  });

  test('deleted token → NOT_FOUND', async () => {
    const { keyward } = setup();
    const { plaintext, token } = await keyward.create(owner, { name: 'gone', scope: orgScope, expiresIn: 'never' });
    expect((await keyward.verify(plaintext)).ok).toBe(true);
    await keyward.delete(owner, token.id);
    expect(await keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
  });

  test('malformed tokens are refused without any store call', async () => {
    const { keyward, store } = setup();
    const { plaintext } = await keyward.create(owner, { name: 'x', scope: orgScope, expiresIn: 'never' });
    const before = store.calls.findByHash ?? 0;
    for (const bad of ['', 'kw_', plaintext.slice(0, -1) + (plaintext.endsWith('A') ? 'B' : 'A'), plaintext.toUpperCase(), 'x'.repeat(1_000_000), `Bearer ${plaintext}`]) {
      expect(await keyward.verify(bad)).toEqual({ ok: false, code: 'MALFORMED' });
    }
    expect(store.calls.findByHash ?? 0).toBe(before);
  });

  test('a token of another prefix is malformed for this instance', async () => {
    const { keyward } = setup({ prefix: 'acme' });
    const { plaintext } = await keyward.create(owner, { name: 'x', scope: orgScope, expiresIn: 'never' });
    expect(plaintext.startsWith('acme_')).toBe(true);
    const other = setup();
    expect(await other.keyward.verify(plaintext)).toEqual({ ok: false, code: 'MALFORMED' });
  });

  test('non-string token → MALFORMED, a result like any other refusal', async () => {
    const { keyward } = setup();
    expect(await keyward.verify(42 as unknown as string)).toEqual({ ok: false, code: 'MALFORMED' });
  });
});

describe('expiry', () => {
  test('valid 1 ms before expiresAt, refused with EXPIRED at it', async () => {
    const { keyward, clock } = setup();
    const { plaintext, token } = await keyward.create(owner, { name: 'short', scope: orgScope, expiresIn: '1d' });
    expect(token.expiresAt).toBe(T0 + DAY_MS);
    clock.set(T0 + DAY_MS - 1);
    expect((await keyward.verify(plaintext)).ok).toBe(true);
    clock.set(T0 + DAY_MS);
    expect(await keyward.verify(plaintext)).toMatchObject({ ok: false, code: 'EXPIRED' });
  });

  test('for every preset, the preview equals what create stores at the same instant', async () => {
    const { keyward, clock } = setup();
    for (const [i, preset] of EXPIRY_PRESETS.entries()) {
      clock.set(T0 + i * 7919);
      const preview = keyward.previewExpiration(preset);
      expect(preview).toBe(previewExpiration(preset, clock.now()));
      const { token } = await keyward.create(owner, { name: `p ${preset}`, scope: orgScope, expiresIn: preset });
      expect(token.expiresAt).toBe(preview);
    }
    expect(keyward.previewExpiration('never')).toBeNull();
    expect(previewExpiration('90d', 0)).toBe(90 * DAY_MS);
  });

  test('expired tokens stay listed as expired until pruned; pruneExpired honours olderThanMs', async () => {
    const { keyward, clock, events } = setup();
    const { token: soon } = await keyward.create(owner, { name: 'soon', scope: orgScope, expiresIn: '1d' });
    clock.advance(1);
    const { token: later } = await keyward.create(owner, { name: 'later', scope: orgScope, expiresIn: '7d' });
    clock.set(T0 + 1 + 2 * DAY_MS);
    const listed = await keyward.list(owner);
    expect(listed.items.map((t) => [t.name, t.status])).toEqual([
      ['later', 'active'],
      ['soon', 'expired'],
    ]);
    expect(await keyward.pruneExpired({ olderThanMs: 2 * DAY_MS })).toEqual({ deleted: 0 });
    expect(await keyward.pruneExpired({ olderThanMs: DAY_MS })).toEqual({ deleted: 1 });
    expect((await keyward.list(owner)).items.map((t) => t.id)).toEqual([later.id]);
    expect(events.at(-1)).toMatchObject({ type: 'token.deleted', reason: 'expired_pruned', actor: null, token: { id: soon.id } });
  });
});

describe('scopes', () => {
  async function tokens() {
    const ctx = setup();
    const org = await ctx.keyward.create(owner, { name: 'org', scope: orgScope, expiresIn: 'never' });
    ctx.clock.advance(1);
    const proj = await ctx.keyward.create(owner, { name: 'proj', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: 'never' });
    const other = await ctx.keyward.create(otherAdmin, { name: 'other', scope: orgScope, expiresIn: 'never' });
    return { ...ctx, org: org.plaintext, proj: proj.plaintext, other: other.plaintext };
  }

  const cases = [
    // [token, target, expected]
    ['org', {}, true],
    ['org', { projectId: 'proj_a1' }, true],
    ['org', { projectId: 'proj_a2' }, true],
    ['org', { projectId: 'proj_b1' }, false],
    ['org', { projectId: 'proj_missing' }, false],
    ['org', { organizationLevel: true }, true],
    ['org', { organizationId: 'org_a' }, true],
    ['org', { organizationId: 'org_b' }, false],
    ['proj', {}, true],
    ['proj', { projectId: 'proj_a1' }, true],
    ['proj', { projectId: 'proj_a2' }, false],
    ['proj', { projectId: 'proj_b1' }, false],
    ['proj', { organizationLevel: true }, false],
    ['proj', { organizationId: 'org_a' }, false],
    ['proj', { organizationId: 'org_a', projectId: 'proj_a1' }, true],
    ['other', { projectId: 'proj_a1' }, false],
    ['other', { organizationId: 'org_a' }, false],
    ['other', { projectId: 'proj_b1' }, true],
  ] as const;

  for (const [which, target, allowed] of cases) {
    test(`${which} token on ${JSON.stringify(target)} → ${allowed ? 'ok' : 'SCOPE_DENIED'}`, async () => {
      const ctx = await tokens();
      const result = await ctx.keyward.verify(ctx[which], target);
      expect(result.ok ? true : result.code).toBe(allowed ? true : 'SCOPE_DENIED');
    });
  }

  test('list shows "Organization" or the project name', async () => {
    const { keyward } = await tokens();
    const { items } = await keyward.list(owner);
    expect(items.map((t) => [t.name, t.scopeLabel])).toEqual([
      ['proj', 'Alpha web'],
      ['org', 'Organization'],
    ]);
  });

  test('revokeProject deletes that project\'s tokens and emits project_revoked', async () => {
    const ctx = await tokens();
    expect(await ctx.keyward.revokeProject('proj_a1')).toEqual({ deleted: 1 });
    expect(await ctx.keyward.verify(ctx.proj)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect((await ctx.keyward.verify(ctx.org)).ok).toBe(true);
    expect(ctx.events.at(-1)).toMatchObject({ type: 'token.deleted', reason: 'project_revoked', actor: null });
  });
});

describe('names', () => {
  test('two parallel creates with the same name differing only in case → exactly one succeeds', async () => {
    const { keyward } = setup();
    const results = await Promise.allSettled([
      keyward.create(owner, { name: 'Deploy Bot', scope: orgScope, expiresIn: '7d' }),
      keyward.create(admin, { name: 'deploy bot', scope: orgScope, expiresIn: '7d' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(NameTakenError);
    expect(rejected.reason.code).toBe('NAME_TAKEN');
    expect((await keyward.list(owner)).items).toHaveLength(1);
  });

  test('names are NFC-normalized before comparison, and unique per organization only', async () => {
    const { keyward } = setup();
    await keyward.create(owner, { name: 'Caf\u00e9', scope: orgScope, expiresIn: '7d' });
    await expectError(keyward.create(owner, { name: 'CAFE\u0301', scope: orgScope, expiresIn: '7d' }), NameTakenError);
    await keyward.create(otherAdmin, { name: 'café', scope: orgScope, expiresIn: '7d' });
  });
});

describe('bad input → typed error naming the field, store unchanged', () => {
  const cases: Array<[string, (k: ReturnType<typeof setup>['keyward']) => Promise<unknown>, string]> = [
    ['empty name', (k) => k.create(owner, { name: '   ', scope: orgScope, expiresIn: '7d' }), 'name'],
    ['101-char name', (k) => k.create(owner, { name: 'x'.repeat(101), scope: orgScope, expiresIn: '7d' }), 'name'],
    ['control char in name', (k) => k.create(owner, { name: 'a\u0000b', scope: orgScope, expiresIn: '7d' }), 'name'],
    ['non-string name', (k) => k.create(owner, { name: 5 as unknown as string, scope: orgScope, expiresIn: '7d' }), 'name'],
    ['unknown preset', (k) => k.create(owner, { name: 'a', scope: orgScope, expiresIn: '2d' as '7d' }), 'expiresIn'],
    ['unknown scope kind', (k) => k.create(owner, { name: 'a', scope: { kind: 'team' } as never, expiresIn: '7d' }), 'scope.kind'],
    ['project of another organization', (k) => k.create(owner, { name: 'a', scope: { kind: 'project', projectId: 'proj_b1' }, expiresIn: '7d' }), 'scope.projectId'],
    ['unknown project', (k) => k.create(owner, { name: 'a', scope: { kind: 'project', projectId: 'nope' }, expiresIn: '7d' }), 'scope.projectId'],
    ['1001 ids', (k) => k.deleteMany(owner, Array.from({ length: 1001 }, (_, i) => `tok_${i}`)), 'ids'],
    ['no ids', (k) => k.deleteMany(owner, []), 'ids'],
    ['non-string id in ids', (k) => k.deleteMany(owner, ['tok_1', 7 as unknown as string]), 'ids.1'],
    ['bad actor role', (k) => k.list({ ...owner, role: 'root' as 'owner' }), 'actor.role'],
    ['bad list limit', (k) => k.list(owner, { limit: 0 }), 'limit'],
    ['bad cursor', (k) => k.list(owner, { cursor: 'garbage' }), 'cursor'],
    ['negative prune age', (k) => k.pruneExpired({ olderThanMs: -1 }), 'olderThanMs'],
  ];

  for (const [label, run, field] of cases) {
    test(`${label} → ValidationError on ${field}`, async () => {
      const { keyward, store } = setup();
      await keyward.create(owner, { name: 'existing', scope: orgScope, expiresIn: '7d' });
      const before = JSON.stringify(await keyward.list(owner));
      const inserts = store.calls.insert;
      const error = await expectError(run(keyward), ValidationError);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.field).toBe(field);
      expect(error.message).toContain(field);
      expect(JSON.stringify(await keyward.list(owner))).toBe(before);
      expect(store.calls.insert).toBe(inserts);
      expect(store.calls.deleteMany ?? 0).toBe(0);
    });
  }

  test('bad configuration throws at construction', () => {
    expect(() => createKeyward({} as never)).toThrow(ConfigurationError);
    expect(() => createKeyward({ store: memoryStore() } as never)).toThrow(/resolveProject/);
    expect(() => createKeyward({ store: memoryStore(), resolveProject: () => null, prefix: 'BAD' })).toThrow(/prefix/);
    expect(() => createKeyward({ store: memoryStore(), resolveProject: () => null, lastUsedIntervalMs: -5 })).toThrow(/lastUsedIntervalMs/);
  });
});

describe('deletion', () => {
  test('deleteMany of 1000 ids, 1 deleted a moment earlier by another admin: 999 deleted, 1 reported in notFound, 999 token.deleted events', async () => {
    const { keyward, events } = setup();
    const made = [];
    for (let i = 0; i < 1000; i++) made.push(await keyward.create(owner, { name: `t${i}`, scope: orgScope, expiresIn: '7d' }));
    const gone = made[500]!.token.id;
    await keyward.delete(admin, gone);
    const before = events.length;
    expect(await keyward.deleteMany(owner, made.map((m) => m.token.id))).toEqual({ deleted: 999, notFound: [gone] });
    const emitted = events.slice(before);
    expect(emitted).toHaveLength(999);
    expect(emitted.every((e) => e.type === 'token.deleted' && e.reason === 'bulk_deleted' && e.token.id !== gone)).toBe(true);
    for (const m of [made[0]!, made[999]!]) expect(await keyward.verify(m.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
  });

  test('deleteMany reports unknown ids in notFound in the order given, counts repeats once, and deletes the rest', async () => {
    const { keyward } = setup();
    const a = await keyward.create(owner, { name: 'a', scope: orgScope, expiresIn: '7d' });
    const b = await keyward.create(owner, { name: 'b', scope: orgScope, expiresIn: '7d' });
    const kept = await keyward.create(owner, { name: 'kept', scope: orgScope, expiresIn: '7d' });
    expect(await keyward.deleteMany(admin, ['tok_nope', a.token.id, b.token.id, a.token.id, 'tok_nada'])).toEqual({ deleted: 2, notFound: ['tok_nope', 'tok_nada'] });
    expect(await keyward.verify(b.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    expect((await keyward.verify(kept.plaintext)).ok).toBe(true);
    // Asked again, everything is already gone: nothing deleted, nothing thrown.
    expect(await keyward.deleteMany(admin, [a.token.id, b.token.id])).toEqual({ deleted: 0, notFound: [a.token.id, b.token.id] });
  });

  test('another organization\'s token is "not found", not "forbidden", and is left alone', async () => {
    const { keyward } = setup();
    const theirs = await keyward.create(otherAdmin, { name: 'theirs', scope: orgScope, expiresIn: '7d' });
    await expectError(keyward.get(owner, theirs.token.id), TokenNotFoundError);
    await expectError(keyward.delete(owner, theirs.token.id), TokenNotFoundError);
    expect(await keyward.deleteMany(owner, [theirs.token.id])).toEqual({ deleted: 0, notFound: [theirs.token.id] });
    expect(await keyward.deleteMany(owner, ['tok_unknown'])).toEqual({ deleted: 0, notFound: ['tok_unknown'] });
    expect((await keyward.verify(theirs.plaintext)).ok).toBe(true);
  });

  test('a store answering deleteMany with the old all-or-none shape ({ ok, missing }) → StoreFailedError naming the contract, no event', async () => {
    const store = memoryStore();
    const events: unknown[] = [];
    const keyward = createKeyward({ store: { ...store, deleteMany: async (_org, ids) => ({ ok: false, missing: [...ids] }) as never }, resolveProject, onEvent: (e) => events.push(e) });
    const { token } = await keyward.create(owner, { name: 'old', scope: orgScope, expiresIn: '7d' });
    const error = await expectError(keyward.deleteMany(owner, [token.id]), StoreFailedError);
    expect(error.message).toMatch(/deleted, missing/);
    await expectError(keyward.delete(owner, token.id), StoreFailedError);
    expect(events).toHaveLength(1);
  });

  test('events: created and deleted with actor and reason', async () => {
    const { keyward, events } = setup();
    const { token } = await keyward.create(owner, { name: 'audit', scope: orgScope, expiresIn: '7d' });
    await keyward.delete(admin, token.id);
    expect(events.map((e) => [e.type, e.actor?.userId, e.type === 'token.deleted' ? e.reason : null, e.token.id])).toEqual([
      ['token.created', 'u_owner', null, token.id],
      ['token.deleted', 'u_admin', 'deleted', token.id],
    ]);
  });
});

describe('list', () => {
  test('cursor pagination walks every token once, newest first', async () => {
    const { keyward, clock } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      clock.set(T0 + Math.floor(i / 2));
      ids.push((await keyward.create(owner, { name: `n${i}`, scope: orgScope, expiresIn: '7d' })).token.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await keyward.list(owner, { limit: 5, cursor });
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(12);
    expect(new Set(seen)).toEqual(new Set(ids));
    const created = (await keyward.list(owner, { limit: 100 })).items.map((t) => t.createdAt);
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });
});

describe('last used', () => {
  test('10 000 verifies of one token within an interval cause exactly 1 store write', async () => {
    const { keyward, store, clock } = setup({ lastUsedIntervalMs: 60_000 });
    const { plaintext, token } = await keyward.create(owner, { name: 'hot', scope: orgScope, expiresIn: 'never' });
    for (let i = 0; i < 10_000; i++) {
      clock.set(T0 + i); // 10 s of traffic, all inside one 60 s interval
      expect((await keyward.verify(plaintext)).ok).toBe(true);
    }
    await keyward.flush();
    expect(store.touched).toBe(1);
    expect((await keyward.get(owner, token.id)).lastUsedAt).toBe(T0 + 9_999);
  });

  test('across intervals: at most one write per token per interval', async () => {
    const { keyward, store, clock } = setup({ lastUsedIntervalMs: 1000 });
    const { plaintext } = await keyward.create(owner, { name: 'hot', scope: orgScope, expiresIn: 'never' });
    for (let i = 0; i < 10_000; i++) {
      clock.set(T0 + i); // 10 s at 1 s intervals
      await keyward.verify(plaintext);
      if (i % 250 === 0) await keyward.flush();
    }
    await keyward.flush();
    expect(store.touched).toBeLessThanOrEqual(10);
    expect(store.touched).toBeGreaterThanOrEqual(9);
  });

  test('writes happen off the request path and close() flushes them', async () => {
    const { keyward, store } = setup({ lastUsedFlushDelayMs: 60_000 });
    const { plaintext, token } = await keyward.create(owner, { name: 'x', scope: orgScope, expiresIn: 'never' });
    await keyward.verify(plaintext);
    expect(store.touched).toBe(0);
    await keyward.close();
    expect(store.touched).toBe(1);
    const record = await store.get('org_a', token.id);
    expect(record?.lastUsedAt).toBe(T0);
    await expectError(keyward.list(owner), ClosedError);
  });

  for (const [how, failing] of [
    ['rejects', () => Promise.reject(new Error('down'))],
    ['throws synchronously', () => {
      throw new Error('down');
    }],
  ] as const) {
    test(`a flush whose touch() ${how} keeps the update for the next flush`, async () => {
      const inner = memoryStore();
      let fail = true;
      const store: TokenStore = { ...inner, touch: (u) => (fail ? failing() : inner.touch(u)) };
      const errors: unknown[] = [];
      const keyward = createKeyward({ store, resolveProject: () => null, lastUsedFlushDelayMs: 60_000, onError: (e) => errors.push(e) });
      const { plaintext, token } = await keyward.create(owner, { name: 'x', scope: orgScope, expiresIn: 'never' });
      await keyward.verify(plaintext);
      await expectError(keyward.flush(), StoreFailedError);
      fail = false;
      await keyward.flush();
      expect((await inner.get('org_a', token.id))?.lastUsedAt).not.toBeNull();
      await keyward.close();
    });
  }
});

describe('store failures fail closed', () => {
  test('a store that says it is unavailable makes verify reject with StoreUnavailableError, never a pass', async () => {
    const inner = memoryStore();
    let down = false;
    const store: TokenStore = {
      ...inner,
      findByHash: (hash) => {
        if (down) throw new StoreUnavailableError('ECONNREFUSED');
        return inner.findByHash(hash);
      },
    };
    const keyward = createKeyward({ store, resolveProject: () => null });
    const { plaintext } = await keyward.create(owner, { name: 'x', scope: orgScope, expiresIn: 'never' });
    down = true;
    const error = await expectError(keyward.verify(plaintext), StoreUnavailableError);
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toBe('ECONNREFUSED');
    down = false;
    expect((await keyward.verify(plaintext)).ok).toBe(true);
  });

  test('a store that fails with an error of its own (a bug) makes verify reject with StoreFailedError, the cause kept', async () => {
    const inner = memoryStore();
    const store: TokenStore = { ...inner, findByHash: async () => Promise.reject(new TypeError('row is undefined')) };
    const keyward = createKeyward({ store, resolveProject: () => null });
    const { plaintext } = await keyward.create(owner, { name: 'x', scope: orgScope, expiresIn: 'never' });
    const error = await expectError(keyward.verify(plaintext), StoreFailedError);
    expect(error.code).toBe('STORE_FAILED');
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});

describe('pepper rotation', () => {
  test('tokens created under an old pepper still verify after rotation, and not once it is dropped', async () => {
    const store = memoryStore();
    const resolveProject = () => null;
    const before = createKeyward({ store, resolveProject, pepper: 'pepper-one-0123456789' });
    const { plaintext } = await before.create(owner, { name: 'x', scope: orgScope, expiresIn: 'never' });
    const rotated = createKeyward({ store, resolveProject, pepper: { current: 'pepper-two-0123456789', previous: ['pepper-one-0123456789'] } });
    expect((await rotated.verify(plaintext)).ok).toBe(true);
    const dropped = createKeyward({ store, resolveProject, pepper: 'pepper-two-0123456789' });
    expect(await dropped.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    const unpeppered = createKeyward({ store, resolveProject });
    expect(await unpeppered.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
  });

  test('previous: [null] keeps tokens issued before any pepper verifying once one is turned on', async () => {
    const store = memoryStore();
    const resolveProject = () => null;
    const { plaintext } = await createKeyward({ store, resolveProject }).create(owner, { name: 'old', scope: orgScope, expiresIn: 'never' });
    expect(await createKeyward({ store, resolveProject, pepper: 'pepper-new-0123456789' }).verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
    const migrating = createKeyward({ store, resolveProject, pepper: { current: 'pepper-new-0123456789', previous: [null] } });
    expect((await migrating.verify(plaintext)).ok).toBe(true);
    const fresh = await migrating.create(owner, { name: 'new', scope: orgScope, expiresIn: 'never' });
    expect(await createKeyward({ store, resolveProject }).verify(fresh.plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
  });
});
