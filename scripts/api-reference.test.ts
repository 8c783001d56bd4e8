import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { REFERENCE, reference } from './api-reference.js';

test('docs/api.md is the reference generated from the current JSDoc (run `pnpm api-reference` to refresh it)', () => {
  expect(reference()).toBe(readFileSync(REFERENCE, 'utf8'));
});
