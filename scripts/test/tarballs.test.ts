// The packages as a user gets them: packed, installed with npm outside the workspace, then used
// from ESM (the getting-started programs, run with tsx), CommonJS without require(esm), tsc under
// moduleResolution node16 and bundler, and Jest 30 in CommonJS mode.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectedOutput, printsAsPromised } from '../../examples/docs-check/src/expected-output.js';
import { ROOT, installProject, packAll, scratchDir, type ScratchProject } from '../tarball/scratch.js';

const FIXTURES = join(ROOT, 'scripts/tarball/fixtures');
/** A host app's own tests on @keyward/core/testing (docs/testing.md), run here as a user runs them. */
const HOST_TESTS = join(ROOT, 'examples/host-tests');

/** The runnable ```ts blocks of the getting-started guide, in order: keyward.ts, then server.ts. */
function gettingStartedPrograms(): string[] {
  const lines = readFileSync(join(ROOT, 'docs/getting-started.md'), 'utf8').split('\n');
  const blocks: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const end = lines.indexOf('```', i + 1);
    if (lines[i - 1]?.trim() !== '<!-- excerpt -->') blocks.push(lines.slice(i + 1, end).join('\n'));
    i = end;
  }
  return blocks;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The shared HTTP case tables (the private test kit, copied as it is) and the middleware glue of
 * the workspace's own test apps, pointed at that copy, beside the Redis conformance run.
 */
function caseTableFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const kit = join(ROOT, 'packages/test-kit/src');
  for (const entry of readdirSync(kit, { recursive: true, encoding: 'utf8' })) {
    if (entry.endsWith('.ts')) files[join('test-kit', entry)] = readFileSync(join(kit, entry), 'utf8');
  }
  const app = (from: string) => readFileSync(join(ROOT, from), 'utf8').replaceAll("'@keyward/test-kit/http'", "'./test-kit/http/index.js'");
  files['hono-app.ts'] = app('packages/hono/test/app.ts');
  files['express-app.ts'] = app('packages/express/test/app.ts');
  files['fastify-app.ts'] = app('packages/fastify/test/app.ts');
  files['fetch-app.ts'] = app('packages/fetch/test/app.ts').replaceAll("'./handler.js'", "'./fetch-handler.js'");
  files['fetch-handler.ts'] = app('packages/fetch/test/handler.ts');
  for (const name of readdirSync(join(ROOT, 'scripts/tarball/cases'))) files[name] = readFileSync(join(ROOT, 'scripts/tarball/cases', name), 'utf8');
  return files;
}

/**
 * Peer versions each project gets: `newest` takes the latest every peer range admits (and hosts
 * the getting-started, CJS, tsc and Jest checks), `lowest` the oldest. Keep these in step with the
 * peerDependencies of @keyward/hono, @keyward/express, @keyward/fastify and @keyward/redis.
 */
const PEERS = {
  newest: { hono: '^4', express: '^5', ioredis: '^6', fastify: '^5' },
  lowest: { hono: '4.1.0', express: '5.0.0', ioredis: '5.4.0', fastify: '5.0.0' },
} as const;

const [keywardProgram, serverProgram] = gettingStartedPrograms();
let work: string | undefined;
let project: ScratchProject;
let lowest: ScratchProject;

beforeAll(async () => {
  const root = scratchDir('tarballs');
  work = root;
  const tarballs = await packAll(join(root, 'tarballs'));
  const fixtures = Object.fromEntries(readdirSync(FIXTURES).map((name) => [name, readFileSync(join(FIXTURES, name), 'utf8')]));
  const hostTests = Object.fromEntries(readdirSync(HOST_TESTS).filter((name) => name.includes('.test.')).map((name) => [name, readFileSync(join(HOST_TESTS, name), 'utf8')]));
  const cases = caseTableFiles();
  const folder = (name: string, files: Record<string, string>) => {
    const dir = join(root, name);
    mkdirSync(join(dir, 'cases'), { recursive: true });
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, 'cases', file)), { recursive: true });
      writeFileSync(join(dir, 'cases', file), text);
    }
    return dir;
  };
  const testing = { vitest: '4.1.12', '@hono/node-server': '^1' };
  [project, lowest] = await Promise.all([
    installProject(
      folder('newest', cases),
      tarballs,
      {
        ...PEERS.newest,
        ...testing,
        'better-sqlite3': '*',
        typescript: '~5.9.3',
        tsx: '^4',
        jest: '^30',
        '@types/node': '^20',
        '@types/better-sqlite3': '^7',
        '@types/express': '^5',
      },
      { ...fixtures, ...hostTests, 'keyward.ts': keywardProgram!, 'server.ts': serverProgram! },
    ),
    installProject(folder('lowest', cases), tarballs, { ...PEERS.lowest, ...testing }),
  ]);
}, 240_000);

afterAll(() => {
  if (work && !process.env.KEEP_SCRATCH) rmSync(work, { recursive: true, force: true });
});

