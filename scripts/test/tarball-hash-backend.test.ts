// Which SHA-256 backend @keyward/core loads, as a user installs it (packed, npm, outside the
// workspace): node:crypto alone on Node, Bun and Deno — @noble/hashes is never loaded there — and
// @noble/hashes where node:crypto is missing (workerd without nodejs_compat, edge, browsers). The
// package's `#hash-backend` import conditions pick the backend; these tests hold each resolver to it.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROOT, installProject, packAll, scratchDir, type ScratchProject } from '../tarball/scratch.js';

const PROBE = join(ROOT, 'scripts/tarball/hash-backend');
const probeFiles = () => Object.fromEntries(readdirSync(PROBE).map((name) => [name, readFileSync(join(PROBE, name), 'utf8')]));
/** What the probe prints where hashing works: created tokens verify, and their stored hash is WebCrypto's. */
const WORKS = ['plain true true', 'peppered true true'];

// Bun, Deno, esbuild and Miniflare (workerd) come with the runtime matrix's dev dependencies.
const matrix = join(ROOT, 'examples/runtime-matrix');
const matrixRequire = createRequire(join(matrix, 'package.json'));
// The binaries themselves: pnpm's .bin shim for Bun sets NODE_PATH to the workspace's packages.
const BUN = join(matrix, 'node_modules/bun/bin/bun.exe');
const DENO = join(matrix, 'node_modules/deno/bin.cjs');
/** The part of esbuild's and Miniflare's APIs used here (the workspace root has neither package's types). */
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[]; metafile: { inputs: Record<string, unknown> } }>;
}
type MiniflareClass = new (options: Record<string, unknown>) => { dispatchFetch(url: string): Promise<Response>; dispose(): Promise<void> };
const esbuild = () => import(matrixRequire.resolve('esbuild')) as Promise<Esbuild>;

let work: string | undefined;
/** @keyward/core with its dependencies, as npm installs it. */
let complete: ScratchProject;
/** The same install with @noble/hashes deleted: whatever loads it fails here. */
let withoutNoble: ScratchProject;

beforeAll(async () => {
  work = scratchDir('hash-backend');
  const tarballs = await packAll(join(work, 'tarballs'), ['@keyward/core']);
  const folder = (name: string) => {
    mkdirSync(join(work!, name));
    return join(work!, name);
  };
  [complete, withoutNoble] = await Promise.all([
    installProject(folder('complete'), tarballs, {}, probeFiles()),
    installProject(folder('without-noble'), tarballs, {}, probeFiles()),
  ]);
  rmSync(join(withoutNoble.dir, 'node_modules/@noble'), { recursive: true, force: true });
}, 120_000);

afterAll(() => {
  if (work && !process.env.KEEP_SCRATCH) rmSync(work, { recursive: true, force: true });
});

const lines = (stdout: string) => stdout.trim().split('\n');

describe('Node, Bun and Deno hash with node:crypto and never load @noble/hashes', () => {
  test('the project really lacks @noble/hashes: importing it fails', async () => {
    expect(existsSync(join(withoutNoble.dir, 'node_modules/@keyward/core/package.json'))).toBe(true);
    const failed = await withoutNoble.exec('node', ['--input-type=module', '-e', "await import('@noble/hashes/sha2.js')"]).catch((error: { stderr: string }) => error);
    expect('stderr' in failed ? failed.stderr : '').toContain("Cannot find package '@noble/hashes'");
  });

  test.each([
    ['Node, ESM', 'node', ['probe.mjs']],
    ['Bun', BUN, ['probe.mjs']],
    ['Deno', 'node', [DENO, 'run', '--no-prompt', 'probe.mjs']],
  ])('%s: tokens are created and verified, hashes are right', async (_runtime, command, args) => {
    const { stdout, stderr } = await withoutNoble.exec(command, args);
    expect(stderr).toBe('');
    expect(lines(stdout)).toEqual(WORKS);
  });

  test('Node, CommonJS without require(esm): no file holding noble code is loaded (the CJS build bundles noble in the portable backend only)', async () => {
    const { stdout, stderr } = await withoutNoble.exec('node', ['--no-experimental-require-module', 'probe-require.cjs']);
    expect(stderr).toBe('');
    expect(lines(stdout)).toEqual([...WORKS, 'noble code loaded: none']);
  });

  test('control: under the `browser` condition Node takes the portable backend, which needs @noble/hashes (ESM) or loads its bundled copy (CJS)', async () => {
    const failed = await withoutNoble.exec('node', ['--conditions=browser', 'probe.mjs']).catch((error: { stderr: string }) => error);
    expect('stderr' in failed ? failed.stderr : '').toMatch(/Cannot find package '@noble\/hashes' imported from .*hash-backend\/portable\.js/);
    const { stdout } = await complete.exec('node', ['--conditions=browser', '--no-experimental-require-module', 'probe-require.cjs']);
    expect(lines(stdout)).toEqual([...WORKS, 'noble code loaded: @keyward/core/dist/hash-backend/portable.cjs']);
  });
});

