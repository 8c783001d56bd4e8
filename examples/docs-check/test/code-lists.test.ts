// Lists of verification codes in the docs come from the code: a block that names most of
// VERIFY_FAILURE_CODES (README's "Verification returns … with MALFORMED, NOT_FOUND, …") names all.
import { VERIFY_FAILURE_CODES } from '@keyward/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { ROOT, markdownFiles } from '../src/markdown.js';
import { textBlocks } from '../src/route-lists.js';

/** Blocks naming at least three of `codes` in backticks, with the codes they leave out. */
function incompleteCodeLists(markdown: string, codes: readonly string[]): { line: number; missing: string[] }[] {
  return textBlocks(markdown).flatMap((block) => {
    const named = codes.filter((code) => block.text.includes(`\`${code}\``));
    const missing = codes.filter((code) => !named.includes(code));
    return named.length >= 3 && missing.length > 0 ? [{ line: block.line, missing }] : [];
  });
}

test('a list of codes is complete, or is not a list', () => {
  expect(incompleteCodeLists('with `MALFORMED`, `NOT_FOUND`, `EXPIRED` or `SCOPE_DENIED`.', ['MALFORMED', 'NOT_FOUND', 'EXPIRED', 'SCOPE_DENIED', 'PERMISSION_DENIED'])).toEqual([
    { line: 1, missing: ['PERMISSION_DENIED'] },
  ]);
  expect(incompleteCodeLists('refused with `PERMISSION_DENIED` or `EXPIRED`', ['MALFORMED', 'NOT_FOUND', 'EXPIRED', 'SCOPE_DENIED', 'PERMISSION_DENIED'])).toEqual([]);
});

test.each(markdownFiles())('%s: every list of verification codes names all of VERIFY_FAILURE_CODES', (file) => {
  const problems = incompleteCodeLists(readFileSync(join(ROOT, file), 'utf8'), VERIFY_FAILURE_CODES);
  expect(problems.map((p) => `${file}:${p.line} leaves out ${p.missing.join(', ')}`)).toEqual([]);
});
