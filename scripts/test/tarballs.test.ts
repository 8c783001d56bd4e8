// The packages as a user gets them: packed by the README's own install command, installed with npm
// outside the workspace, then used in three scratch projects.
// - `lowest` and `newest`: every library peer at the lowest version its range admits (Node 20), and
//   at the newest (Node 22, the oldest Node the newest better-sqlite3 runs on, and Node 24). There
//   the guides' own programs print what they say, and the HTTP case tables and the store
//   conformance suites (Redis, SQLite, PostgreSQL) pass.
// - `node20`: a Node 20 app on the newest peers (better-sqlite3 12, the newest that runs there): the
//   getting-started programs, CommonJS without require(esm), tsc under node16, bundler and node10
//   (every subpath), Jest 30 in CommonJS mode, a host app's Vitest suite.
// And the README's install from a clone, run as written.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { codeBlocks, runnableBlocks } from '../../examples/docs-check/src/markdown.js';
import { expectedOutput, printsAsPromised } from '../../examples/docs-check/src/expected-output.js';
import { SHORT_LIVED_SERVERS, guidePrograms, runGuides } from '../tarball/guides.js';
import { nodeBinary, peerEnds, peerRanges } from '../tarball/peers.js';
import { installProject, onPath, scratchDir, workspaceBetterSqlite, type ScratchProject } from '../tarball/scratch.js';
import { ROOT, publishedPackages } from '../workspace.js';

const run = promisify(execFile);
const FIXTURES = join(ROOT, 'scripts/tarball/fixtures');
/** A host app's own tests on @keyward/core/testing (docs/testing.md), run here as a user runs them. */
const HOST_TESTS = join(ROOT, 'examples/host-tests');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The README's Install block: clone; install, build and pack; install the tarballs in your app. */
function installCommands(): string[] {
  const lines = read('README.md').split('\n');
  const start = lines.indexOf('## Install') + 1;
  const end = lines.findIndex((line, i) => i >= start && line.startsWith('## ')) + 1;
  const block = codeBlocks('README.md').find((b) => b.language === 'sh' && b.line > start && b.line < end);
  return (block?.code ?? '').split('\n').filter((line) => line.trim() !== '');
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
 * the workspace's own test apps, pointed at that copy, beside the store conformance runs.
 */
function caseTableFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const kit = join(ROOT, 'packages/test-kit/src');
  for (const entry of readdirSync(kit, { recursive: true, encoding: 'utf8' })) {
    if (entry.endsWith('.ts')) files[join('cases/test-kit', entry)] = readFileSync(join(kit, entry), 'utf8');
  }
  const app = (from: string) => read(from).replaceAll("'@keyward/test-kit/http'", "'./test-kit/http/index.js'");
  files['cases/hono-app.ts'] = app('packages/hono/test/app.ts');
  files['cases/express-app.ts'] = app('packages/express/test/app.ts');
  files['cases/fastify-app.ts'] = app('packages/fastify/test/app.ts');
  files['cases/fetch-app.ts'] = app('packages/fetch/test/app.ts').replaceAll("'./handler.js'", "'./fetch-handler.js'");
  files['cases/fetch-handler.ts'] = app('packages/fetch/test/handler.ts');
  for (const name of readdirSync(join(ROOT, 'scripts/tarball/cases'))) files[join('cases', name)] = read(join('scripts/tarball/cases', name));
  return files;
}
const CASE_FILES = readdirSync(join(ROOT, 'scripts/tarball/cases')).length;

/** Every typed entry point (`@keyward/core/testing`…), imported by a CommonJS project under node10. */
function node10Files(): Record<string, string> {
  const specifiers = publishedPackages().flatMap(({ name, manifest }) =>
    Object.entries(manifest.exports as Record<string, unknown>)
      .filter(([path, target]) => path !== './package.json' && JSON.stringify(target).includes('"types"'))
      .map(([path]) => (path === '.' ? name : `${name}/${path.slice(2)}`)),
  );
  const imports = specifiers.map((specifier, i) => `import * as entry${i} from '${specifier}';`);
  return {
    'node10/package.json': JSON.stringify({ type: 'commonjs' }),
    'node10/tsconfig.json': JSON.stringify({ compilerOptions: { module: 'commonjs', moduleResolution: 'node10', target: 'es2022', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] }, files: ['entries.ts'] }),
    'node10/entries.ts': [
      ...imports,
      "import type { Keyward } from '@keyward/core';",
      "import { createTestKeyward } from '@keyward/core/testing';",
      '',
      `export const entries = [${specifiers.map((_, i) => `entry${i}`).join(', ')}];`,
      '// A subpath and the root share one declaration of each class (the .d.ts flavour for both).',
      'export const keyward: Keyward = createTestKeyward().keyward;',
      '',
    ].join('\n'),
  };
}

