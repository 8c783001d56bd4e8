// The guides' own programs, run in a scratch project as a user would paste them: every runnable
// block of the framework guides and of the stores page (examples/docs-check reads them the same
// way), each printing what its `// → …` comments say.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runnableBlocks } from '../../examples/docs-check/src/markdown.js';
import { expectedOutput, printsAsPromised } from '../../examples/docs-check/src/expected-output.js';
import { ROOT } from '../workspace.js';
import { onPath, type ScratchProject } from './scratch.js';

/** The pages whose programs exercise each peer: Hono, Express, Fastify, fetch; SQLite, Redis, PostgreSQL. */
export const GUIDES = ['docs/hono.md', 'docs/express.md', 'docs/fastify.md', 'docs/fetch.md', 'docs/stores.md'] as const;

export interface GuideProgram {
  /** `docs/hono.md:11` */
  where: string;
  /** Its file in the scratch project. */
  file: string;
  code: string;
}

/**
 * Every runnable block of the guides, with a file name for the scratch project.
 *
 * @example
 * guidePrograms()[0]; // { where: 'docs/hono.md:11', file: 'guides/docs-hono-11.ts', code: '…' }
 */
export function guidePrograms(): GuideProgram[] {
  return GUIDES.flatMap((guide) =>
    runnableBlocks(guide).map((block) => ({
      where: `${guide}:${block.line}`,
      file: `guides/${guide.replace(/\.md$/, '').replace(/\W+/g, '-')}-${block.line}.ts`,
      code: `${block.code}\nexport {};\n`,
    })),
  );
}

/** The preload that moves a program's servers to free ports and stops them (as docs-check does). */
export const SHORT_LIVED_SERVERS = readFileSync(join(ROOT, 'examples/docs-check/src/short-lived-servers.mjs'), 'utf8');

/**
 * Runs every guide program in `project` with tsx on the Node binary `node`, all at once; resolves
 * to one line per program that failed, printed something else or wrote to stderr.
 *
 * @example
 * expect(await runGuides(project, process.execPath)).toEqual([]);
 */
export async function runGuides(project: ScratchProject, node: string): Promise<string[]> {
  const results = await Promise.all(
    guidePrograms().map(async ({ where, file, code }) => {
      const expected = expectedOutput(code);
      const outcome = await project
        .exec(node, ['node_modules/tsx/dist/cli.mjs', '--import', './short-lived-servers.mjs', file], { timeout: 90_000, env: onPath(node) })
        .catch((error: { stdout?: string; stderr?: string; message: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr || error.message }));
      if (outcome.stderr !== '') return `${where}: stderr ${outcome.stderr.trim().split('\n').slice(0, 3).join(' / ')}`;
      return printsAsPromised(outcome.stdout, expected) ? '' : `${where}: printed ${JSON.stringify(outcome.stdout)}, promised ${JSON.stringify(expected.join('\n'))}`;
    }),
  );
  return results.filter(Boolean);
}
