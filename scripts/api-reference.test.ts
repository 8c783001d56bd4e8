import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { REFERENCE, reference } from './api-reference.js';

test('docs/api.md is the reference generated from the current JSDoc (run `pnpm api-reference` to refresh it)', { timeout: 180_000 }, () => {
  // A TypeScript program over every package: seconds on a quiet machine, over 20 s on a loaded one.
  expect(reference()).toBe(readFileSync(REFERENCE, 'utf8'));
});
