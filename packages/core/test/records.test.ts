// Issue #24 on core and the memory store: the audit trail (one entry per management action, in the
// same step), its keyset pages, JSON lines and retention; usage per token per UTC day, batched off
// the request path, read back per token and per organization.
import { DAY_MS, FeatureUnavailableError, ForbiddenError, createKeyward, memoryStore, type AuditEntry, type UsageStore } from '@keyward/core';
import { ACTORS, T0, resolveProject, setup } from '@keyward/test-kit/fixtures';
import { describe, expect, test } from 'vitest';

const { owner, admin, member, otherAdmin } = ACTORS;
const org = { kind: 'organization' } as const;

async function allEntries(keyward: ReturnType<typeof setup>['keyward'], tokenId?: string): Promise<AuditEntry[]> {
  const all: AuditEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await keyward.auditLog(owner, { tokenId, cursor, limit: 2 });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return all;
}

describe('audit trail', () => {
  test('every management action writes one entry: who, what, which token under which name, from where — newest first', async () => {
    const { keyward, clock } = setup();
    const client = { ip: '198.51.100.4', userAgent: 'settings-page/2' };
    const a = await keyward.create(owner, { name: 'A', scope: org, expiresIn: 'never', metadata: { team: 'web' } }, client);
    clock.advance(1000);
    await keyward.update(admin, a.token.id, { name: 'A2' }, client);
    clock.advance(1000);
    await keyward.update(admin, a.token.id, { enabled: false });
    clock.advance(1000);
    await keyward.update(admin, a.token.id, { enabled: true });
    clock.advance(1000);
    await keyward.update(admin, a.token.id, { rateLimit: { limit: 5, window: '1s' }, remaining: 10 });
    clock.advance(1000);
    await keyward.roll(owner, a.token.id, { previousSecretExpiresIn: '1h' });
    clock.advance(1000);
    await keyward.delete(owner, a.token.id, client);
    const entries = await allEntries(keyward);
    expect(entries.map((e) => [e.action, e.tokenName, e.actor])).toEqual([
      ['deleted', 'A2', { type: 'user', userId: owner.userId, role: 'owner' }],
      ['rolled', 'A2', { type: 'user', userId: owner.userId, role: 'owner' }],
      ['updated', 'A2', { type: 'user', userId: admin.userId, role: 'admin' }],
      ['resumed', 'A2', { type: 'user', userId: admin.userId, role: 'admin' }],
      ['paused', 'A2', { type: 'user', userId: admin.userId, role: 'admin' }],
      ['updated', 'A', { type: 'user', userId: admin.userId, role: 'admin' }],
      ['created', 'A', { type: 'user', userId: owner.userId, role: 'owner' }],
    ]);
    expect(entries.map((e) => e.at)).toEqual([6, 5, 4, 3, 2, 1, 0].map((s) => T0 + s * 1000));
    expect(entries.every((e) => e.tokenId === a.token.id && e.organizationId === 'org_a')).toBe(true);
    expect(entries[0]).toMatchObject({ ip: client.ip, userAgent: client.userAgent, changes: null });
    expect(entries[1]).toMatchObject({ ip: null, userAgent: null, changes: { previousSecretExpiresAt: T0 + 5000 + 3_600_000 } });
    expect(entries[2]!.changes).toEqual({ rateLimit: { limit: 5, window: 1000 }, remaining: 10 });
    expect(entries[5]!.changes).toEqual({ name: 'A2' });
    // Created: the settings, metadata as its keys only (the host's values may be personal).
    expect(entries[6]!.changes).toEqual({ scope: org, expiresAt: null, permissions: null, metadata: { keys: ['team'] }, rateLimit: null, remaining: null, refill: null });
    // Never a secret or a hash.
    expect(JSON.stringify(entries)).not.toContain(a.plaintext.slice(3));
  });

  test('bulk deletes write one entry per token; project revocations and pruning are the system\'s', async () => {
    const { keyward, clock } = setup();
    const one = await keyward.create(owner, { name: 'one', scope: org, expiresIn: 'never' });
    const two = await keyward.create(owner, { name: 'two', scope: org, expiresIn: 'never' });
    const scoped = await keyward.create(owner, { name: 'scoped', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: 'never' });
    const expiring = await keyward.create(owner, { name: 'expiring', scope: org, expiresIn: '1d' });
    clock.advance(1);
    await keyward.deleteMany(admin, [one.token.id, two.token.id]);
    await keyward.revokeProject('proj_a1');
    clock.advance('7d');
    await keyward.pruneExpired();
    const deletions = (await allEntries(keyward)).filter((e) => e.action !== 'created');
    expect(deletions.map((e) => [e.action, e.tokenName, e.actor.type]).sort()).toEqual(
      [
        ['bulk_deleted', 'one', 'user'],
        ['bulk_deleted', 'two', 'user'],
        ['project_revoked', 'scoped', 'system'],
        ['expired_pruned', 'expiring', 'system'],
      ].sort(),
    );
    expect((await allEntries(keyward, scoped.token.id)).map((e) => e.action)).toEqual(['project_revoked', 'created']);
    expect((await allEntries(keyward, expiring.token.id)).map((e) => e.action)).toEqual(['expired_pruned', 'created']);
  });

  test('a refused action writes nothing: a name taken, an unknown id; a bulk delete records only what it deleted', async () => {
    const { keyward, clock } = setup();
    const a = await keyward.create(owner, { name: 'A', scope: org, expiresIn: 'never' });
    await expect(keyward.create(owner, { name: 'a', scope: org, expiresIn: 'never' })).rejects.toThrow();
    await expect(keyward.update(owner, 'tok_nope', { name: 'B' })).rejects.toThrow();
    await expect(keyward.delete(owner, 'tok_nope')).rejects.toThrow();
    expect(await keyward.deleteMany(owner, ['tok_nope'])).toEqual({ deleted: 0, notFound: ['tok_nope'] });
    expect((await allEntries(keyward)).map((e) => e.action)).toEqual(['created']);
    clock.advance(1);
    expect(await keyward.deleteMany(owner, [a.token.id, 'tok_nope'])).toEqual({ deleted: 1, notFound: ['tok_nope'] });
    expect((await allEntries(keyward)).map((e) => [e.action, e.tokenId])).toEqual([
      ['bulk_deleted', a.token.id],
      ['created', a.token.id],
    ]);
  });

  test('only owners and admins read it, each their own organization\'s; keyset pages join up exactly', async () => {
    const { keyward, clock } = setup();
    for (let i = 0; i < 5; i++) {
      await keyward.create(owner, { name: `t${i}`, scope: org, expiresIn: 'never' });
      // Two per instant: ties are ordered by id.
      if (i % 2) clock.advance(1);
    }
    await keyward.create(otherAdmin, { name: 'theirs', scope: org, expiresIn: 'never' });
    const paged = await allEntries(keyward);
    const whole = (await keyward.auditLog(owner, { limit: 100 })).items;
    expect(paged).toEqual(whole);
    expect(whole.map((e) => e.tokenName).sort()).toEqual(['t0', 't1', 't2', 't3', 't4']);
    expect(whole.map((e) => [e.at, e.id])).toEqual([...whole].sort((x, y) => y.at - x.at || (x.id < y.id ? 1 : -1)).map((e) => [e.at, e.id]));
    await expect(keyward.auditLog(member)).rejects.toBeInstanceOf(ForbiddenError);
    expect((await keyward.auditLog(otherAdmin)).items.map((e) => e.tokenName)).toEqual(['theirs']);
    await expect(keyward.auditLog(owner, { cursor: 'not-a-cursor' })).rejects.toMatchObject({ field: 'cursor' });
  });

  test('auditLines() exports the whole trail as JSON lines, newest first', async () => {
    const { keyward } = setup();
    for (let i = 0; i < 3; i++) await keyward.create(owner, { name: `t${i}`, scope: org, expiresIn: 'never' });
    const lines: string[] = [];
    for await (const line of keyward.auditLines(owner)) lines.push(line);
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(lines.map((line) => JSON.parse(line) as AuditEntry)).toEqual((await keyward.auditLog(owner)).items);
  });

  test('pruneHistory() deletes entries older than the retention (400 days by default) and keeps the rest', async () => {
    const { keyward, clock } = setup();
    await keyward.create(owner, { name: 'old', scope: org, expiresIn: 'never' });
    clock.advance(300 * DAY_MS);
    await keyward.create(owner, { name: 'newer', scope: org, expiresIn: 'never' });
    clock.advance(101 * DAY_MS);
    expect(await keyward.pruneHistory()).toEqual({ auditEntries: 1, usageRows: 0 });
    expect((await allEntries(keyward)).map((e) => e.tokenName)).toEqual(['newer']);
  });

  test('audit: false writes no entries and the trail answers FeatureUnavailableError', async () => {
    const store = memoryStore();
    const keyward = createKeyward({ store, resolveProject, audit: false });
    await keyward.create(owner, { name: 'x', scope: org, expiresIn: 'never' });
    await expect(keyward.auditLog(owner)).rejects.toBeInstanceOf(FeatureUnavailableError);
    expect((await store.auditLog('org_a', { limit: 10 })).items).toEqual([]);
  });
});

