import { auditEntryId, type AuditDraft, type AuditEntry, type AuditStore, type TokenRecord, type TokenStore } from '@keyward/core';
import { randomUUID } from 'node:crypto';
import { expect, test } from 'vitest';
import { makeHash, makeRecord } from './records.js';

/**
 * A draft as keyward makes one. `at` defaults to a fixed instant; ids are fresh per call.
 * @example store.deleteMany('org_1', [id], makeDraft({ action: 'deleted' }))
 */
export function makeDraft(overrides: Partial<AuditDraft> = {}): AuditDraft {
  return {
    id: `aud_${randomUUID().replace(/-/g, '')}`,
    at: 1_750_000_000_000,
    actor: { type: 'user', userId: 'user_1', role: 'owner' },
    action: 'created',
    changes: null,
    ip: '203.0.113.7',
    userAgent: 'store-tests/1',
    ...overrides,
  };
}

/** The entry a store must make from `draft` for `record` (as it was just before the action). */
function entryOf(draft: AuditDraft, record: TokenRecord): AuditEntry {
  return { ...draft, id: auditEntryId(draft, record.id), organizationId: record.organizationId, tokenId: record.id, tokenName: record.name };
}

/**
 * The conformance tests of contract v3's audit part: each write method stores its draft's entries
 * in the same step (and none when it writes nothing), and the trail reads back newest first in
 * keyset pages. `store()` is the current test's store, which implements `AuditStore`.
 */
