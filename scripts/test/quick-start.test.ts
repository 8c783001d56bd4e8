// CI runs what the README tells a new user to run, and nothing the README leaves out.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { LANES } from '../check.js';

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

function quickStartCommands(): string[] {
  const readme = read('README.md');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.trim() !== '');
}

test('.ci/run is the Quick start verbatim: every command it runs is one the README gives', () => {
  const commands = read('.ci/run')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('set ') && !line.startsWith('cd '));
  expect(commands).toEqual(quickStartCommands());
});

test('the test command provisions first, then checks everything CI used to run beside it', () => {
  const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
  expect(scripts.test!.split(' && ')).toEqual(['tsx scripts/provision.ts', 'tsx scripts/check.ts', 'vitest run']);
  // The checks: the typecheck beside the build, publint after the build (it reads dist/).
  expect(LANES).toEqual([['typecheck'], ['build', 'lint']]);
  for (const step of LANES.flat()) expect(scripts[step], step).toBeDefined();
});