describe('usage', () => {
  test('counts accepted and refused requests per token per UTC day, one store write per flush, read back day by day', async () => {
    const { keyward, store, clock } = setup();
    const a = await keyward.create(owner, { name: 'a', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: 'never', remaining: 3 });
    for (let i = 0; i < 4; i++) await keyward.verify(a.plaintext, { projectId: 'proj_a1' });
    await keyward.verify(a.plaintext, { projectId: 'proj_a2' });
    await keyward.verify('kw_notatokenatall');
    await keyward.flush();
    expect(store.calls.addUsage).toBe(1);
    clock.advance(DAY_MS);
    await keyward.update(owner, a.token.id, { enabled: false });
    await keyward.verify(a.plaintext, { projectId: 'proj_a1' });
    await keyward.flush();
    const report = await keyward.usage(owner, a.token.id, { days: 3 });
    const zero = { DISABLED: 0, EXPIRED: 0, SCOPE_DENIED: 0, PERMISSION_DENIED: 0, RATE_LIMITED: 0, USAGE_EXHAUSTED: 0 };
    expect(report).toEqual({
      tokenId: a.token.id,
      days: [
        { day: '2025-12-31', accepted: 0, refused: zero },
        { day: '2026-01-01', accepted: 3, refused: { ...zero, USAGE_EXHAUSTED: 1, SCOPE_DENIED: 1 } },
        { day: '2026-01-02', accepted: 0, refused: { ...zero, DISABLED: 1 } },
      ],
      total: { accepted: 3, refused: { ...zero, USAGE_EXHAUSTED: 1, SCOPE_DENIED: 1, DISABLED: 1 } },
    });
  });

  test('1000 verifications make one store write, never one per request; close() flushes what is pending', async () => {
    const { keyward, store } = setup();
    const a = await keyward.create(owner, { name: 'a', scope: org, expiresIn: 'never' });
    for (let i = 0; i < 1000; i++) keyward.check(a.plaintext);
    expect(store.calls.addUsage).toBe(0);
    await keyward.close();
    expect(store.calls.addUsage).toBe(1);
    expect((await (store as unknown as UsageStore).readUsage('org_a', { tokenId: a.token.id, fromDay: '2026-01-01', toDay: '2026-01-01' }))[0]?.accepted).toBe(1000);
  });

  test('each batch tells the store how long keyward keeps the counts (usage.retentionDays, default 90), so it may let them expire after that', async () => {
    for (const [usage, retentionDays] of [[true, 90], [{ retentionDays: 7 }, 7]] as const) {
      const inner = memoryStore();
      const told: unknown[] = [];
      const store = { ...inner, addUsage: (...args: Parameters<typeof inner.addUsage>) => (told.push(args[1]), inner.addUsage(...args)) };
      const keyward = createKeyward({ store, resolveProject, usage, now: () => T0 });
      const a = await keyward.create(owner, { name: 'a', scope: org, expiresIn: 'never' });
      await keyward.verify(a.plaintext);
      await keyward.close();
      expect(told).toEqual([{ retentionDays }]);
    }
  });

  test('organizationUsage() sums every token, deleted ones included; another organization\'s stay out', async () => {
    const { keyward } = setup();
    const a = await keyward.create(owner, { name: 'a', scope: org, expiresIn: 'never' });
    const b = await keyward.create(owner, { name: 'b', scope: org, expiresIn: 'never' });
    const theirs = await keyward.create(otherAdmin, { name: 'c', scope: org, expiresIn: 'never' });
    for (const token of [a, b, b, theirs]) await keyward.verify(token.plaintext);
    await keyward.flush();
    await keyward.delete(owner, b.token.id);
    expect((await keyward.organizationUsage(owner, { days: 1 })).total.accepted).toBe(3);
    expect((await keyward.organizationUsage(otherAdmin, { days: 1 })).total.accepted).toBe(1);
    await expect(keyward.usage(owner, theirs.token.id)).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });
    await expect(keyward.usage(member, a.token.id)).rejects.toBeInstanceOf(ForbiddenError);
  });

  test('a failed flush keeps its counts for the next one: nothing lost, nothing doubled', async () => {
    const { keyward, store } = setup({ onError: () => {} });
    const a = await keyward.create(owner, { name: 'a', scope: org, expiresIn: 'never' });
    for (let i = 0; i < 5; i++) await keyward.verify(a.plaintext);
    store.down = true;
    await expect(keyward.flush()).rejects.toThrow();
    store.down = false;
    for (let i = 0; i < 2; i++) await keyward.verify(a.plaintext);
    await keyward.flush();
    expect((await keyward.usage(owner, a.token.id, { days: 1 })).total.accepted).toBe(7);
  });

  test('pruneHistory() drops usage older than 90 days (by default)', async () => {
    const { keyward, clock } = setup();
    const a = await keyward.create(owner, { name: 'a', scope: org, expiresIn: 'never' });
    await keyward.verify(a.plaintext);
    await keyward.flush();
    clock.advance(91 * DAY_MS);
    await keyward.verify(a.plaintext);
    await keyward.flush();
    expect(await keyward.pruneHistory()).toMatchObject({ usageRows: 1 });
    expect((await keyward.usage(owner, a.token.id, { days: 400 })).total.accepted).toBe(1);
  });

  test('usage: false counts nothing and usage() answers FeatureUnavailableError', async () => {
    const store = memoryStore();
    const keyward = createKeyward({ store, resolveProject, usage: false });
    const a = await keyward.create(owner, { name: 'a', scope: org, expiresIn: 'never' });
    await keyward.verify(a.plaintext);
    await keyward.flush();
    await expect(keyward.usage(owner, a.token.id)).rejects.toBeInstanceOf(FeatureUnavailableError);
    expect(await store.readUsage('org_a', { tokenId: null, fromDay: '2000-01-01', toDay: '2100-01-01' })).toEqual([]);
  });
});
