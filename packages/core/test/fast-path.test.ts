// The hot path's shortcuts keep their answers: synchronous answers for synchronous stores,
// reused frozen answers, the precomputed-prefix checksum, the compact memory store.
import {
  authenticate,
  createKeyward,
  crc32,
  encodeBase62,
  generateToken,
  guardResponses,
  isWellFormedToken,
  memoryStore,
  BASE62_ALPHABET,
  type TokenStore,
  type VerifyResult,
} from '@keyward/core';
import { makeRecord } from '@keyward/store-tests';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

const owner = { userId: 'u_1', organizationId: 'org_a', role: 'owner' } as const;
const responses = guardResponses('api');

function setup(store: TokenStore = memoryStore()) {
  return createKeyward({ store, resolveProject: (id) => ({ id, organizationId: 'org_a', name: id }), onError: () => {} });
}

describe('synchronous answers', () => {
  test('check() answers a memory-store token without a promise, and authenticate() passes that on', async () => {
    const keyward = setup();
    const { plaintext } = await keyward.create(owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: '7d' });
    const answer = keyward.check(plaintext);
    expect(answer).not.toBeInstanceOf(Promise);
    expect((answer as VerifyResult).ok).toBe(true);
    const guarded = authenticate(keyward, { authorization: `Bearer ${plaintext}` }, {}, { responses });
    expect(guarded).not.toBeInstanceOf(Promise);
    expect(guarded).toMatchObject({ ok: true });
    await keyward.close();
  });

  test('authenticate() returns a native Promise for a store that answers with a promise', async () => {
    const inner = memoryStore();
    const keyward = setup({ ...inner, findByHash: async (hash) => inner.findByHash(hash) });
    const { plaintext } = await keyward.create(owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: '7d' });
    const guarded = authenticate(keyward, { authorization: `Bearer ${plaintext}` }, {}, { responses });
    expect(guarded).toBeInstanceOf(Promise);
    expect(await guarded).toMatchObject({ ok: true });
    await keyward.close();
  });

  test('a store that throws synchronously fails closed with 503, without a rejection', async () => {
    const keyward = setup({
      ...memoryStore(),
      findByHash: () => {
        throw new Error('disk on fire');
      },
    });
    const guarded = authenticate(keyward, { authorization: `Bearer ${generateToken()}` }, {}, { responses, onError: () => {} });
    expect(guarded).toEqual({ ok: false, response: responses.unavailable });
    await keyward.close();
  });
});

describe('reused answers', () => {
  test('repeated verifications of a memory-store token share one frozen answer, equal to a fresh one', async () => {
    const keyward = setup();
    const { plaintext, token } = await keyward.create(owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' });
    const first = (await keyward.verify(plaintext)) as Extract<VerifyResult, { ok: true }>;
    const second = await keyward.verify(plaintext);
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.token)).toBe(true);
    expect(first.token).toEqual(token);
    await keyward.close();
  });

  test('after a last-used write the answer shows the new lastUsedAt', async () => {
    const keyward = setup();
    const { plaintext } = await keyward.create(owner, { name: 'a', scope: { kind: 'project', projectId: 'p_1' }, expiresIn: 'never' });
    const before = (await keyward.verify(plaintext)) as Extract<VerifyResult, { ok: true }>;
    expect(before.token.lastUsedAt).toBeNull();
    await keyward.flush();
    const after = (await keyward.verify(plaintext)) as Extract<VerifyResult, { ok: true }>;
    expect(after).not.toBe(before);
    expect(after.token.lastUsedAt).toBeTypeOf('number');
    expect(after.token.scope).toEqual({ kind: 'project', projectId: 'p_1' });
    await keyward.close();
  });

  test('answers from a store that returns fresh records are fresh each time', async () => {
    const inner = memoryStore();
    const keyward = setup({ ...inner, findByHash: (hash) => {
      const record = inner.findByHash(hash) as ReturnType<typeof makeRecord> | null;
      return record && { ...record, scope: { ...record.scope } };
    } });
    const { plaintext } = await keyward.create(owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' });
    const first = await keyward.verify(plaintext);
    const second = await keyward.verify(plaintext);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(Object.isFrozen(first)).toBe(false);
    await keyward.close();
  });
});

