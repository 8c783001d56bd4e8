import { ConfigurationError, isWellFormedToken } from '@keyward/core';
import { crc32 } from '../src/crc32.js';
import { CHECKSUM_LENGTH, SECRET_LENGTH, tokenHint } from '../src/token-format.js';
import { generateToken } from '@keyward/core/testing';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

describe('token format', () => {
  test('crc32 matches the IEEE check value', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
  });

  test('generated tokens are <prefix>_<30 base62><6 base62> and well formed', () => {
    const token = generateToken('acme');
    expect(token).toMatch(new RegExp(`^acme_[0-9A-Za-z]{${SECRET_LENGTH + CHECKSUM_LENGTH}}$`));
    expect(isWellFormedToken(token, 'acme')).toBe(true);
    expect(isWellFormedToken(token, 'kw')).toBe(false);
    expect(tokenHint(token, 'acme')).toBe(token.slice(0, 9));
  });

  test('1000 generated tokens are distinct', () => {
    expect(new Set(Array.from({ length: 1000 }, () => generateToken())).size).toBe(1000);
  });

  test('a bad prefix is a configuration error naming the prefix', () => {
    for (const prefix of ['', 'Kw', '1kw', 'kw_', 'a'.repeat(17)]) {
      expect(() => generateToken(prefix)).toThrow(ConfigurationError);
      expect(() => generateToken(prefix)).toThrow(/prefix/);
    }
  });

  test('non-strings, wrong lengths and non-base62 characters are not well formed', () => {
    const token = generateToken();
    for (const bad of [undefined, null, 42, {}, '', 'kw_', token + 'a', token.slice(1), token.replace('_', '-'), `${token.slice(0, 10)}!${token.slice(11)}`]) {
      expect(isWellFormedToken(bad)).toBe(false);
    }
  });

  test('property: any one-character change to a valid token is refused by the checksum', () => {
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_-!é\u0000';
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (position, replacementIndex) => {
        const token = generateToken();
        const index = position % token.length;
        const replacement = alphabet[replacementIndex % alphabet.length]!;
        fc.pre(replacement !== token[index]);
        const mutated = token.slice(0, index) + replacement + token.slice(index + 1);
        return !isWellFormedToken(mutated);
      }),
      { numRuns: 20_000 },
    );
  });
});
