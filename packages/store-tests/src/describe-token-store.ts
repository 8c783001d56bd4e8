import { storeFeatures, type AuditStore, type DeleteManyResult, type LimitsStore, type RateLimiterStore, type TokenRecord, type TokenStore, type UsageStore } from '@keyward/core';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { describeAudit } from './audit.js';
import { describeConcurrentChanges } from './concurrent-changes.js';
import { describeFailClosed } from './fail-closed.js';
import { describeLifecycle } from './lifecycle.js';
import { describeLimits, describeRateLimiter } from './limits.js';
import { makeRecord, useLimitFields } from './records.js';
import { describeUsage } from './usage.js';

export interface TokenStoreSuiteOptions {
  /** Called after each test with the store it used, e.g. to delete the test's keys or tables. */
  cleanup?: (store: TokenStore) => void | Promise<void>;
  /** Per-test timeout in ms. Default 20 000. */
  timeout?: number;
  /**
   * Cuts the store off from its data as an outage would (close its connection, stop its server,
   * make its file unreadable). When given, the suite also checks that the store fails closed:
   * every call throws `StoreUnavailableError`, none answers "not found". Called at most once per
   * test, after `makeStore`; `cleanup` still runs afterwards.
   */
  breakStore?: (store: TokenStore) => void | Promise<void>;
  /**
   * The contract v3 parts the store implements, whose conformance tests run too: `limits`
   * (`LimitsStore`: the limit fields and `spend()`), `rateLimiter` (`RateLimiterStore`), `audit`
   * (`AuditStore`, and the write methods' drafts), `usage` (`UsageStore`). Default: none. A test
   * checks that the list is exactly what the store implements, so a part can be neither claimed
   * without its methods nor implemented without its tests running.
   */
  parts?: readonly StorePart[];
}

/** A contract v3 part a store may implement. */
export type StorePart = 'limits' | 'rateLimiter' | 'audit' | 'usage';

/**
 * Runs the keyward store conformance suite: every behaviour the `TokenStore` contract promises,
 * and the tests of each contract v3 part the store implements (limits, rate limiter, audit,
 * usage), detected from one store made up front exactly as keyward detects them.
 * `makeStore` is called once per test and must return an empty store (use a fresh key prefix,
 * table prefix or file per call).
 *
 * @example
 * import { describeTokenStore } from '@keyward/store-tests';
 * describeTokenStore('my store', () => myStore({ client, keyPrefix: `test:${crypto.randomUUID()}:` }), {
 *   breakStore: (store) => client.disconnect(),
 * });
 */
