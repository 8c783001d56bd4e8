// What a host gets by package path: the element's files, servable as they are, and the types.
// Resolved as a host resolves them (Node's `import.meta.resolve`, from an app depending on
// @keyward/ui), and each adapter guide shows the one line that serves the element.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, string | { types: string; default: string }>; files: string[] };
const app = fileURLToPath(new URL('../../../examples/ui-frameworks/', import.meta.url));
const dist = new URL('../dist/', import.meta.url).href;

test('the element and the locales are files a host can serve by package path; the JSX declarations are typed entries', () => {
  const specifiers = ['@keyward/ui/keyward-tokens.js', '@keyward/ui/keyward-locales.js', '@keyward/ui/react', '@keyward/ui/solid', '@keyward/ui/vue', '@keyward/ui/locales', '@keyward/ui/define'];
  const resolved = execFileSync(process.execPath, ['--input-type=module', '-e', `for (const s of ${JSON.stringify(specifiers)}) console.log(import.meta.resolve(s))`], { cwd: app, encoding: 'utf8' }).trim().split('\n');
  expect(resolved).toEqual(['keyward-tokens.js', 'keyward-locales.js', 'react.js', 'solid.js', 'vue.js', 'locales.js', 'define.js'].map((file) => dist + file));
  expect(manifest.exports['./keyward-tokens.js']).toBe('./dist/keyward-tokens.js');
  for (const entry of ['./react', './solid', './vue', './locales']) expect(manifest.exports[entry]).toEqual({ types: `./dist/${entry.slice(2)}.d.ts`, default: `./dist/${entry.slice(2)}.js` });
  expect(manifest.files).toContain('dist');
});

test.each(['hono', 'express', 'fastify', 'fetch'])('docs/%s.md shows the one line that serves the element', (guide) => {
  const text = readFileSync(new URL(`../../../docs/${guide}.md`, import.meta.url), 'utf8');
  const lines = text.split('\n').filter((line) => line.includes("import.meta.resolve('@keyward/ui/keyward-tokens.js')"));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain("'/assets/keyward-tokens.js'");
  expect(lines[0]).toContain('text/javascript');
});
