// The Bun, Deno and Workers recipes of docs/fetch.md are programs: each block marked
// `<!-- runtime: … -->` runs on that runtime, and what it prints must be what its comments say.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import { beforeAll, describe, expect, test } from 'vitest';
import { expectedOutput } from '../../docs-check/src/expected-output.js';
import { bundle, type Runtime } from '../src/bundle.js';
import { walkRecipe } from './recipe-walk.js';

const outdir = fileURLToPath(new URL('../.out', import.meta.url));
const doc = fileURLToPath(new URL('../../../docs/fetch.md', import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const run = promisify(execFile);

function recipes(): Map<string, string> {
  const lines = readFileSync(doc, 'utf8').split('\n');
  const found = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const runtime = /^<!-- runtime: ([a-z]+) -->$/.exec(lines[i]!.trim())?.[1];
    if (!runtime || lines[i + 1] !== '```ts') continue;
    const end = lines.indexOf('```', i + 2);
    found.set(runtime, lines.slice(i + 2, end).join('\n'));
  }
  return found;
}


async function bundled(runtime: Runtime, code: string): Promise<string> {
  const source = `${outdir}/recipe-${runtime}.ts`;
  writeFileSync(source, `${code}\n`);
  return bundle(runtime, outdir, { path: source, name: `recipe-${runtime}` });
}

describe('docs/fetch.md recipes run on their runtimes', () => {
  const blocks = recipes();

  beforeAll(() => mkdirSync(outdir, { recursive: true }));

  test('the doc has a Bun, a Deno and a workerd recipe', () => {
    expect([...blocks.keys()].sort()).toEqual(['bun', 'deno', 'workerd']);
  });

  test.each([
    { runtime: 'bun' as const, args: (file: string) => [bin('bun'), [file]] as const },
    { runtime: 'deno' as const, args: (file: string) => [bin('deno'), ['run', '--no-prompt', '--allow-net=127.0.0.1', file]] as const },
  ])('the $runtime recipe prints what it says', { timeout: 60_000 }, async ({ runtime, args }) => {
    const code = blocks.get(runtime)!;
    const [command, argv] = args(await bundled(runtime, code));
    const { stdout } = await run(command, [...argv], { timeout: 50_000, env: { ...process.env, NO_COLOR: '1' } });
    // The same reading of `// → …` comments as the docs check's, compared line by line.
    const expected = expectedOutput(code);
    expect(expected.length).toBeGreaterThan(0);
    expect(stdout.trim().split('\n')).toEqual(expected);
  });

  test('the Workers recipe answers create → use → delete → refused in workerd without nodejs_compat', { timeout: 60_000 }, async () => {
    const mf = new Miniflare({ modules: true, scriptPath: await bundled('workerd', blocks.get('workerd')!), compatibilityDate: '2025-09-01' });
    try {
      await walkRecipe(mf);
    } finally {
      await mf.dispose();
    }
  });
});