const [keywardProgram, serverProgram] = runnableBlocks('docs/getting-started.md').map((b) => b.code);
const ends = peerEnds();
/** Node majors each peer end runs on: the lowest on the oldest Node keyward supports; the newest where its better-sqlite3 runs. */
const NODES = { lowest: [20], newest: [22, 24] } as const;
const nodes: Record<number, string> = { 20: process.execPath };
let work: string | undefined;
let tarballFolder: string;
let version: string;
const projects: Record<'lowest' | 'newest' | 'node20', ScratchProject> = {} as never;

beforeAll(async () => {
  const root = scratchDir('tarballs');
  work = root;
  // The README's pack command, as written, into this scratch folder (install and build ran before).
  const [, packLine] = installCommands();
  const pack = packLine!.split(' && ').at(-1)!.split(' ');
  tarballFolder = join(root, 'keyward-tarballs');
  await run(pack[0]!, [...pack.slice(1, -1), tarballFolder], { cwd: ROOT, timeout: 180_000 });
  version = publishedPackages()[0]!.manifest.version!;
  const tarballs = Object.fromEntries(publishedPackages().map(({ name }) => [name, join(tarballFolder, `${name.slice(1).replace('/', '-')}-${version}.tgz`)]));

  const fixtures = Object.fromEntries(readdirSync(FIXTURES).map((name) => [name, readFileSync(join(FIXTURES, name), 'utf8')]));
  const hostTests = Object.fromEntries(readdirSync(HOST_TESTS).filter((name) => name.includes('.test.')).map((name) => [name, readFileSync(join(HOST_TESTS, name), 'utf8')]));
  const guides = Object.fromEntries(guidePrograms().map(({ file, code }) => [file, code]));
  const tools = { tsx: '^4', vitest: '4.1.12', '@hono/node-server': '^1' };
  const withGuides = { ...guides, 'short-lived-servers.mjs': SHORT_LIVED_SERVERS };
  const folder = (name: string) => {
    mkdirSync(join(root, name));
    return join(root, name);
  };
  const [lowest, newest, node20] = await Promise.all([
    installProject(folder('lowest'), tarballs, { ...ends.lowest, ...tools }, { ...withGuides, ...caseTableFiles() }),
    // npm on Node 22, as there: on Node 20 it would pick better-sqlite3 12 (13 declares engines node >= 22).
    (async () => {
      for (const major of NODES.newest) nodes[major] = await nodeBinary(major);
      return installProject(folder('newest'), tarballs, { ...ends.newest, ...tools }, { ...withGuides, ...caseTableFiles() }, nodes[NODES.newest[0]]);
    })(),
    installProject(
      folder('node20'),
      tarballs,
      {
        ...ends.newest,
        ...tools,
        'better-sqlite3': workspaceBetterSqlite().version,
        typescript: '~5.9.3',
        jest: '^30',
        '@types/node': '^20',
        '@types/better-sqlite3': '^7',
        '@types/express': '^5',
      },
      { ...withGuides, ...fixtures, ...hostTests, ...node10Files(), 'keyward.ts': keywardProgram!, 'server.ts': serverProgram! },
    ),
  ]);
  Object.assign(projects, { lowest, newest, node20 });
  // Three npm installs (one building better-sqlite3 for Node 22): over 10 minutes on a loaded machine.
}, 900_000);

// Four node_modules trees: removing them takes a while on a busy machine.
afterAll(() => {
  if (work && !process.env.KEEP_SCRATCH) rmSync(work, { recursive: true, force: true });
}, 180_000);

