// The SQLite store on the SQLite built into each runtime: node:sqlite on Node 22 and 24 (binaries
// from the `node` npm package through npx, cached there and shared with the tarball test) and Deno, bun:sqlite on
// Bun. One bundle of the whole conformance suite (every section and contract v3 part) plus the
// driver errors produced for real (src/sqlite-drivers.ts) runs on each; any failing test there
// fails its row here, and every runtime must run the same tests.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { expectedOutput } from '../../docs-check/src/expected-output.js';
import { bundleSqliteDrivers } from '../src/bundle.js';
import type { TestResult } from '../src/mini-vitest.js';
// The tarball test's Node binaries (npx's cache of the `node` package): one download serves both.
import { nodeBinary } from '../../../scripts/tarball/peers.js';

const outdir = fileURLToPath(new URL('../.out', import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const run = promisify(execFile);

interface Report {
  driver: string;
  runtime: string;
  results: TestResult[];
}

interface Row {
  runtime: string;
  driver: 'node:sqlite' | 'bun:sqlite';
  command: (program: string) => Promise<[string, string[]]>;
}

const ROWS: readonly Row[] = [
  { runtime: 'Node 22', driver: 'node:sqlite', command: async (program) => [await nodeBinary(22), ['--no-warnings', program]] },
  { runtime: 'Node 24', driver: 'node:sqlite', command: async (program) => [await nodeBinary(24), ['--no-warnings', program]] },
  { runtime: 'Bun', driver: 'bun:sqlite', command: async (program) => [bin('bun'), [program]] },
  // Files in the temp directory (read, write) and TMPDIR (env), nothing else.
  { runtime: 'Deno', driver: 'node:sqlite', command: async (program) => [bin('deno'), ['run', '--no-prompt', '--allow-read', '--allow-write', '--allow-env', program]] },
];

/** The contract sections every runtime must have run, by the name describeTokenStore gives them. */
const SECTIONS = ['limits (contract v3) >', 'rate limiter (contract v3) >', 'audit trail (contract v3) >', 'usage counts (contract v3) >', 'a broken store never answers findByHash() with null'];

describe('the SQLite store on the runtimes\' built-in SQLite (node:sqlite, bun:sqlite)', () => {
  const reports = new Map<string, Report>();

  beforeAll(async () => {
    mkdirSync(outdir, { recursive: true });
    const program = await bundleSqliteDrivers(outdir);
    // All at once: each run waits on fsync and timers far more than it computes (about 3 s of CPU
    // in 15 s), so together they take the time of the slowest. Each row still fails on its own.
    await Promise.all(
      ROWS.map(async (row) => {
        const [command, args] = await row.command(program);
        const { stdout } = await run(command, args, { timeout: 300_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
        reports.set(row.runtime, JSON.parse(stdout.trim().split('\n').at(-1)!) as Report);
      }),
    );
  }, 900_000);

  test.each(ROWS)('$runtime with $driver passes the whole conformance suite and the driver error tests', ({ runtime, driver }) => {
    const report = reports.get(runtime)!;
    expect(report.driver).toBe(driver);
    expect(report.runtime.split(' ')[0]).toBe(runtime.split(' ')[0]);
    if (runtime.startsWith('Node ')) expect(report.runtime).toMatch(new RegExp(`^Node v${runtime.slice(5)}\\.`));
    expect(report.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`)).toEqual([]);
    // No silent empty run: the 74 conformance tests better-sqlite3 runs under vitest, or more, each section among them.
    const conformance = report.results.filter((r) => r.name.startsWith('TokenStore conformance:'));
    expect(conformance.length).toBeGreaterThanOrEqual(74);
    for (const section of SECTIONS) expect(conformance.some((r) => r.name.includes(`> ${section}`)), section).toBe(true);
    expect(report.results.filter((r) => r.name.startsWith('SQLite errors produced for real')).length).toBe(9);
  });

  test('every runtime ran exactly the same tests', () => {
    const names = (runtime: string) => reports.get(runtime)!.results.map((r) => r.name.replaceAll(reports.get(runtime)!.driver, '<driver>'));
    for (const row of ROWS) expect(names(row.runtime)).toEqual(names('Node 22'));
  });
});

/** The blocks of docs/stores.md marked `<!-- runtime: node|deno|bun -->`, by runtime. */
function storeRecipes(): Map<string, string> {
  const lines = readFileSync(fileURLToPath(new URL('../../../docs/stores.md', import.meta.url)), 'utf8').split('\n');
  const found = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const runtime = /^<!-- runtime: ([a-z]+) -->$/.exec(lines[i]!.trim())?.[1];
    if (!runtime || lines[i + 1] !== '```ts') continue;
    found.set(runtime, lines.slice(i + 2, lines.indexOf('```', i + 2)).join('\n'));
  }
  return found;
}

describe('docs/stores.md SQLite recipes run on their runtimes', () => {
  const blocks = storeRecipes();

  test('the doc has a Node 22+, a Deno and a Bun recipe', () => {
    expect([...blocks.keys()].sort()).toEqual(['bun', 'deno', 'node']);
  });

  test.each([
    { runtime: 'node', command: async () => [await nodeBinary(22), ['--no-warnings']] as const },
    { runtime: 'deno', command: async () => [bin('deno'), ['run', '--no-prompt']] as const },
    { runtime: 'bun', command: async () => [bin('bun'), []] as const },
  ])('the $runtime recipe prints what it says', { timeout: 180_000 }, async ({ runtime, command }) => {
    mkdirSync(outdir, { recursive: true });
    const code = blocks.get(runtime)!;
    const source = `${outdir}/stores-recipe-${runtime}.ts`;
    writeFileSync(source, `${code}\n`);
    const program = await bundleSqliteDrivers(outdir, { path: source, name: `stores-recipe-${runtime}` });
    const [binary, args] = await command();
    const { stdout } = await run(binary, [...args, program], { timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
    const expected = expectedOutput(code);
    expect(expected.length).toBeGreaterThan(0);
    expect(stdout.trim().split('\n')).toEqual(expected);
  });
});
