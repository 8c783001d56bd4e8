// Packages as a user gets them: each workspace package packed (after `pnpm build`) and installed
// with npm into a scratch project under the OS temp folder, outside the workspace, so nothing
// resolves through pnpm's links, the TypeScript sources or the workspace's node_modules.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, publishedPackages } from '../workspace.js';

export { ROOT };
const run = promisify(execFile);

/**
 * Packs every published package (or those named in `only`) into `dest` (pnpm rewrites
 * `workspace:` ranges); returns name → tarball path.
 */
export async function packAll(dest: string, only?: readonly string[]): Promise<Record<string, string>> {
  mkdirSync(dest, { recursive: true });
  const tarballs: Record<string, string> = {};
  for (const { dir, name } of publishedPackages().filter((p) => !only || only.includes(p.name))) {
    const cwd = join(ROOT, dir);
    if (!existsSync(join(cwd, 'dist', 'index.js'))) throw new Error(`${name} is not built: run \`npx -y pnpm@12.4.2 build\` first (the test command does)`);
    const { stdout } = await run('npx', ['-y', 'pnpm@12.4.2', 'pack', '--pack-destination', dest], { cwd });
    const tarball = stdout.trim().split('\n').at(-1)!.trim();
    if (!tarball.endsWith('.tgz') || !existsSync(tarball)) throw new Error(`pnpm pack in ${dir} printed no tarball: ${stdout}`);
    tarballs[name] = tarball;
  }
  return tarballs;
}

/** A fresh folder under the OS temp directory. */
export function scratchDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `keyward-${label}-`));
}

/** The workspace's better-sqlite3, whose compiled binary is reused: building one needs the network. */
function workspaceBetterSqlite(): { version: string; binary: string } {
  const dir = join(ROOT, 'packages/sqlite/node_modules/better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  return { version, binary: join(dir, 'build/Release/better_sqlite3.node') };
}

export interface ScratchProject {
  dir: string;
  /** Runs a command in the project; rejects with its output on a non-zero exit. */
  exec(file: string, args: string[], options?: { env?: NodeJS.ProcessEnv; timeout?: number }): Promise<{ stdout: string; stderr: string }>;
}

/**
 * Writes a package.json with `dependencies` (the keyward tarballs are added, and pinned through
 * `overrides` so their own `@keyward/*` dependencies resolve to the tarballs too), runs
 * `npm install`, and puts the workspace's better-sqlite3 binary in place when it is installed.
 */
export async function installProject(
  dir: string,
  tarballs: Record<string, string>,
  dependencies: Record<string, string>,
  files: Record<string, string> = {},
): Promise<ScratchProject> {
  const local = Object.fromEntries(Object.entries(tarballs).map(([name, path]) => [name, `file:${path}`]));
  const sqlite = workspaceBetterSqlite();
  const deps = { ...local, ...dependencies };
  if ('better-sqlite3' in deps) deps['better-sqlite3'] = sqlite.version;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies: deps, overrides: local }, null, 2));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  // --ignore-scripts: no install script may reach for the network (better-sqlite3 would download or compile).
  await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, timeout: 150_000 });
  if ('better-sqlite3' in deps) {
    const release = join(dir, 'node_modules/better-sqlite3/build/Release');
    mkdirSync(release, { recursive: true });
    copyFileSync(sqlite.binary, join(release, 'better_sqlite3.node'));
  }
  return {
    dir,
    exec: (file, args, options = {}) =>
      // NODE_PATH: pnpm's .bin shims (vitest's own included) point it at the workspace's hoisted
      // packages, where require() and Bun would find what the project lacks.
      run(file, args, { cwd: dir, timeout: options.timeout ?? 60_000, env: { ...process.env, NODE_OPTIONS: '', NODE_PATH: '', NO_COLOR: '1', FORCE_COLOR: '0', ...options.env } }),
  };
}