const installed = (at: ScratchProject, name: string) => (JSON.parse(readFileSync(join(at.dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
/** The highest major a range names (`^5.4.0 || ^6.0.0` → 6). */
const newestMajor = (range: string) => Math.max(...range.split('||').map((part) => semver.minVersion(part.trim())!.major));

describe.each(['lowest', 'newest'] as const)('peers at the %s versions their ranges admit', (end) => {
  test('the versions installed are the ones meant', () => {
    const got = Object.fromEntries(Object.keys(peerRanges()).map((peer) => [peer, installed(projects[end], peer)]));
    if (end === 'lowest') expect(got).toEqual(ends.lowest);
    else for (const [peer, range] of Object.entries(peerRanges())) expect(semver.major(got[peer]!), `${peer} ${got[peer]} for ${range}`).toBe(newestMajor(range));
  });

  test.each(NODES[end].map((major) => [major]))('on Node %i, every guide program prints what its guide says', { timeout: 240_000 }, async (major) => {
    expect(await runGuides(projects[end], nodes[major]!)).toEqual([]);
  });

  test(`on Node ${NODES[end][0]}, the Hono, Express, Fastify and fetch case tables and the Redis, SQLite and PostgreSQL conformance suites pass`, { timeout: 240_000 }, async () => {
    const node = nodes[NODES[end][0]]!;
    const result = await projects[end]
      .exec(node, ['node_modules/vitest/vitest.mjs', 'run', 'cases', '--reporter=dot'], { timeout: 230_000, env: onPath(node) })
      .catch((error: { stdout: string; stderr: string }) => error);
    expect(result.stdout, result.stdout + result.stderr).toMatch(new RegExp(`Test Files\\s+${CASE_FILES} passed \\(${CASE_FILES}\\)`));
  });
});

describe('README, Install: from a clone, as written', () => {
  test('the block is: clone; install, build and pack; install the tarballs in your app', () => {
    const [clone, pack, app] = installCommands();
    expect(clone).toBe('git clone https://github.com/keyward/keyward.git && cd keyward');
    expect(pack).toBe('npx -y pnpm@12.4.2 install && npx -y pnpm@12.4.2 build && npx -y pnpm@12.4.2 pack-all ../keyward-tarballs');
    expect(app).toMatch(/^cd \.\.\/my-app && npm i /);
  });

  test('the pack command wrote one tarball per public package, named as the README names them', () => {
    expect(readdirSync(tarballFolder).sort()).toEqual(publishedPackages().map(({ name }) => `${name.slice(1).replace('/', '-')}-${version}.tgz`).sort());
  });

  test('`npm i` of the tarballs in an app beside the clone installs them, core deduplicated, and they load', { timeout: 150_000 }, async () => {
    const [, , line] = installCommands();
    const app = join(work!, 'my-app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.0.0', private: true }));
    const npm = line!.replace(/^cd \.\.\/my-app && /, '').split(' ');
    await run(npm[0]!, npm.slice(1), { cwd: app, timeout: 140_000, env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false' } });
    const { dependencies } = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(dependencies['@keyward/core']).toBe(`file:../keyward-tarballs/keyward-core-${version}.tgz`);
    const tree = JSON.parse((await run('npm', ['ls', '@keyward/core', '--json'], { cwd: app })).stdout) as { dependencies: Record<string, { version: string; resolved: string }> };
    expect(tree.dependencies['@keyward/core']).toMatchObject({ version, resolved: `file:${join(tarballFolder, `keyward-core-${version}.tgz`)}` });
    // @keyward/hono's own dependency on core is that same copy: none nested, none from the registry.
    expect(existsSync(join(app, 'node_modules/@keyward/hono/node_modules'))).toBe(false);
    const { stdout } = await run('node', ['--input-type=module', '-e', "const { tokensApp } = await import('@keyward/hono'); const { createKeyward, memoryStore } = await import('@keyward/core'); const keyward = createKeyward({ store: memoryStore(), resolveProject: () => null }); console.log(typeof tokensApp({ keyward, getActor: () => null }).request); await keyward.close();"], { cwd: app });
    expect(stdout.trim()).toBe('function');
  });
});

describe('a Node 20 app on the newest peers', () => {
  const project = () => projects.node20;

  test('every guide program prints what its guide says', { timeout: 240_000 }, async () => {
    expect(await runGuides(project(), process.execPath)).toEqual([]);
  });

  test('getting started, step 2 (keyward.ts, ESM via tsx) prints what the guide says', async () => {
    const { stdout, stderr } = await project().exec('node_modules/.bin/tsx', ['keyward.ts']);
    expect(stderr).toBe('');
    expect(printsAsPromised(stdout, expectedOutput(keywardProgram!)), stdout).toBe(true);
    // Run again: the program leaves nothing behind that would make a second run fail.
    expect(printsAsPromised((await project().exec('node_modules/.bin/tsx', ['keyward.ts'])).stdout, expectedOutput(keywardProgram!))).toBe(true);
  });

  test('getting started, steps 3–5 (server.ts): the curl session answers as the guide says, SIGTERM to `node --import tsx server.ts` closes cleanly', async () => {
    const port = await freePort();
    // As step 5 starts it: one process, whose pid is the server's.
    const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { cwd: project().dir, env: { ...process.env, NODE_OPTIONS: '', PORT: String(port) } });
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

  test('getting started, step 5: Ctrl-C (SIGINT to the whole command) stops `node --import tsx server.ts` cleanly, leaving no process behind', async () => {
    const port = await freePort();
    // A process group of its own, as a terminal gives each command: Ctrl-C signals all of it.
    // The command the guide gives for the server (not `npx tsx server.ts`, whose tsx parent
    // SIGKILLs the server when it has not acknowledged the signal within 60 ms: step 5 says so).
    const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { cwd: project().dir, detached: true, env: { ...process.env, NODE_OPTIONS: '', PORT: String(port) } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    for (let i = 0; i < 300 && !stdout.includes('Listening'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stdout).toContain('Listening');
    process.kill(-child.pid!, 'SIGINT');
    await exited;
    for (let i = 0; i < 100 && !stdout.includes('Closed'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(stdout, stderr).toContain('Closed');
    // Nothing of the group is left listening: the port is free again.
    await expect(fetch(`http://127.0.0.1:${port}/api/billing`)).rejects.toThrow();
  });

  test('CommonJS require() works without require(esm), and errors keep their class names', async () => {
    const { stdout, stderr } = await project().exec('node', ['--no-experimental-require-module', 'cjs-require.cjs']);
    expect(stderr).toBe('');
    expect(stdout.trim().split('\n')).toEqual(['true', 'true ValidationError name name: must not be empty', 'function function function function function']);
  });

  test.each(['tsconfig.node16.json', 'tsconfig.bundler.json', 'node10/tsconfig.json'])('tsc --noEmit -p %s', { timeout: 120_000 }, async (tsconfig) => {
    const result = await project()
      .exec('node_modules/.bin/tsc', ['-p', tsconfig], { timeout: 110_000 })
      .catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe('');
  });

  test('@keyward/postgres/sql/*.sql resolve by package path, from ESM and CommonJS (for drizzle-kit, Prisma, node-pg-migrate)', async () => {
    const shipped = readdirSync(join(ROOT, 'packages/postgres/sql')).filter((name) => name.endsWith('.sql')).length;
    const { stdout, stderr } = await project().exec('node', ['postgres-sql.mjs']);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe(`${shipped} of ${shipped} SQL files resolve by package path`);
  });

  test('@keyward/d1/migrations/*.sql resolve by package path (a wrangler.toml migrations_dir) and are what the installed package generates', async () => {
    const shipped = readdirSync(join(ROOT, 'packages/d1/migrations')).filter((name) => name.endsWith('.sql')).length;
    const { stdout, stderr } = await project().exec('node', ['d1-migrations.mjs']);
    expect(stderr).toBe('');
    expect(stdout.trim()).toBe(`${shipped} of ${shipped} migration files shipped as generated`);
  });

  test('Jest 30 (CommonJS) loads and runs the packages', { timeout: 100_000 }, async () => {
    const result = await project()
      .exec('node_modules/.bin/jest', ['--ci', '--config', 'jest.config.cjs'], { timeout: 90_000 })
      .catch((error: { stdout: string; stderr: string }) => error);
    // keyward.test.cjs (3) and the host-style test of docs/testing.md (1).
    expect(result.stderr).toMatch(/Tests:\s+4 passed, 4 total/);
  });

  test('a host app\'s Vitest suite on @keyward/core/testing (docs/testing.md) passes', { timeout: 100_000 }, async () => {
    const result = await project()
      .exec('node_modules/.bin/vitest', ['run', 'tokens.vitest.test.ts', '--reporter=dot'], { timeout: 90_000 })
      .catch((error: { stdout: string; stderr: string }) => error);
    expect(result.stdout, result.stdout + result.stderr).toMatch(/Tests\s+1 passed \(1\)/);
  });
});