export function describeTokenStore(
  name: string,
  makeStore: () => TokenStore | Promise<TokenStore>,
  options: TokenStoreSuiteOptions = {},
): void {
  const timeout = options.timeout ?? 20_000;

  describe(`TokenStore conformance: ${name}`, () => {
    let store: TokenStore;
    const parts = new Set(options.parts ?? []);

    beforeEach(async () => {
      store = await makeStore();
      // A store with the limits part returns the limit fields from every read: records carry them.
      useLimitFields(parts.has('limits'));
    });

    afterEach(async () => {
      await options.cleanup?.(store);
      await store.close?.();
    });

    async function insertAll(records: TokenRecord[]): Promise<void> {
      for (const record of records) expect(await store.insert(record)).toBe('ok');
    }

    async function listAll(organizationId: string, limit: number): Promise<TokenRecord[]> {
      const all: TokenRecord[] = [];
      let after;
      for (let page = 0; page < 10_000; page++) {
        const result = await store.list(organizationId, { limit, after });
        all.push(...result.items);
        if (!result.next) return all;
        after = result.next;
      }
      throw new Error('list() never returned next: null');
    }

    test('insert() then findByHash() returns the same record, field for field', { timeout }, async () => {
      const record = makeRecord({
        name: 'Prod — ünïcødé 🚀',
        nameKey: 'prod — ünïcødé 🚀',
        scope: { kind: 'project', projectId: 'proj_42' },
        expiresAt: 1_800_000_000_000,
        createdBy: 'user_9',
      });
      expect(await store.insert(record)).toBe('ok');
      expect(await store.findByHash(record.hash)).toEqual(record);
    });

    test('findByHash() of an unknown hash returns null', { timeout }, async () => {
      await insertAll([makeRecord()]);
      expect(await store.findByHash(makeRecord().hash)).toBeNull();
    });

    test('get() finds a token only within its own organization', { timeout }, async () => {
      const record = makeRecord({ organizationId: 'org_a' });
      await insertAll([record]);
      expect(await store.get('org_a', record.id)).toEqual(record);
      expect(await store.get('org_b', record.id)).toBeNull();
      expect(await store.get('org_a', 'tok_missing')).toBeNull();
    });

    test('insert() of a name key already used in the organization returns name_taken and writes nothing', { timeout }, async () => {
      const first = makeRecord({ name: 'Deploy', nameKey: 'deploy' });
      const second = makeRecord({ name: 'DEPLOY', nameKey: 'deploy' });
      await insertAll([first]);
      expect(await store.insert(second)).toBe('name_taken');
      expect(await store.findByHash(second.hash)).toBeNull();
      expect(await store.get(second.organizationId, second.id)).toBeNull();
      expect((await listAll(first.organizationId, 100)).map((r) => r.id)).toEqual([first.id]);
    });

    test('the same name key may be used in two organizations', { timeout }, async () => {
      await insertAll([
        makeRecord({ organizationId: 'org_a', name: 'CI', nameKey: 'ci' }),
        makeRecord({ organizationId: 'org_b', name: 'CI', nameKey: 'ci' }),
      ]);
    });

    test('of 25 concurrent insert()s with one name key, exactly one succeeds', { timeout }, async () => {
      const records = Array.from({ length: 25 }, (_, i) => makeRecord({ name: i % 2 ? 'Race' : 'RACE', nameKey: 'race' }));
      const outcomes = await Promise.all(records.map((r) => store.insert(r)));
      expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'name_taken')).toHaveLength(24);
      const found = await Promise.all(records.map((r) => store.findByHash(r.hash)));
      expect(found.filter((r) => r !== null)).toHaveLength(1);
      expect(await listAll('org_1', 100)).toHaveLength(1);
    });

    test('a name becomes free again once its token is deleted', { timeout }, async () => {
      const first = makeRecord({ name: 'Reuse', nameKey: 'reuse' });
      await insertAll([first]);
      expect(await store.deleteMany(first.organizationId, [first.id])).toMatchObject({ missing: [] });
      expect(await store.insert(makeRecord({ name: 'reuse', nameKey: 'reuse' }))).toBe('ok');
    });

    test('list() returns newest first, ties broken by id descending, and only the organization\'s tokens', { timeout }, async () => {
      const records = [
        makeRecord({ createdAt: 1000, id: 'tok_a' }),
        makeRecord({ createdAt: 3000, id: 'tok_b' }),
        makeRecord({ createdAt: 2000, id: 'tok_c' }),
        makeRecord({ createdAt: 2000, id: 'tok_d' }),
        makeRecord({ createdAt: 5000, id: 'tok_e', organizationId: 'org_other' }),
      ];
      await insertAll(records);
      const page = await store.list('org_1', { limit: 10 });
      expect(page.items.map((r) => r.id)).toEqual(['tok_b', 'tok_d', 'tok_c', 'tok_a']);
      expect(page.next).toBeNull();
      expect((await store.list('org_none', { limit: 10 })).items).toEqual([]);
    });

    test('list() pages with after: every token exactly once, in order, next null on the last page', { timeout }, async () => {
      const records = Array.from({ length: 23 }, (_, i) => makeRecord({ createdAt: 10_000 + Math.floor(i / 3) }));
      await insertAll([...records].reverse());
      const expected = [...records].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1)).map((r) => r.id);
      const first = await store.list('org_1', { limit: 5 });
      expect(first.items).toHaveLength(5);
      expect(first.next).toEqual({ createdAt: first.items[4]!.createdAt, id: first.items[4]!.id });
      expect((await listAll('org_1', 5)).map((r) => r.id)).toEqual(expected);
      expect((await listAll('org_1', 23)).map((r) => r.id)).toEqual(expected);
      expect((await listAll('org_1', 1)).map((r) => r.id)).toEqual(expected);
    });

    test('list() includes expired tokens', { timeout }, async () => {
      const expired = makeRecord({ expiresAt: 1 });
      await insertAll([expired]);
      expect((await store.list('org_1', { limit: 10 })).items.map((r) => r.id)).toEqual([expired.id]);
    });

    test('deleteMany(ids) makes findByHash(), get() and list() forget every one of them', { timeout }, async () => {
      const records = Array.from({ length: 5 }, () => makeRecord());
      await insertAll(records);
      const [a, b, c, d, e] = records as [TokenRecord, TokenRecord, TokenRecord, TokenRecord, TokenRecord];
      const result = await store.deleteMany('org_1', [a.id, c.id, e.id]);
      expect(result.missing).toEqual([]);
      expect(result.deleted.map((r) => r.id).sort()).toEqual([a.id, c.id, e.id].sort());
      for (const gone of [a, c, e]) {
        expect(await store.findByHash(gone.hash)).toBeNull();
        expect(await store.get('org_1', gone.id)).toBeNull();
      }
      expect((await listAll('org_1', 2)).map((r) => r.id).sort()).toEqual([b.id, d.id].sort());
    });

    test('deleteMany() deletes the found ids and reports the ids that were already gone (1000 ids, 1 deleted just before: 999 deleted, 1 missing)', { timeout: Math.max(timeout, 60_000) }, async () => {
      const records = Array.from({ length: 1000 }, () => makeRecord());
      await Promise.all(records.map((r) => store.insert(r)));
      const gone = records[500]!;
      // Another admin deletes one of them a moment earlier.
      expect((await store.deleteMany('org_1', [gone.id])).deleted.map((r) => r.id)).toEqual([gone.id]);
      const result = await store.deleteMany('org_1', records.map((r) => r.id));
      expect(result.missing).toEqual([gone.id]);
      expect(result.deleted.map((r) => r.id).sort()).toEqual(records.filter((r) => r !== gone).map((r) => r.id).sort());
      expect((await store.list('org_1', { limit: 10 })).items).toEqual([]);
      expect(await store.findByHash(records[999]!.hash)).toBeNull();
    });

    test('a token of another organization is reported gone like an unknown one, and kept', { timeout }, async () => {
      const mine = [makeRecord(), makeRecord()];
      const foreign = makeRecord({ organizationId: 'org_other' });
      await insertAll([...mine, foreign]);
      const result = await store.deleteMany('org_1', [mine[0]!.id, 'tok_unknown', foreign.id, mine[1]!.id]);
      expect(result.missing).toEqual(['tok_unknown', foreign.id]);
      expect(result.deleted.map((r) => r.id).sort()).toEqual([mine[0]!.id, mine[1]!.id].sort());
      for (const record of mine) expect(await store.findByHash(record.hash)).toBeNull();
      expect(await store.findByHash(foreign.hash)).toEqual(foreign);
      expect(await store.get('org_other', foreign.id)).toEqual(foreign);
    });

    test('deleteMany() of ids none of which exist, or of no ids, deletes nothing', { timeout }, async () => {
      const kept = makeRecord();
      await insertAll([kept]);
      expect(await store.deleteMany('org_1', ['tok_unknown_1', 'tok_unknown_2'])).toEqual({ deleted: [], missing: ['tok_unknown_1', 'tok_unknown_2'] });
      expect(await store.deleteMany('org_1', [])).toEqual({ deleted: [], missing: [] });
      expect(await store.findByHash(kept.hash)).toEqual(kept);
    });

    test('deleteByProject() removes that project\'s tokens only, in every organization', { timeout }, async () => {
      const p1 = makeRecord({ scope: { kind: 'project', projectId: 'proj_1' } });
      const p1b = makeRecord({ organizationId: 'org_2', scope: { kind: 'project', projectId: 'proj_1' } });
      const p2 = makeRecord({ scope: { kind: 'project', projectId: 'proj_2' } });
      const org = makeRecord();
      await insertAll([p1, p1b, p2, org]);
      const deleted = await store.deleteByProject('proj_1');
      expect(deleted.map((r) => r.id).sort()).toEqual([p1.id, p1b.id].sort());
      expect(await store.findByHash(p1.hash)).toBeNull();
      expect(await store.findByHash(p1b.hash)).toBeNull();
      expect(await store.findByHash(p2.hash)).toEqual(p2);
      expect(await store.findByHash(org.hash)).toEqual(org);
      expect(await store.deleteByProject('proj_1')).toEqual([]);
    });

    test('deleteExpired(t) removes tokens with expiresAt ≤ t and keeps later and never-expiring ones', { timeout }, async () => {
      const old = makeRecord({ expiresAt: 1000 });
      const boundary = makeRecord({ expiresAt: 2000, organizationId: 'org_2' });
      const later = makeRecord({ expiresAt: 2001 });
      const never = makeRecord({ expiresAt: null });
      await insertAll([old, boundary, later, never]);
      const deleted = await store.deleteExpired(2000);
      expect(deleted.map((r) => r.id).sort()).toEqual([old.id, boundary.id].sort());
      expect(await store.findByHash(old.hash)).toBeNull();
      expect(await store.findByHash(boundary.hash)).toBeNull();
      expect(await store.findByHash(later.hash)).toEqual(later);
      expect(await store.findByHash(never.hash)).toEqual(never);
      expect((await listAll('org_1', 10)).map((r) => r.id).sort()).toEqual([later.id, never.id].sort());
    });

    /** How many times each id was reported deleted, over every call's answer. */
    function reportsPerId(answers: ReadonlyArray<DeleteManyResult | TokenRecord[]>): Map<string, number> {
      const counts = new Map<string, number>();
      for (const answer of answers) {
        const deleted = Array.isArray(answer) ? answer : answer.deleted;
        for (const record of deleted) counts.set(record.id, (counts.get(record.id) ?? 0) + 1);
      }
      return counts;
    }

    function expectEachReportedOnce(records: readonly TokenRecord[], answers: ReadonlyArray<DeleteManyResult | TokenRecord[]>): void {
      const counts = reportsPerId(answers);
      expect(Object.fromEntries(records.map((r) => [r.id, counts.get(r.id) ?? 0]))).toEqual(Object.fromEntries(records.map((r) => [r.id, 1])));
    }

    test('two overlapping deleteMany() of one id: exactly one reports it, the other answers it missing (10 of 10 ids)', { timeout }, async () => {
      const records = Array.from({ length: 10 }, () => makeRecord());
      await insertAll(records);
      const answers = await Promise.all(records.flatMap((r) => [store.deleteMany('org_1', [r.id]), store.deleteMany('org_1', [r.id])]));
      expectEachReportedOnce(records, answers);
      for (let i = 0; i < records.length; i++) {
        const pair = [answers[2 * i]!, answers[2 * i + 1]!];
        expect(pair.filter((a) => a.deleted.length === 1)).toHaveLength(1);
        expect(pair.find((a) => a.deleted.length === 0)).toEqual({ deleted: [], missing: [records[i]!.id] });
      }
      for (const record of records) expect(await store.findByHash(record.hash)).toBeNull();
    });

    test('overlapping deleteMany() calls over shared ids report each token exactly once in total', { timeout }, async () => {
      const records = Array.from({ length: 12 }, () => makeRecord());
      await insertAll(records);
      const ids = records.map((r) => r.id);
      const asked = [ids, ids.slice(0, 6), ids.slice(6), ids.slice(3, 9), ...ids.map((id) => [id])];
      const answers = await Promise.all(asked.map((some) => store.deleteMany('org_1', some)));
      expectEachReportedOnce(records, answers);
      // Every id a call asked for is in exactly one of its two lists.
      for (const [i, answer] of answers.entries()) {
        expect([...answer.deleted.map((r) => r.id), ...answer.missing].sort()).toEqual([...asked[i]!].sort());
      }
      for (const record of records) expect(await store.findByHash(record.hash)).toBeNull();
      expect(await listAll('org_1', 100)).toEqual([]);
    });

    test('deleteByProject() run twice concurrently reports each of 5 tokens once (5 in total, not 5 + 5)', { timeout }, async () => {
      const records = Array.from({ length: 5 }, (_, i) => makeRecord({ organizationId: `org_${i % 2}`, scope: { kind: 'project', projectId: 'proj_twice' } }));
      await insertAll(records);
      const answers = await Promise.all([store.deleteByProject('proj_twice'), store.deleteByProject('proj_twice')]);
      expectEachReportedOnce(records, answers);
    });

    test('deleteExpired() run twice concurrently reports each of 5 tokens once (5 in total, not 5 + 5)', { timeout }, async () => {
      const records = Array.from({ length: 5 }, (_, i) => makeRecord({ organizationId: `org_${i % 2}`, expiresAt: 1000 + i }));
      await insertAll(records);
      const answers = await Promise.all([store.deleteExpired(5000), store.deleteExpired(5000)]);
      expectEachReportedOnce(records, answers);
    });

    test('deleteMany(), deleteByProject() and deleteExpired() of the same tokens at once: one report per token in total', { timeout }, async () => {
      const records = Array.from({ length: 8 }, () => makeRecord({ scope: { kind: 'project', projectId: 'proj_all' }, expiresAt: 1000 }));
      await insertAll(records);
      const ids = records.map((r) => r.id);
      const answers = await Promise.all([
        store.deleteByProject('proj_all'),
        store.deleteMany('org_1', ids),
        store.deleteExpired(2000),
        store.deleteMany('org_1', ids.slice(0, 4)),
        store.deleteByProject('proj_all'),
        store.deleteExpired(2000),
      ]);
      expectEachReportedOnce(records, answers);
      for (const record of records) expect(await store.findByHash(record.hash)).toBeNull();
    });

    test('touch() is monotonic: a newer lastUsedAt wins, an older one never overwrites it', { timeout }, async () => {
      const record = makeRecord();
      await insertAll([record]);
      const ref = { id: record.id, organizationId: record.organizationId };
      await store.touch([{ ...ref, lastUsedAt: 5000 }]);
      expect((await store.findByHash(record.hash))?.lastUsedAt).toBe(5000);
      await store.touch([{ ...ref, lastUsedAt: 4000 }]);
      expect((await store.get('org_1', record.id))?.lastUsedAt).toBe(5000);
      await store.touch([{ ...ref, lastUsedAt: 7000 }]);
      expect((await store.list('org_1', { limit: 1 })).items[0]?.lastUsedAt).toBe(7000);
      expect((await store.findByHash(record.hash))?.lastUsedAt).toBe(7000);
    });

    test('touch() applies a batch and ignores tokens that no longer exist', { timeout }, async () => {
      const kept = makeRecord();
      const gone = makeRecord();
      await insertAll([kept, gone]);
      await store.deleteMany('org_1', [gone.id]);
      await store.touch([
        { id: gone.id, organizationId: 'org_1', lastUsedAt: 9000 },
        { id: kept.id, organizationId: 'org_1', lastUsedAt: 9000 },
        { id: 'tok_never_existed', organizationId: 'org_1', lastUsedAt: 9000 },
      ]);
      expect((await store.get('org_1', kept.id))?.lastUsedAt).toBe(9000);
      expect(await store.get('org_1', gone.id)).toBeNull();
      expect(await store.findByHash(gone.hash)).toBeNull();
      expect(await listAll('org_1', 10)).toHaveLength(1);
    });

    test('records returned to callers are copies: mutating one does not change the store', { timeout }, async () => {
      const record = makeRecord();
      await insertAll([record]);
      record.name = 'mutated';
      const got = await store.get('org_1', record.id);
      expect(got?.name).not.toBe('mutated');
      got!.name = 'mutated again';
      expect((await store.get('org_1', record.id))?.name).not.toBe('mutated again');
    });

    describeLifecycle(() => store, timeout);
    describeConcurrentChanges(() => store, timeout);

    test('implements exactly the contract v3 parts it declares (options.parts), as keyward detects them', { timeout }, () => {
      const features = storeFeatures(store);
      const implemented: StorePart[] = [];
      if (features.credits) implemented.push('limits');
      if (typeof (store as Partial<RateLimiterStore>).rateLimiter === 'function') implemented.push('rateLimiter');
      if (features.audit) implemented.push('audit');
      if (features.usage) implemented.push('usage');
      expect(implemented).toEqual((['limits', 'rateLimiter', 'audit', 'usage'] as const).filter((part) => parts.has(part)));
    });

    if (parts.has('limits')) describe('limits (contract v3)', () => describeLimits(() => store as TokenStore & LimitsStore, timeout));
    if (parts.has('rateLimiter')) describe('rate limiter (contract v3)', () => describeRateLimiter(() => store as TokenStore & RateLimiterStore, timeout));
    if (parts.has('audit')) describe('audit trail (contract v3)', () => describeAudit(() => store as TokenStore & AuditStore, timeout));
    if (parts.has('usage')) describe('usage counts (contract v3)', () => describeUsage(() => store as TokenStore & UsageStore, timeout));

    if (options.breakStore) describeFailClosed(() => store, options.breakStore, timeout);
  });
}
