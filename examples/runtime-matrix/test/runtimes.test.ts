// The runtime matrix: the guard and management case tables, through @keyward/fetch and
// @keyward/hono on the memory store, on Node, Bun, Deno and workerd (Miniflare, with and without nodejs_compat). Each runtime
// runs its own bundle of the same program; every row must pass on every runtime.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import { beforeAll, describe, expect, test } from 'vitest';
import { bundle } from '../src/bundle.js';
import type { SuiteReport } from '../src/suite.js';

const outdir = fileURLToPath(new URL('../.out', import.meta.url));
const doc = fileURLToPath(new URL('../../../docs/fetch.md', import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const run = promisify(execFile);

async function runCli(command: string, args: string[]): Promise<SuiteReport> {
  const { stdout } = await run(command, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as SuiteReport;
}

async function runWorkerd(compatibilityFlags: string[]): Promise<SuiteReport> {
  const mf = new Miniflare({ modules: true, scriptPath: `${outdir}/workerd.mjs`, compatibilityDate: '2025-09-01', compatibilityFlags });
  try {
    const response = await mf.dispatchFetch('http://localhost/');
    return (await response.json()) as SuiteReport;
  } finally {
    await mf.dispose();
  }
}

interface Row {
  runtime: string;
  /** The SHA-256 backend core must pick there. */
  backend: string;
  report: () => Promise<SuiteReport>;
}

const ROWS: readonly Row[] = [
  { runtime: 'Node', backend: 'node:crypto', report: () => runCli(process.execPath, [`${outdir}/node.mjs`]) },
  { runtime: 'Bun', backend: 'node:crypto', report: () => runCli(bin('bun'), [`${outdir}/bun.mjs`]) },
  { runtime: 'Deno', backend: 'node:crypto', report: () => runCli(bin('deno'), ['run', '--no-prompt', `${outdir}/deno.mjs`]) },
  { runtime: 'Bun, over HTTP (Bun.serve)', backend: 'node:crypto', report: () => runCli(bin('bun'), [`${outdir}/bun.mjs`, '--http']) },
  { runtime: 'Deno, over HTTP (Deno.serve)', backend: 'node:crypto', report: () => runCli(bin('deno'), ['run', '--no-prompt', '--allow-net=127.0.0.1', `${outdir}/deno.mjs`, '--http']) },
  { runtime: 'workerd', backend: '@noble/hashes', report: () => runWorkerd([]) },
  { runtime: 'workerd + nodejs_compat', backend: 'node:crypto', report: () => runWorkerd(['nodejs_compat']) },
];

describe('runtime matrix: shared case tables through @keyward/fetch and @keyward/hono', () => {
  const reports = new Map<string, SuiteReport>();

  beforeAll(async () => {
    mkdirSync(outdir, { recursive: true });
    for (const runtime of ['node', 'bun', 'deno', 'workerd'] as const) await bundle(runtime, outdir);
    // One at a time: the machine is small, and a runtime's failure must not hide another's.
    for (const row of ROWS) reports.set(row.runtime, await row.report());
  }, 600_000);

  test.each(ROWS)('$runtime passes every row of the tables', ({ runtime, backend }) => {
    const report = reports.get(runtime)!;
    const reference = reports.get('Node')!;
    const failures = report.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`);
    expect(failures).toEqual([]);
    // The same rows everywhere: nothing skipped, nothing extra.
    expect(report.results.map((r) => r.name)).toEqual(reference.results.map((r) => r.name));
    expect(report.hashBackend).toBe(backend);
  });

  test('the tables hold every guard and management row (no silent empty run), as many as docs/fetch.md says', () => {
    const names = reports.get('Node')!.results.map((r) => r.name);
    const guardRows = names.filter((n) => n.startsWith('fetch requireToken')).length;
    const managementRows = names.filter((n) => n.startsWith('fetch token management API')).length;
    expect(readFileSync(doc, 'utf8')).toContain(`(${guardRows} guard rows, ${managementRows} management rows,`);
    expect(names.filter((n) => n.startsWith('fetch requireToken')).length).toBeGreaterThanOrEqual(35);
    expect(names.filter((n) => n.startsWith('fetch token management API')).length).toBeGreaterThanOrEqual(50);
    expect(names.filter((n) => n.startsWith('hono requireToken')).length).toBeGreaterThanOrEqual(35);
    expect(names.filter((n) => n.startsWith('hono token management API')).length).toBeGreaterThanOrEqual(50);
  });
});
