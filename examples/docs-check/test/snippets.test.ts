import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, test } from 'vitest';
import { expectedOutput, printsAsPromised } from '../src/expected-output.js';
import { ROOT, codeBlocks, markdownFiles } from '../src/markdown.js';
import { keyPrefixesOf, usesRedis } from '../src/redis-prefixes.js';
import { Redis } from 'ioredis';

// Every ```ts / ```js block of README.md, docs/ and the package and example READMEs runs here,
// unless the line before it is `<!-- excerpt -->` (a fragment that needs surrounding code) or
// `<!-- runtime: … -->` (a program for Bun, Deno or workerd, which examples/runtime-matrix runs there).
// Servers a snippet starts are moved to a free port and stopped (src/short-lived-servers.mjs).
// Each block states what it prints in trailing `// → …` comments, and what it prints is compared.
const root = ROOT;
const work = fileURLToPath(new URL('../.snippets/', import.meta.url));
const run = promisify(execFile);

interface Snippet {
  file: string;
  line: number;
  code: string;
}

const RUNNABLE = new Set(['ts', 'typescript', 'js', 'mjs']);

function extractSnippets(file: string): Snippet[] {
  return codeBlocks(file).filter((b) => RUNNABLE.has(b.language) && !b.excerpt);
}

mkdirSync(work, { recursive: true });
afterAll(() => rmSync(work, { recursive: true, force: true }));

let redis: Redis | undefined;
afterAll(() => redis?.disconnect());

/** Every key under `prefix` on the Redis the snippets use. */
async function keysUnder(prefix: string): Promise<string[]> {
  redis ??= new Redis({ host: '127.0.0.1', port: 6379, maxRetriesPerRequest: 1, lazyConnect: true });
  const found: string[] = [];
  for await (const keys of redis.scanStream({ match: `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, count: 1000 })) found.push(...(keys as string[]));
  return found.sort();
}

describe('documentation code blocks run', () => {
  const snippets = markdownFiles().flatMap(extractSnippets);

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
    const blocks = markdownFiles().flatMap(codeBlocks);
    const quickStart = blocks.find((b) => b.file === 'README.md' && b.language === 'sh' && !b.excerpt);
    expect(quickStart, 'README.md has an unmarked sh block: the Quick start').toBeDefined();
    const commands = quickStart!.code.split('\n').filter((l) => l.trim() !== '');
    expect(commands).toHaveLength(2);
    const ci = readFileSync(join(root, '.ci/run'), 'utf8').split('\n');
    for (const command of commands) expect(ci).toContain(command);
    const unmarked = blocks.filter((b) => b !== quickStart && !b.excerpt && !RUNNABLE.has(b.language));
    expect(unmarked.map((b) => `${b.file}:${b.line} (${b.language || 'no language'})`)).toEqual([]);
  });

  test('a Redis key prefix with the process id is read from a snippet as the prefix it wrote under', () => {
    expect(keyPrefixesOf("const keyPrefix = `docs-example:${process.pid}:`;\nredisStore({ client, keyPrefix })", 42)).toEqual(['docs-example:42:']);
    expect(keyPrefixesOf("redisStore({ client, keyPrefix: 'myapp:tokens:' })", 42)).toEqual(['myapp:tokens:']);
  });

  for (const snippet of snippets) {
    test(`${snippet.file}:${snippet.line}`, { timeout: 60_000 }, async () => {
      const name = `${snippet.file.replace(/[^a-z0-9]+/gi, '_')}_${snippet.line}`;
      const path = join(work, `${name}.ts`);
      const pidFile = join(work, `${name}.pid`);
      writeFileSync(path, `${snippet.code}\nexport {};\n`);
      const tsx = join(root, 'node_modules/.bin/tsx');
      const preloads = ['short-lived-servers.mjs', 'record-pid.mjs'].flatMap((file) => ['--import', join(root, 'examples/docs-check/src', file)]);
      const { stdout, stderr } = await run(tsx, ['--tsconfig', join(root, 'tsconfig.json'), ...preloads, path], {
        // A fresh working directory, so files a snippet creates (app.db…) do not outlive it.
        cwd: mkdtempSync(join(work, 'cwd-')),
        timeout: 50_000,
        env: { ...process.env, KEYWARD_DOCS_CHECK: '1', KEYWARD_SNIPPET_PID_FILE: pidFile },
      });
      expect(stderr).toBe('');
      const expected = expectedOutput(snippet.code);
      expect(printsAsPromised(stdout, expected), `printed:\n${stdout}\npromised:\n${expected.join('\n')}`).toBe(true);
      if (usesRedis(snippet.code)) {
        // Under a prefix of its own process, and nothing left there once it has ended.
        const pid = Number(readFileSync(pidFile, 'utf8'));
        const prefixes = keyPrefixesOf(snippet.code, pid);
        expect(prefixes.length, 'a Redis snippet passes its own keyPrefix').toBeGreaterThan(0);
        expect(prefixes.filter((prefix) => !prefix.includes(String(pid))), 'each prefix holds ${process.pid}').toEqual([]);
        for (const prefix of prefixes) expect(await keysUnder(prefix), `keys left under ${prefix}`).toEqual([]);
      }
    });
  }
});
