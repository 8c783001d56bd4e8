// docs/fetch.md shows this example's files: blocks marked `<!-- file: path -->` must be those files, verbatim.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

test('the Next.js files shown in docs/fetch.md are the tested ones', () => {
  const lines = readFileSync(`${root}docs/fetch.md`, 'utf8').split('\n');
  const shown: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const path = /^<!-- file: (.+) -->$/.exec(lines[i]!)?.[1];
    if (!path) continue;
    const start = lines.indexOf('```ts', i) + 1;
    const code = lines.slice(start, lines.indexOf('```', start)).join('\n');
    expect(code, path).toBe(readFileSync(`${root}${path}`, 'utf8').trimEnd());
    shown.push(path);
  }
  expect(shown).toHaveLength(3);
});

test('docs/fetch.md sets up a project the way the tested one is: an ES module package (npm 11\'s init writes commonjs)', () => {
  const guide = readFileSync(`${root}docs/fetch.md`, 'utf8');
  const { type } = JSON.parse(readFileSync(`${root}examples/next-app/package.json`, 'utf8')) as { type?: string };
  expect(guide).toContain(`npm pkg set type=${type}`);
});
