// A contributor's `pnpm -r build` (like any `pnpm -r run`) orders its tasks by the workspace's
// dependency graph, dev dependencies included, and refuses to start on a cycle
// (ERR_PNPM_TASK_CYCLE). The private test kit depends on @keyward/core, so no package may depend
// on the kit: it is the workspace root's dev dependency, where every package's tests find it.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { ROOT } from '../tarball/scratch.js';

const run = promisify(execFile);
type Manifest = { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
const manifest = (dir: string) => JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;

test('no package depends on the test kit, in any dependency field (the kit depends on core)', () => {
  const dependents = readdirSync(join(ROOT, 'packages'))
    .map((dir) => manifest(join('packages', dir)))
    .filter(({ dependencies, devDependencies, optionalDependencies, peerDependencies }) =>
      [dependencies, devDependencies, optionalDependencies, peerDependencies].some((field) => field?.['@keyward/test-kit'] !== undefined),
    )
    .map(({ name }) => name);
  expect(dependents).toEqual([]);
  expect(manifest('.').devDependencies?.['@keyward/test-kit']).toBe('workspace:*');
});

test('`pnpm -r build` can order its tasks: pnpm finds no cycle in the workspace', { timeout: 60_000 }, async () => {
  // A script no project has: pnpm sorts the same graph as for `build`, then runs nothing.
  const result = await run('npx', ['-y', 'pnpm@12.4.2', '-r', '--if-present', 'run', 'keyward-build-order-probe'], { cwd: ROOT }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
  expect(result, result.output).toMatchObject({ code: 0 });
  expect(result.output).not.toMatch(/cycle/i);
});
