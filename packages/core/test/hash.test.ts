import { ConfigurationError } from '@keyward/core';
import { createHasher, hashBackend } from '../src/hash.js';
import { backend as nodeBackend } from '../src/hash-backend/node.js';
import { nobleBackend } from '../src/hash-backend/noble.js';
import { nodeCryptoBackend } from '../src/hash-backend/node-crypto.js';
import { backend as portableBackend } from '../src/hash-backend/portable.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { createHash, createHmac, hash } from 'node:crypto';
import { describe, expect, test } from 'vitest';

const token = 'kw_0123456789abcdefghijABCDEFGHIJxxxxxx';
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

describe('hashing', () => {
  test('uses node:crypto on Node', () => {
    expect(hashBackend).toBe('node:crypto');
    // The portable backend (the sources', and the built package's outside the `node` condition) finds node:crypto too.
    expect(portableBackend.name).toBe('node:crypto');
  });

  // FIPS 180-2 vectors and an RFC 4231-style HMAC, as base64url.
  test.each([
    ['node:crypto only (the `node` condition)', nodeBackend],
    ['@noble/hashes (runtimes without node:crypto)', nobleBackend],
  ])('the %s backend gives the same SHA-256 and HMAC-SHA-256 digests as node:crypto', (_name, backend) => {
    for (const input of ['abc', '', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', token, 'ünïcödé ✓']) {
      expect(backend.sha256(input)).toBe(createHash('sha256').update(input).digest('base64url'));
      expect(backend.hmacSha256('a pepper of 16+ characters')(input)).toBe(createHmac('sha256', 'a pepper of 16+ characters').update(input).digest('base64url'));
    }
    expect(backend.sha256('abc')).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });

  test('the node:crypto backend takes the one-shot crypto.hash when the runtime has it, else createHash', () => {
    const oneShot = nodeCryptoBackend({ createHash, createHmac, hash: (() => 'one-shot') as unknown as typeof hash });
    expect(oneShot.sha256(token)).toBe('one-shot');
    expect(nodeCryptoBackend({ createHash, createHmac }).sha256(token)).toBe(nodeBackend.sha256(token));
  });

  test('without a pepper the hash is base64url SHA-256 of the whole token, same as @noble/hashes', () => {
    const hash = createHasher().hash(token);
    expect(hash).toBe(createHash('sha256').update(token).digest('base64url'));
    expect(hash).toBe(b64url(sha256(new TextEncoder().encode(token))));
  });

  test('with a pepper the hash is HMAC-SHA-256, and previous peppers give the old hashes', () => {
    const enc = new TextEncoder();
    const hasher = createHasher({ current: 'new-pepper-0123456789', previous: ['old-pepper-0123456789'] });
    expect(hasher.hash(token)).toBe(b64url(hmac(sha256, enc.encode('new-pepper-0123456789'), enc.encode(token))));
    expect(hasher.previousHashes[0]!(token)).toBe(b64url(hmac(sha256, enc.encode('old-pepper-0123456789'), enc.encode(token))));
  });

  test('a short pepper is refused at construction, naming the option', () => {
    expect(() => createHasher('short')).toThrow(ConfigurationError);
    expect(() => createHasher({ current: 'long-enough-pepper-1', previous: ['x'] })).toThrow(/pepper\.previous\[0\]/);
  });
});
