import { normalizeTokenName, tokenNameKey } from '../src/name.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

describe('token names refuse what the eye cannot see', () => {
  test.each([
    ['a zero-width space', 'Deploy\u200B'],
    ['a zero-width joiner between letters', 'De\u200Dploy'],
    ['a right-to-left override', '\u202EyolpeD'],
    ['a first-strong isolate', 'Deploy \u2066prod\u2069'],
    ['a BOM inside the name', 'Dep\uFEFFloy'],
    ['a soft hyphen', 'De\u00ADploy'],
    ['a combining grapheme joiner', 'De\u034Fploy'],
    ['a Mongolian vowel separator', 'Deploy\u180E1'],
    ['a Hangul filler', 'Deploy \u3164'],
    ['a lone variation selector', 'Deploy\uFE0F'],
    ['a tag character', 'Deploy\u{E0041}'],
  ])('%s → refused, naming the problem', (_label, name) => {
    const result = normalizeTokenName(name);
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/^must not contain invisible/) });
  });

  test.each([['🚀 Deploy'], ['👨‍👩‍👧 family'], ['❤️ prod'], ['🏳️‍🌈 pride'], ['Déploiement'], ['日本語のトークン'], ['مفتاح النشر']])('%s is a fine name', (name) => {
    expect(normalizeTokenName(name)).toEqual({ ok: true, name: name.normalize('NFC') });
  });

  test('the name key ignores nothing visible: names that differ in anything but letter case get different keys', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), (a, b) => {
        const x = normalizeTokenName(a);
        const y = normalizeTokenName(b);
        if (!x.ok || !y.ok) return;
        const sameKey = tokenNameKey(x.name) === tokenNameKey(y.name);
        expect(sameKey).toBe(x.name.toUpperCase().toLowerCase() === y.name.toUpperCase().toLowerCase());
        // Case is the only thing folded: the key is as long as the name's own case-folding.
        expect(tokenNameKey(x.name)).toBe(x.name.toUpperCase().toLowerCase());
      }),
      { numRuns: 2000 },
    );
  });
});