describe('format check', () => {
  // A plain reading of the format, to compare the optimized checker against.
  function reference(token: string, prefix: string): boolean {
    const secretStart = prefix.length + 1;
    const checksumStart = secretStart + 30;
    if (token.length !== checksumStart + 6 || !token.startsWith(`${prefix}_`)) return false;
    for (const char of token.slice(secretStart)) if (!BASE62_ALPHABET.includes(char)) return false;
    return encodeBase62(crc32(token, checksumStart), 6) === token.slice(checksumStart);
  }

  test('isWellFormedToken agrees with the plain reading of the format on corrupted tokens, for several prefixes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('kw', 'a', 'acme', 'abcdefghijklmnop'),
        fc.nat(),
        fc.integer({ min: 0, max: 0xffff }),
        (prefix, position, code) => {
          const token = generateToken(prefix);
          const at = position % token.length;
          const corrupted = token.slice(0, at) + String.fromCharCode(code) + token.slice(at + 1);
          expect(isWellFormedToken(token, prefix)).toBe(true);
          expect(isWellFormedToken(corrupted, prefix)).toBe(reference(corrupted, prefix));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('checked tokens are remembered by digest', () => {
  test('after a token verified, a one-character typo of it is still refused as MALFORMED without a store call', async () => {
    const inner = memoryStore();
    let lookups = 0;
    const keyward = setup({ ...inner, findByHash: (hash) => (lookups++, inner.findByHash(hash)) });
    const { plaintext } = await keyward.create(owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' });
    expect((await keyward.verify(plaintext)).ok).toBe(true);
    expect((await keyward.verify(plaintext)).ok).toBe(true);
    const before = lookups;
    const last = plaintext.at(-1) === 'a' ? 'b' : 'a';
    for (const typo of [plaintext.slice(0, -1) + last, `${plaintext.slice(0, 5)}!${plaintext.slice(6)}`, plaintext.slice(1), `${plaintext}x`]) {
      expect(await keyward.verify(typo)).toEqual({ ok: false, code: 'MALFORMED' });
    }
    expect(lookups).toBe(before);
    await keyward.close();
  });

  test('a remembered token is still checked for expiry and scope on every call', async () => {
    let now = 1_800_000_000_000;
    const keyward = createKeyward({ store: memoryStore(), resolveProject: () => null, now: () => now });
    const { plaintext } = await keyward.create(owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: '1d' });
    expect((await keyward.verify(plaintext)).ok).toBe(true);
    expect(await keyward.verify(plaintext, { organizationId: 'org_b' })).toEqual({ ok: false, code: 'SCOPE_DENIED' });
    now += 86_400_000;
    expect(await keyward.verify(plaintext)).toEqual({ ok: false, code: 'EXPIRED' });
    await keyward.close();
  });
});

describe('memory store', () => {
  test('findByHash hands out a frozen record that later uses replace rather than change', async () => {
    const store = memoryStore();
    const record = makeRecord();
    await store.insert(record);
    const found = store.findByHash(record.hash) as typeof record;
    expect(Object.isFrozen(found)).toBe(true);
    await store.touch([{ id: record.id, organizationId: record.organizationId, lastUsedAt: 1_800_000_000_000 }]);
    expect(found.lastUsedAt).toBeNull();
    expect((store.findByHash(record.hash) as typeof record).lastUsedAt).toBe(1_800_000_000_000);
  });

  test('a second token with an id already in use is refused, whatever its organization', async () => {
    const store = memoryStore();
    const record = makeRecord();
    await store.insert(record);
    await expect(store.insert(makeRecord({ id: record.id, organizationId: 'org_other' }))).rejects.toThrow(/already exists/);
  });

  test('lists newest first whatever the insertion order', async () => {
    const store = memoryStore();
    const records = [3, 1, 2, 2].map((t, i) => makeRecord({ createdAt: 1_700_000_000_000 + t, id: `tok_${i}` }));
    for (const r of records) await store.insert(r);
    const { items } = await store.list('org_1', { limit: 10 });
    expect(items.map((r) => r.id)).toEqual(['tok_0', 'tok_3', 'tok_2', 'tok_1']);
  });
});