const installed = (at: ScratchProject, name: string) => (JSON.parse(readFileSync(join(at.dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

describe.each(['newest', 'lowest'] as const)('peers at the %s versions their ranges admit', (which) => {
  const at = () => (which === 'newest' ? project : lowest);

  test('the versions installed are the ones meant', () => {
    const versions = { hono: installed(at(), 'hono'), express: installed(at(), 'express'), ioredis: installed(at(), 'ioredis'), fastify: installed(at(), 'fastify') };
    if (which === 'lowest') expect(versions).toEqual(PEERS.lowest);
    else expect(versions).toEqual({ hono: expect.stringMatching(/^4\./), express: expect.stringMatching(/^5\./), ioredis: expect.stringMatching(/^6\./), fastify: expect.stringMatching(/^5\./) });
  });

  test('the Hono, Express, Fastify and fetch case tables and the Redis conformance suite pass', { timeout: 150_000 }, async () => {
    const result = await at()
      .exec('node_modules/.bin/vitest', ['run', 'cases', '--reporter=dot'], { timeout: 140_000 })
      .catch((error: { stdout: string; stderr: string }) => error);
    expect(result.stdout, result.stdout + result.stderr).toMatch(/Test Files\s+5 passed \(5\)/);
  });
});

describe('packed packages, installed with npm outside the workspace', () => {
  test('the getting-started guide has its two programs', () => {
    expect([keywardProgram, serverProgram].map((p) => typeof p)).toEqual(['string', 'string']);
  });

  test('getting started, step 2 (keyward.ts, ESM via tsx) prints what the guide says', async () => {
    const { stdout, stderr } = await project.exec('node_modules/.bin/tsx', ['keyward.ts']);
    expect(stderr).toBe('');
    expect(printsAsPromised(stdout, expectedOutput(keywardProgram!)), stdout).toBe(true);
    // Run again: the program leaves nothing behind that would make a second run fail.
    expect(printsAsPromised((await project.exec('node_modules/.bin/tsx', ['keyward.ts'])).stdout, expectedOutput(keywardProgram!))).toBe(true);
  });

  test('getting started, steps 3–5 (server.ts): the curl session answers as the guide says, SIGTERM to `node --import tsx server.ts` closes cleanly', async () => {
    const port = await freePort();
    // As step 5 starts it: one process, whose pid is the server's.
    const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { cwd: project.dir, env: { ...process.env, NODE_OPTIONS: '', PORT: String(port) } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 200 && !stdout.includes('Listening'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(stdout).toContain('Listening');
      const base = `http://127.0.0.1:${port}`;
      const created = await fetch(`${base}/settings/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'CI', scope: { kind: 'project', projectId: 'proj_web' }, expiresIn: '30d' }),
      });
      expect(created.status).toBe(201);
      const { plaintext, token } = (await created.json()) as { plaintext: string; token: { id: string } };
      const auth = { authorization: `Bearer ${plaintext}` };
      const builds = await fetch(`${base}/api/projects/proj_web/builds`, { headers: auth });
      expect([builds.status, await builds.json()]).toEqual([200, { builds: [], calledBy: 'CI' }]);
      expect((await fetch(`${base}/api/billing`, { headers: auth })).status).toBe(403);
      expect((await fetch(`${base}/settings/tokens/${token.id}`, { method: 'DELETE' })).status).toBe(204);
      expect((await fetch(`${base}/api/projects/proj_web/builds`, { headers: auth })).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(printsAsPromised(stdout.replace(`:${port}`, ':3000'), expectedOutput(serverProgram!)), stdout).toBe(true);
  });

  test('getting started, step 5: Ctrl-C (SIGINT to the whole command) stops `npx tsx server.ts` cleanly, leaving no process behind', async () => {
    const port = await freePort();
    // A process group of its own, as a terminal gives each command: Ctrl-C signals all of it.
    const child = spawn('npx', ['tsx', 'server.ts'], { cwd: project.dir, detached: true, env: { ...process.env, NODE_OPTIONS: '', PORT: String(port) } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    for (let i = 0; i < 300 && !stdout.includes('Listening'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stdout).toContain('Listening');
    process.kill(-child.pid!, 'SIGINT');
    await exited;
    for (let i = 0; i < 100 && !stdout.includes('Closed'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stdout).toContain('Closed');
    // Nothing of the group is left listening: the port is free again.
    await expect(fetch(`http://127.0.0.1:${port}/api/billing`)).rejects.toThrow();
  });

  test('CommonJS require() works without require(esm), and errors keep their class names', async () => {
    const { stdout, stderr } = await project.exec('node', ['--no-experimental-require-module', 'cjs-require.cjs']);
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toEqual(['true', 'true ValidationError name name: must not be empty', 'function function function function function']);
  });

  test.each(['node16', 'bundler'])('tsc --noEmit with moduleResolution %s', { timeout: 120_000 }, async (resolution) => {
    const result = await project
      .exec('node_modules/.bin/tsc', ['-p', `tsconfig.${resolution}.json`], { timeout: 110_000 })
      .catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe('');
  });

  test('@keyward/postgres/sql/*.sql resolve by package path, from ESM and CommonJS (for drizzle-kit, Prisma, node-pg-migrate)', async () => {
    const shipped = readdirSync(join(ROOT, 'packages/postgres/sql')).filter((name) => name.endsWith('.sql')).length;
    const { stdout, stderr } = await project.exec('node', ['postgres-sql.mjs']);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe(`${shipped} of ${shipped} SQL files resolve by package path`);
  });

  test('Jest 30 (CommonJS) loads and runs the packages', { timeout: 100_000 }, async () => {
    const result = await project
      .exec('node_modules/.bin/jest', ['--ci', '--config', 'jest.config.cjs'], { timeout: 90_000 })
      .catch((error: { stdout: string; stderr: string }) => error);
    // keyward.test.cjs (3) and the host-style test of docs/testing.md (1).
    expect(result.stderr).toMatch(/Tests:\s+4 passed, 4 total/);
  });

  test('a host app\'s Vitest suite on @keyward/core/testing (docs/testing.md) passes', { timeout: 100_000 }, async () => {
    const result = await project
      .exec('node_modules/.bin/vitest', ['run', 'tokens.vitest.test.ts', '--reporter=dot'], { timeout: 90_000 })
      .catch((error: { stdout: string; stderr: string }) => error);
    expect(result.stdout, result.stdout + result.stderr).toMatch(/Tests\s+1 passed \(1\)/);
  });
});