describe('runtimes without node:crypto get @noble/hashes', () => {
  /** A Worker bundled as wrangler bundles one (esbuild, its conditions), from `project`'s node_modules. */
  const workerBundle = async (project: ScratchProject) =>
    (await esbuild()).build({ entryPoints: [join(project.dir, 'worker.mjs')], bundle: true, write: false, format: 'esm', platform: 'browser', conditions: ['workerd', 'worker', 'browser'], logLevel: 'silent' });

  test('workerd without nodejs_compat: the installed package hashes with @noble/hashes, correctly', { timeout: 60_000 }, async () => {
    const { Miniflare } = (await import(matrixRequire.resolve('miniflare'))) as { Miniflare: MiniflareClass };
    const script = (await workerBundle(complete)).outputFiles[0]!.text;
    const mf = new Miniflare({ modules: true, script, compatibilityDate: '2025-09-01', compatibilityFlags: [] });
    try {
      expect(await (await mf.dispatchFetch('http://localhost/')).json()).toEqual(WORKS);
    } finally {
      await mf.dispose();
    }
  });

  test('control: the Worker cannot be bundled without @noble/hashes', async () => {
    const failed = await workerBundle(withoutNoble).catch((error: Error) => error);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toContain('Could not resolve "@noble/hashes/');
  });

  // The first condition the map lists that a resolver has wins, so the runtimes without
  // node:crypto come before `node`: Next.js's edge build and some Worker setups also pass `node`.
  test.each([
    { resolver: 'Node, and bundlers targeting Node', conditions: ['node'], backend: 'node.js' },
    { resolver: 'Bun', conditions: ['bun', 'node'], backend: 'node.js' },
    { resolver: 'Deno', conditions: ['deno', 'node'], backend: 'node.js' },
    { resolver: 'wrangler (workerd)', conditions: ['workerd', 'worker', 'browser'], backend: 'portable.js' },
    { resolver: 'a Worker bundled for platform node', conditions: ['workerd', 'worker', 'browser', 'node'], backend: 'portable.js' },
    { resolver: 'Next.js edge runtime', conditions: ['edge-light', 'worker', 'browser', 'module', 'import', 'node'], backend: 'portable.js' },
    { resolver: 'a browser bundle', conditions: ['browser'], backend: 'portable.js' },
    { resolver: 'a resolver with no runtime condition', conditions: [], backend: 'portable.js' },
  ])('$resolver resolves #hash-backend to $backend', async ({ conditions, backend }) => {
    const { metafile } = await (await esbuild()).build({
      stdin: { contents: "export { createKeyward } from '@keyward/core';", resolveDir: complete.dir },
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      conditions,
      external: ['node:*'],
      logLevel: 'silent',
    });
    const backends = Object.keys(metafile.inputs).filter((input) => input.includes('/hash-backend/'));
    expect(backends.map((input) => input.slice(input.lastIndexOf('/') + 1))).toEqual([backend]);
  });
});