export function describeAudit(store: () => TokenStore & AuditStore, timeout: number): void {
  async function trail(organizationId: string, tokenId?: string): Promise<AuditEntry[]> {
    const all: AuditEntry[] = [];
    let after;
    for (let page = 0; page < 10_000; page++) {
      const result = await store().auditLog(organizationId, { tokenId, limit: 3, after });
      all.push(...result.items);
      if (!result.next) return all;
      after = result.next;
    }
    throw new Error('auditLog() never returned next: null');
  }

  test('insert() with a draft stores one entry, field for field; a refused insert (name taken) stores none', { timeout }, async () => {
    const record = makeRecord({ name: 'Audited', nameKey: 'audited' });
    const draft = makeDraft({ changes: { scope: { kind: 'organization' }, remaining: 5 } });
    expect(await store().insert(record, draft)).toBe('ok');
    expect(await trail(record.organizationId)).toEqual([entryOf(draft, record)]);
    expect(await store().insert(makeRecord({ name: 'AUDITED', nameKey: 'audited' }), makeDraft())).toBe('name_taken');
    expect(await trail(record.organizationId)).toHaveLength(1);
  });

  test('of 25 concurrent inserts of one name with drafts, exactly one entry is stored', { timeout }, async () => {
    const records = Array.from({ length: 25 }, () => makeRecord({ name: 'Race', nameKey: 'race' }));
    const outcomes = await Promise.all(records.map((r) => store().insert(r, makeDraft())));
    const winner = records[outcomes.indexOf('ok')]!;
    expect((await trail('org_1')).map((e) => e.tokenId)).toEqual([winner.id]);
  });

  test('deleteMany() with a draft stores one entry per token it deleted, none for the ids it did not find', { timeout }, async () => {
    const records = [makeRecord(), makeRecord(), makeRecord()];
    for (const record of records) await store().insert(record);
    const first = makeDraft({ action: 'bulk_deleted' });
    expect((await store().deleteMany('org_1', [records[0]!.id, 'tok_unknown'], first)).missing).toEqual(['tok_unknown']);
    expect(await trail('org_1')).toEqual([entryOf(first, records[0]!)]);
    // Asked again for an id already gone: nothing deleted, nothing recorded for it.
    const second = makeDraft({ action: 'bulk_deleted', at: first.at + 1 });
    await store().deleteMany('org_1', [records[0]!.id, records[2]!.id], second);
    expect(await trail('org_1')).toEqual([entryOf(second, records[2]!), entryOf(first, records[0]!)]);
    expect(await store().deleteMany('org_1', ['tok_none'], makeDraft({ action: 'deleted' }))).toEqual({ deleted: [], missing: ['tok_none'] });
    expect(await trail('org_1')).toHaveLength(2);
  });

  test('deleteByProject() and deleteExpired() store one entry per token, in each token\'s own organization', { timeout }, async () => {
    const a = makeRecord({ organizationId: 'org_a', scope: { kind: 'project', projectId: 'proj_x' } });
    const b = makeRecord({ organizationId: 'org_b', scope: { kind: 'project', projectId: 'proj_x' } });
    const old = makeRecord({ organizationId: 'org_a', expiresAt: 1000 });
    for (const record of [a, b, old]) await store().insert(record);
    const revoked = makeDraft({ actor: { type: 'system' }, action: 'project_revoked', ip: null, userAgent: null });
    await store().deleteByProject('proj_x', revoked);
    const pruned = makeDraft({ actor: { type: 'system' }, action: 'expired_pruned', at: revoked.at + 1, ip: null, userAgent: null });
    await store().deleteExpired(2000, pruned);
    expect(await trail('org_a')).toEqual([entryOf(pruned, old), entryOf(revoked, a)]);
    expect(await trail('org_b')).toEqual([entryOf(revoked, b)]);
  });

  test('update() and roll() store the token\'s name as it was just before; unknown ids store nothing', { timeout }, async () => {
    const record = makeRecord({ name: 'Before', nameKey: 'before' });
    await store().insert(record);
    const renamed = makeDraft({ action: 'updated', changes: { name: 'After' } });
    await store().update(record.organizationId, record.id, { name: 'After', nameKey: 'after' }, renamed);
    const rolled = makeDraft({ action: 'rolled', at: renamed.at + 1, changes: { previousSecretExpiresAt: null } });
    await store().roll(record.organizationId, record.id, { hash: makeHash(), hint: 'kw_roll', previousExpiresAt: null }, rolled);
    await store().update(record.organizationId, 'tok_missing', { metadata: null }, makeDraft({ action: 'updated' }));
    await store().roll(record.organizationId, 'tok_missing', { hash: makeHash(), hint: 'kw_x', previousExpiresAt: null }, makeDraft({ action: 'rolled' }));
    expect((await trail(record.organizationId)).map((e) => [e.action, e.tokenName])).toEqual([
      ['rolled', 'After'],
      ['updated', 'Before'],
    ]);
  });

  test('a rename refused because the name is taken stores no entry', { timeout }, async () => {
    const taken = makeRecord({ name: 'Taken', nameKey: 'taken' });
    const other = makeRecord();
    await store().insert(taken);
    await store().insert(other);
    expect(await store().update('org_1', other.id, { name: 'TAKEN', nameKey: 'taken' }, makeDraft({ action: 'updated' }))).toBe('name_taken');
    expect(await trail('org_1')).toEqual([]);
  });

  test('auditLog() pages newest first (at, then id, descending), per token with tokenId, never another organization\'s', { timeout }, async () => {
    const token = makeRecord();
    const other = makeRecord();
    const foreign = makeRecord({ organizationId: 'org_other' });
    for (const record of [token, other, foreign]) await store().insert(record);
    const drafts: Array<[TokenRecord, AuditDraft]> = [];
    for (let i = 0; i < 8; i++) {
      const target = i % 3 === 0 ? other : token;
      // Two entries per instant: ties are broken by id.
      const draft = makeDraft({ action: 'updated', at: 1_750_000_000_000 + Math.floor(i / 2), changes: { metadata: { keys: [`k${i}`] } } });
      await store().update('org_1', target.id, { metadata: { [`k${i}`]: i } }, draft);
      drafts.push([target, draft]);
    }
    await store().update('org_other', foreign.id, { metadata: null }, makeDraft({ action: 'updated' }));
    const expected = drafts.map(([record, draft]) => entryOf(draft, record)).sort((x, y) => y.at - x.at || (x.id < y.id ? 1 : -1));
    // Entries keep the record as it was before each update: compare what does not depend on it.
    const strip = (entries: AuditEntry[]) => entries.map(({ id, at, tokenId, action, changes }) => ({ id, at, tokenId, action, changes }));
    expect(strip(await trail('org_1'))).toEqual(strip(expected));
    expect(strip(await trail('org_1', token.id))).toEqual(strip(expected.filter((e) => e.tokenId === token.id)));
    expect(await trail('org_1', foreign.id)).toEqual([]);
    expect((await trail('org_other')).map((e) => e.tokenId)).toEqual([foreign.id]);
  });

  test('entries outlive their token, and pruneAudit(before) deletes exactly those older than before', { timeout }, async () => {
    const record = makeRecord();
    await store().insert(record, makeDraft({ at: 1000 }));
    await store().update('org_1', record.id, { metadata: { a: 1 } }, makeDraft({ action: 'updated', at: 2000 }));
    await store().deleteMany('org_1', [record.id], makeDraft({ action: 'deleted', at: 3000 }));
    expect((await trail('org_1')).map((e) => e.action)).toEqual(['deleted', 'updated', 'created']);
    expect(await store().pruneAudit(2000)).toBe(1);
    expect((await trail('org_1')).map((e) => e.at)).toEqual([3000, 2000]);
    expect((await trail('org_1', record.id)).map((e) => e.at)).toEqual([3000, 2000]);
    expect(await store().pruneAudit(2000)).toBe(0);
  });

  test('no entry holds a secret\'s hash, current or previous', { timeout }, async () => {
    const record = makeRecord({ previous: { hash: makeHash(), hint: 'kw_prev', expiresAt: 2_000_000_000_000 } });
    await store().insert(record, makeDraft());
    const next = makeHash();
    await store().roll('org_1', record.id, { hash: next, hint: 'kw_next', previousExpiresAt: 2_000_000_000_000 }, makeDraft({ action: 'rolled' }));
    await store().deleteMany('org_1', [record.id], makeDraft({ action: 'deleted' }));
    const seen = JSON.stringify(await trail('org_1'));
    for (const hash of [record.hash, record.previous!.hash, next]) expect(seen).not.toContain(hash);
  });
}
