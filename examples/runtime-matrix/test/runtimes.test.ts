// The runtime matrix: the guard and management case tables, through @keyward/fetch and
// @keyward/hono on the memory store, on Node, Bun, Deno and workerd (Miniflare, with and without nodejs_compat). Each runtime
// runs its own bundle of the same program; every row must pass on every runtime.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import { beforeAll, describe, expect, test } from 'vitest';
import { bundle, bundleNodeServers } from '../src/bundle.js';
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
  /** Which program: fetch + Hono handlers, or the Express and Fastify servers on node:http. */
  suite: 'fetch + hono' | 'express + fastify';
  /** The SHA-256 backend core must pick there. */
  backend: string;
  report: () => Promise<SuiteReport>;
}

const deno = (...args: string[]) => runCli(bin('deno'), ['run', '--no-prompt', ...args]);

const ROWS: readonly Row[] = [
  { runtime: 'Node', suite: 'fetch + hono', backend: 'node:crypto', report: () => runCli(process.execPath, [`${outdir}/node.mjs`]) },
  { runtime: 'Bun', suite: 'fetch + hono', backend: 'node:crypto', report: () => runCli(bin('bun'), [`${outdir}/bun.mjs`]) },
  { runtime: 'Deno', suite: 'fetch + hono', backend: 'node:crypto', report: () => deno(`${outdir}/deno.mjs`) },
  { runtime: 'Bun, over HTTP (Bun.serve)', suite: 'fetch + hono', backend: 'node:crypto', report: () => runCli(bin('bun'), [`${outdir}/bun.mjs`, '--http']) },
  { runtime: 'Deno, over HTTP (Deno.serve)', suite: 'fetch + hono', backend: 'node:crypto', report: () => deno('--allow-net=127.0.0.1', `${outdir}/deno.mjs`, '--http') },
  { runtime: 'workerd', suite: 'fetch + hono', backend: '@noble/hashes', report: () => runWorkerd([]) },
  { runtime: 'workerd + nodejs_compat', suite: 'fetch + hono', backend: 'node:crypto', report: () => runWorkerd(['nodejs_compat']) },
  { runtime: 'Node', suite: 'express + fastify', backend: 'node:crypto', report: () => runCli(process.execPath, [`${outdir}/node-servers.mjs`]) },
  { runtime: 'Bun', suite: 'express + fastify', backend: 'node:crypto', report: () => runCli(bin('bun'), [`${outdir}/node-servers.mjs`]) },
  // Express reads NODE_ENV: Deno asks for env access.
  { runtime: 'Deno', suite: 'express + fastify', backend: 'node:crypto', report: () => deno('--allow-net=127.0.0.1', '--allow-env', `${outdir}/node-servers.mjs`) },
];

const key = (row: Pick<Row, 'runtime' | 'suite'>) => `${row.suite} on ${row.runtime}`;

describe('runtime matrix: shared case tables through @keyward/fetch and @keyward/hono', () => {
  const reports = new Map<string, SuiteReport>();

  beforeAll(async () => {
    mkdirSync(outdir, { recursive: true });
    for (const runtime of ['node', 'bun', 'deno', 'workerd'] as const) await bundle(runtime, outdir);
    await bundleNodeServers(outdir);
    // One at a time: the machine is small, and a runtime's failure must not hide another's.
    for (const row of ROWS) reports.set(key(row), await row.report());
  }, 600_000);

  test.each(ROWS)('$suite on $runtime passes every row of the tables', ({ runtime, suite, backend }) => {
    const report = reports.get(key({ runtime, suite }))!;
    const reference = reports.get(key({ runtime: 'Node', suite }))!;
    const failures = report.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.error}`);
    expect(failures).toEqual([]);
    // The same rows everywhere: nothing skipped, nothing extra.
    expect(report.results.map((r) => r.name)).toEqual(reference.results.map((r) => r.name));
    expect(report.hashBackend).toBe(backend);
  });

  test('the tables hold every guard and management row (no silent empty run), as many as docs/fetch.md says', () => {
    const names = [...reports.get(key({ runtime: 'Node', suite: 'fetch + hono' }))!.results, ...reports.get(key({ runtime: 'Node', suite: 'express + fastify' }))!.results].map((r) => r.name);
    const guardRows = names.filter((n) => n.startsWith('fetch requireToken')).length;
    const managementRows = names.filter((n) => n.startsWith('fetch token management API')).length;
    expect(readFileSync(doc, 'utf8')).toContain(`(${guardRows} guard rows, ${managementRows} management rows,`);
    expect(names.filter((n) => n.startsWith('fetch requireToken')).length).toBeGreaterThanOrEqual(35);
    expect(names.filter((n) => n.startsWith('fetch token management API')).length).toBeGreaterThanOrEqual(50);
    expect(names.filter((n) => n.startsWith('hono requireToken')).length).toBeGreaterThanOrEqual(35);
    expect(names.filter((n) => n.startsWith('hono token management API')).length).toBeGreaterThanOrEqual(50);
    for (const framework of ['express', 'fastify']) {
      expect(names.filter((n) => n.startsWith(`${framework} requireToken`)).length).toBe(guardRows);
      expect(names.filter((n) => n.startsWith(`${framework} token management API`)).length).toBe(managementRows);
    }
  });
});
