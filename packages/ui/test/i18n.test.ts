// Texts, numbers and the look's tokens, without a browser: the rules every part of the page
// (present and future) must follow.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ar, de } from '../src/locales/index.js';
import { plural } from '../src/plural.js';
import { DEFAULT_STRINGS, format, type StringKey } from '../src/strings.js';
import { STYLES } from '../src/styles.js';
import { DARK_TOKENS, LIGHT_TOKENS, SHAPE_TOKENS } from '../src/theme.js';

const keys = Object.keys(DEFAULT_STRINGS).sort();
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe.each([
  ['de', de],
  ['ar', ar],
] as const)('the %s strings', (locale, strings) => {
  test('translate every text, with the same placeholders as English', () => {
    expect(Object.keys(strings).sort()).toEqual(keys);
    for (const key of keys as StringKey[]) {
      const message = strings[key];
      const english = DEFAULT_STRINGS[key];
      if (typeof message === 'string') expect(placeholders(message), key).toEqual(placeholders(english));
      expect(format(strings, key, { name: 'CI', count: 3, detail: 'x', what: 'y', date: 'z', hint: 'h', names: 'n', amount: 9, window: 'w', user: 'u', role: 'r', ip: '203.0.113.9' }, locale), key).not.toMatch(/\{\w+\}/);
    }
  });
});

test('numbers are written for the locale; plurals follow Intl.PluralRules', () => {
  expect(format({}, 'deletedMany', { count: 1200 }, 'en')).toBe('1,200 tokens deleted.');
  expect(format(de, 'deletedMany', { count: 1200 }, 'de')).toBe('1.200 Tokens gelöscht.');
  expect(format(de, 'deleteSelectedCount', { count: 1200 }, 'de')).toBe('Ausgewählte löschen (1.200)');
  expect(format(ar, 'deletedMany', { count: 2 }, 'ar')).toBe('تم حذف رمزين.');
  expect(format(ar, 'deletedMany', { count: 3 }, 'ar')).toBe(`تم حذف ${new Intl.NumberFormat('ar').format(3)} رموز.`);
  expect(format(ar, 'deletedMany', { count: 11 }, 'ar')).toBe(`تم حذف ${new Intl.NumberFormat('ar').format(11)} رمزًا.`);
  expect(plural(1, 'de', { one: '{count} Token', other: '{count} Tokens' })).toBe('1 Token');
});

describe('theme tokens', () => {
  test('the component styles paint only with the --keyward-* tokens: no colour literal outside the token sets', () => {
    const components = STYLES.slice(STYLES.indexOf(':host {', STYLES.indexOf('@media (pointer: coarse)')));
    expect(components.match(/#[0-9a-f]{3,8}\b|rgba?\(|hsla?\(|(?<![\w-])(?:white|black)(?![\w-])/gi) ?? []).toEqual([]);
    // Every var() names a token that exists.
    const defined = new Set([...Object.keys(LIGHT_TOKENS), ...Object.keys(SHAPE_TOKENS)]);
    for (const [, name] of components.matchAll(/var\((--[\w-]+)/g)) expect(defined, name).toContain(name);
  });

  test('light and dark define the same colours, and the README documents every token', () => {
    expect(Object.keys(DARK_TOKENS).sort()).toEqual(Object.keys(LIGHT_TOKENS).sort());
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const name of [...Object.keys(LIGHT_TOKENS), ...Object.keys(SHAPE_TOKENS)]) expect(readme, name).toContain(`\`${name}\``);
  });

  test('the styles use logical properties only, so dir="rtl" mirrors the whole element', () => {
    expect(STYLES.match(/(?:margin|padding|border)-(?:left|right)\b|\b(?:left|right):|text-align:\s*(?:left|right)|float:/g) ?? []).toEqual([]);
  });
});
