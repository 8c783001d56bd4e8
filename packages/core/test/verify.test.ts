// The verification path: synchronous answers for synchronous stores, refusals as results, typos
// refused before the store, store failures classified (outage 503, bug 500), closed instances.
import { ClosedError, StoreFailedError, StoreUnavailableError, createKeyward, isWellFormedToken, memoryStore, type TokenStore, type VerifyResult } from '@keyward/core';
import { encodeBase62, BASE62_ALPHABET } from '../src/base62.js';
import { crc32 } from '../src/crc32.js';
import { authenticate, createManagementApi, guardResponses } from '@keyward/core/http';
import { generateToken } from '@keyward/core/testing';
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

  test('a store that throws a bug synchronously fails closed with 500 STORE_FAILED, without a rejection', async () => {
    const reported: unknown[] = [];
    const keyward = setup({
      ...memoryStore(),
      findByHash: () => {
        throw new TypeError('disk on fire');
      },
    });
    const guarded = authenticate(keyward, { authorization: `Bearer ${generateToken()}` }, {}, { responses, onError: (e) => reported.push(e) });
    expect(guarded).not.toBeInstanceOf(Promise);
    expect(guarded).toMatchObject({ ok: false, response: { status: 500, body: { code: 'STORE_FAILED' } } });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(StoreFailedError);
    expect((reported[0] as StoreFailedError).cause).toBeInstanceOf(TypeError);
    await keyward.close();
  });

  test('a store outage fails closed with 503 STORE_UNAVAILABLE and Retry-After', async () => {
    const keyward = setup({ ...memoryStore(), findByHash: async () => Promise.reject(new StoreUnavailableError('redis down')) });
    const guarded = await authenticate(keyward, { authorization: `Bearer ${generateToken()}` }, {}, { responses, onError: () => {} });
    expect(guarded).toMatchObject({ ok: false, response: { status: 503, body: { code: 'STORE_UNAVAILABLE' } } });
    expect(guarded.ok || guarded.response.headers['retry-after']).toBe('5');
    await keyward.close();
  });

  test('verify() rejects with StoreFailedError when the store rejects with an error of its own', async () => {
    const keyward = setup({ ...memoryStore(), findByHash: async () => Promise.reject(new RangeError('bad row')) });
    await expect(keyward.verify(generateToken())).rejects.toBeInstanceOf(StoreFailedError);
    await keyward.close();
  });
});

describe('refusals are results', () => {
  test('verify() of anything that is not a string answers MALFORMED', async () => {
    const keyward = setup();
    for (const value of [undefined, null, 42, {}, ['kw_x']]) {
      expect(await keyward.verify(value as unknown as string)).toEqual({ ok: false, code: 'MALFORMED' });
    }
    await keyward.close();
  });

  test('answers are fresh objects: changing one does not change the next', async () => {
    const keyward = setup();
    const { plaintext, token } = await keyward.create(owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' });
    const first = (await keyward.verify(plaintext)) as Extract<VerifyResult, { ok: true }>;
    first.token.name = 'changed';
    expect(await keyward.verify(plaintext)).toEqual({ ok: true, token });
    await keyward.close();
  });
});

describe('a closed instance', () => {
  test('verify() rejects with ClosedError, and the guard and the management API both answer 503 CLOSED', async () => {
    const keyward = setup();
    const { plaintext } = await keyward.create(owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' });
    await keyward.close();
    await expect(keyward.verify(plaintext)).rejects.toBeInstanceOf(ClosedError);
    const guarded = await authenticate(keyward, { authorization: `Bearer ${plaintext}` }, {}, { responses });
    expect(guarded).toMatchObject({ ok: false, response: { status: 503, body: { code: 'CLOSED' } } });
    const api = createManagementApi<null>({ keyward, getActor: () => owner, onError: () => {} });
    const list = api.routes.find((route) => route.method === 'GET' && route.path === '/tokens')!;
    const listed = await api.handle(list, null, { headers: {} });
    expect(listed).toMatchObject({ status: 503, body: { code: 'CLOSED' } });
  });
});

describe('format check', () => {
  // A plain reading of the format, written independently of isWellFormedToken.
  function reference(token: string, prefix: string): boolean {
    const secretStart = prefix.length + 1;
    const checksumStart = secretStart + 30;
    if (token.length !== checksumStart + 6 || !token.startsWith(`${prefix}_`)) return false;
    for (const char of token.slice(secretStart)) if (!BASE62_ALPHABET.includes(char)) return false;
    return encodeBase62(crc32(token.slice(0, checksumStart)), 6) === token.slice(checksumStart);
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

describe('typos never reach the store', () => {
  test('a one-character typo of a token that verified is refused as MALFORMED without a store call', async () => {
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

  test('a token that verified is still checked for expiry and scope on every call', async () => {
    let now = 1_800_000_000_000;
    const keyward = createKeyward({ store: memoryStore(), resolveProject: () => null, now: () => now });
    const { plaintext } = await keyward.create(owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: '1d' });
    expect((await keyward.verify(plaintext)).ok).toBe(true);
    expect(await keyward.verify(plaintext, { organizationId: 'org_b' })).toMatchObject({ ok: false, code: 'SCOPE_DENIED' });
    now += 86_400_000;
    expect(await keyward.verify(plaintext)).toMatchObject({ ok: false, code: 'EXPIRED' });
    await keyward.close();
  });
});
