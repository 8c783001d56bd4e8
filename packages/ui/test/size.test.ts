// The README states the bundle's gzipped size; this keeps the figure true.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { expect, test } from 'vitest';
import { bundleElement } from './server.js';

test('the gzipped size in the README is the bundle\'s, within 0.2 kB', async () => {
  const bundle = await bundleElement();
  const gzippedKb = gzipSync(bundle, { level: 9 }).length / 1000;
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const stated = Number(/\*\*([\d.]+) kB gzipped\*\*/.exec(readme)?.[1]);
  expect(stated).toBeGreaterThan(0);
  expect(Math.abs(gzippedKb - stated)).toBeLessThanOrEqual(0.2);
});
