// Node binaries other than the one running the tests (22 and 24, for node:sqlite), from the `node`
// npm package, installed once into node_modules/.cache and reused by every later run.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

const CACHE = fileURLToPath(new URL('../node_modules/.cache/keyward-runtimes/', import.meta.url));

/**
 * The path of a Node `major` binary, installed with npm (the `node@<major>` package brings the
 * platform's binary) on first use.
 *
 * @example await nodeBinary(22) // '…/node_modules/.cache/keyward-runtimes/node22/node_modules/node/bin/node'
 */
export async function nodeBinary(major: number): Promise<string> {
  const prefix = `${CACHE}node${major}`;
  const binary = `${prefix}/node_modules/node/bin/node`;
  if (!existsSync(binary)) {
    // --no-save into its own prefix: the workspace's lockfile and node_modules stay as they are.
    await promisify(execFile)('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `node@${major}`], { timeout: 300_000 });
  }
  if (!existsSync(binary)) throw new Error(`npm install node@${major} brought no binary at ${binary}`);
  return binary;
}
