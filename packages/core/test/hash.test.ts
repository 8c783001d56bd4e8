import { ConfigurationError } from '@keyward/core';
import { createHasher, hashBackend } from '../src/hash.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';

const token = 'kw_0123456789abcdefghijABCDEFGHIJxxxxxx';
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

describe('hashing', () => {
  test('uses node:crypto on Node', () => {
    expect(hashBackend).toBe('node:crypto');
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
