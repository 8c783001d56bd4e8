import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { RUNNABLE, codeBlocks, runnableBlocks } from '../src/code-blocks.js';
import { expectedOutput, printsAsPromised } from '../src/expected-output.js';

// Every ```ts / ```js block of README.md, docs/ and the package and example READMEs runs here,
// unless it is marked as an excerpt or a program for another runtime (src/code-blocks.ts).
// Servers a snippet starts are moved to a free port and stopped (src/short-lived-servers.mjs).
// Each block states what it prints in trailing `// → …` comments, and what it prints is compared.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const work = fileURLToPath(new URL('../.snippets/', import.meta.url));
const run = promisify(execFile);

function markdownFiles(): string[] {
  const files = ['README.md'];
  for (const dir of ['docs', 'packages', 'examples']) {
    const base = join(root, dir);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.md')) files.push(join(dir, entry.name));
      if (entry.isDirectory() && existsSync(join(base, entry.name, 'README.md'))) files.push(join(dir, entry.name, 'README.md'));
    }
  }
  return files.filter((f) => !f.startsWith('docs/benchmarks'));
}

const read = (file: string) => readFileSync(join(root, file), 'utf8');

mkdirSync(work, { recursive: true });
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('documentation code blocks run', () => {
  const snippets = markdownFiles().flatMap((file) => runnableBlocks(file, read(file)));

  test('there are snippets to run', () => {
    expect(snippets.length).toBeGreaterThan(0);
  });

  test('every runnable block states what it prints (`// → …`)', () => {
    const silent = snippets.filter((snippet) => expectedOutput(snippet.code).length === 0);
    expect(silent.map((b) => `${b.file}:${b.line}`)).toEqual([]);
  });

  test('the comparison is strict where the comment is specific', () => {
    expect(printsAsPromised('200 { calledBy: \'CI\' }\n', ['200 { calledBy: \'CI\' }'])).toBe(true);
    expect(printsAsPromised('415 { type: \'about:blank\' }\n', ['201'])).toBe(false);
    expect(printsAsPromised('Shown once: kw_abc123\ntrue\n', ['Shown once: kw_…', 'true'])).toBe(true);
    expect(printsAsPromised('true\nfalse\n', ['true', 'true'])).toBe(false);
    expect(printsAsPromised('{\n  ok: true,\n  token: { id: 1 }\n}\n', ['{ ok: true, token: { … } }'])).toBe(true);
  });

  test('every other code block is marked as an excerpt, except the Quick start, which CI runs verbatim', () => {
    const blocks = markdownFiles().flatMap((file) => codeBlocks(file, read(file)));
    const quickStart = blocks.find((b) => b.file === 'README.md' && b.language === 'sh' && !b.excerpt);
    expect(quickStart, 'README.md has an unmarked sh block: the Quick start').toBeDefined();
    const commands = quickStart!.code.split('\n').filter((l) => l.trim() !== '');
    expect(commands).toHaveLength(2);
    const ci = readFileSync(join(root, '.ci/run'), 'utf8').split('\n');
    for (const command of commands) expect(ci).toContain(command);
    const unmarked = blocks.filter((b) => b !== quickStart && !b.excerpt && !RUNNABLE.has(b.language));
    expect(unmarked.map((b) => `${b.file}:${b.line} (${b.language || 'no language'})`)).toEqual([]);
  });

  for (const snippet of snippets) {
    test(`${snippet.file}:${snippet.line}`, { timeout: 60_000 }, async () => {
      const path = join(work, `${snippet.file.replace(/[^a-z0-9]+/gi, '_')}_${snippet.line}.ts`);
      writeFileSync(path, `${snippet.code}\nexport {};\n`);
      const tsx = join(root, 'node_modules/.bin/tsx');
      const preload = join(root, 'examples/docs-check/src/short-lived-servers.mjs');
      const { stdout, stderr } = await run(tsx, ['--tsconfig', join(root, 'tsconfig.json'), '--import', preload, path], {
        // A fresh working directory, so files a snippet creates (app.db…) do not outlive it.
        cwd: mkdtempSync(join(work, 'cwd-')),
        timeout: 50_000,
        env: { ...process.env, KEYWARD_DOCS_CHECK: '1' },
      });
      expect(stderr).toBe('');
      const expected = expectedOutput(snippet.code);
      expect(printsAsPromised(stdout, expected), `printed:\n${stdout}\npromised:\n${expected.join('\n')}`).toBe(true);
    });
  }
});
