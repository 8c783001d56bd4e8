// Packages as a user gets them: each workspace package packed (after `pnpm build`) and installed
// with npm into a scratch project under the OS temp folder, outside the workspace, so nothing
// resolves through pnpm's links, the TypeScript sources or the workspace's node_modules.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, publishedPackages } from '../workspace.js';

export { ROOT };
const run = promisify(execFile);

/**
 * Packs every published package (or those named in `only`) into `dest` (pnpm rewrites
 * `workspace:` ranges); returns name → tarball path. One recursive `pnpm pack` for all of them:
 * starting npx and pnpm once per package cost ten times the CPU, and on a busy machine ten
 * starts in a row outlasted the tarball test's time limit.
 */
export async function packAll(dest: string, only?: readonly string[]): Promise<Record<string, string>> {
  mkdirSync(dest, { recursive: true });
  const packages = publishedPackages().filter((p) => !only || only.includes(p.name));
  for (const { dir, name } of packages) {
    if (!existsSync(join(ROOT, dir, 'dist', 'index.js'))) throw new Error(`${name} is not built: run \`npx -y pnpm@12.4.2 build\` first (the test command does)`);
  }
  const filters = packages.flatMap(({ name }) => ['--filter', name]);
  const { stdout } = await run('npx', ['-y', 'pnpm@12.4.2', '--recursive', ...filters, 'pack', '--json', '--pack-destination', dest], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  const packed = [JSON.parse(stdout) as PackResult | PackResult[]].flat();
  const tarballs: Record<string, string> = {};
  for (const { dir, name } of packages) {
    const tarball = packed.find((result) => result.name === name)?.filename;
    if (!tarball?.endsWith('.tgz') || !existsSync(tarball)) throw new Error(`pnpm pack printed no tarball for ${dir}: ${stdout.slice(0, 2000)}`);
    tarballs[name] = tarball;
  }
  return tarballs;
}

/** What `pnpm pack --json` prints for each package. */
interface PackResult {
  name: string;
  filename: string;
}

/** A fresh folder under the OS temp directory. */
export function scratchDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `keyward-${label}-`));
}

/** The workspace's own better-sqlite3 (12.x: Node 20 runs it) and its compiled binary. */
export function workspaceBetterSqlite(): { version: string; binary: string } {
  const dir = join(ROOT, 'packages/sqlite/node_modules/better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  return { version, binary: join(dir, 'build/Release/better_sqlite3.node') };
}

/** The user's cache folder (XDG), e.g. `~/.cache`. */
function userCache(): string {
  return process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
}

/**
 * better-sqlite3 needs a compiled binary. 13 and later ship theirs inside the npm package; 12.x
 * downloads one at install (impossible here: only the npm registry is reachable) or compiles it.
 * So a binary in the package is used as it is, the workspace's own version gets the workspace's
 * binary, and any other version is compiled from source (node-gyp: about 80 s of one core) once per
 * version and Node ABI, and kept for the next run. Kept in the user's cache folder, not the clone:
 * every CI run is a fresh clone, and the compiler's output for one version, ABI and platform does
 * not depend on the clone (as pnpm keeps the workspace's own build in its store).
 */
async function provideBetterSqliteBinary(dir: string): Promise<void> {
  const pkg = join(dir, 'node_modules/better-sqlite3');
  if (!existsSync(pkg) || existsSync(join(pkg, 'prebuilds', `${process.platform}-${process.arch}.node`))) return;
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };
  const binary = join(pkg, 'build/Release/better_sqlite3.node');
  const workspace = workspaceBetterSqlite();
  const cached = join(userCache(), 'keyward-better-sqlite3', `${version}-abi${process.versions.modules}-${process.platform}-${process.arch}.node`);
  if (version !== workspace.version && !existsSync(cached)) {
    // Its install script: prebuild-install (told to build from source, it gives way) || node-gyp rebuild.
    await run('npm', ['rebuild', 'better-sqlite3', '--loglevel=error'], { cwd: dir, timeout: 600_000, env: { ...process.env, npm_config_build_from_source: 'true', JOBS: 'max' } });
    mkdirSync(dirname(cached), { recursive: true });
    // Renamed into place: another run reading the cache never sees half a file.
    const partial = `${cached}.${process.pid}.partial`;
    copyFileSync(binary, partial);
    renameSync(partial, cached);
    return;
  }
  mkdirSync(dirname(binary), { recursive: true });
  copyFileSync(version === workspace.version ? workspace.binary : cached, binary);
}

/**
 * An environment whose `node` is the binary at `node`: for npm (which then picks the versions that
 * Node admits, as a user's npm would) and for anything a program spawns by name.
 *
 * @example
 * project.exec(node22, ['node_modules/tsx/dist/cli.mjs', 'app.ts'], { env: onPath(node22) });
 */
export function onPath(node: string): NodeJS.ProcessEnv {
  return { PATH: `${dirname(node)}${delimiter}${process.env.PATH ?? ''}` };
}

export interface ScratchProject {
  dir: string;
  /** Runs a command in the project; rejects with its output on a non-zero exit. */
  exec(file: string, args: string[], options?: { env?: NodeJS.ProcessEnv; timeout?: number }): Promise<{ stdout: string; stderr: string }>;
}

/**
 * Writes a package.json with `dependencies` (the keyward tarballs are added, and pinned through
 * `overrides` so their own `@keyward/*` dependencies resolve to the tarballs too), runs
 * `npm install` (on the Node binary `node`, Node 20 by default), and gives better-sqlite3, when it
 * is installed, its binary.
 */
export async function installProject(
  dir: string,
  tarballs: Record<string, string>,
  dependencies: Record<string, string>,
  files: Record<string, string> = {},
  node: string = process.execPath,
): Promise<ScratchProject> {
  const local = Object.fromEntries(Object.entries(tarballs).map(([name, path]) => [name, `file:${path}`]));
  const deps = { ...local, ...dependencies };
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies: deps, overrides: local }, null, 2));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  // --ignore-scripts: no install script may reach for the network (better-sqlite3 would download or compile).
  // The time limit only catches a hung npm, inside the tarball test's 600 s setup: three installs
  // side by side on a busy 2-core machine took longer than the 150 s it used to be.
  await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, timeout: 540_000, env: { ...process.env, ...onPath(node) } });
  await provideBetterSqliteBinary(dir);
  return {
    dir,
    exec: (file, args, options = {}) =>
      // NODE_PATH: pnpm's .bin shims (vitest's own included) point it at the workspace's hoisted
      // packages, where require() and Bun would find what the project lacks.
      run(file, args, { cwd: dir, timeout: options.timeout ?? 60_000, env: { ...process.env, NODE_OPTIONS: '', NODE_PATH: '', NO_COLOR: '1', FORCE_COLOR: '0', ...options.env } }),
  };
}
