import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';

// Every ```ts / ```js block of README.md, docs/ and the package and example READMEs runs here,
// unless the line before it is `<!-- excerpt -->` (a fragment that needs surrounding code).
// Servers a snippet starts are moved to a free port and stopped (src/short-lived-servers.mjs).
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

interface Snippet {
  file: string;
  line: number;
  code: string;
}

function extractSnippets(file: string): Snippet[] {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const snippets: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|typescript|js|mjs)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.indexOf('```', i + 1);
    const excerpt = lines[i - 1]?.trim() === '<!-- excerpt -->';
    if (!excerpt) snippets.push({ file, line: i + 1, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return snippets;
}

mkdirSync(work, { recursive: true });
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('documentation code blocks run', () => {
  const snippets = markdownFiles().flatMap(extractSnippets);

  test('there are snippets to run', () => {
    expect(snippets.length).toBeGreaterThan(0);
  });

  for (const snippet of snippets) {
    test(`${snippet.file}:${snippet.line}`, { timeout: 60_000 }, async () => {
      const path = join(work, `${snippet.file.replace(/[^a-z0-9]+/gi, '_')}_${snippet.line}.ts`);
      writeFileSync(path, `${snippet.code}\nexport {};\n`);
      const tsx = join(root, 'node_modules/.bin/tsx');
      const preload = join(root, 'examples/docs-check/src/short-lived-servers.mjs');
      const { stderr } = await run(tsx, ['--tsconfig', join(root, 'tsconfig.json'), '--import', preload, path], {
        // A fresh working directory, so files a snippet creates (app.db…) do not outlive it.
        cwd: mkdtempSync(join(work, 'cwd-')),
        timeout: 50_000,
        env: { ...process.env, KEYWARD_DOCS_CHECK: '1' },
      });
      expect(stderr).toBe('');
    });
  }
});
