// `pnpm test`'s checks before the tests: typecheck, build, publint. The typecheck needs nothing
// built and the build nothing typechecked, so they run side by side: the typecheck is one
// single-threaded tsc, and the build's first step (@keyward/core, which every other package
// waits for) another, so one after the other they leave a core of a 2-core machine idle. publint
// reads what the build wrote, so it follows the build. Each lane's output is printed whole when
// it ends, so the two never interleave; the command fails when either lane does, naming the step.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The lanes that run side by side; the steps of one lane run one after the other. Each is a root package.json script. */
export const LANES: readonly (readonly string[])[] = [['typecheck'], ['build', 'lint']];

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs `pnpm <script>` (the pnpm that runs this script), collecting its output; resolves with its exit code. */
function runScript(script: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    // Run by `pnpm test`, npm_execpath is the pnpm that runs it (a native binary, or a script for
    // Node); run otherwise (npx sets it to npm), the pinned pnpm through npx.
    const execpath = process.env.npm_execpath;
    const [command, args]: [string, string[]] = !execpath || !basename(execpath).startsWith('pnpm')
      ? ['npx', ['-y', 'pnpm@12.4.2', script]]
      : /\.[cm]?js$/.test(execpath)
        ? [process.execPath, [execpath, script]]
        : [execpath, [script]];
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => resolve({ code: 1, output: `${output}${error.message}\n` }));
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

async function lane(steps: readonly string[]): Promise<string | null> {
  for (const step of steps) {
    const started = Date.now();
    const { code, output } = await runScript(step);
    process.stdout.write(`${output}${output.endsWith('\n') || output === '' ? '' : '\n'}check: pnpm ${step} ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${Math.round((Date.now() - started) / 1000)} s\n`);
    if (code !== 0) return step;
  }
  return null;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const failed = (await Promise.all(LANES.map(lane))).filter((step) => step !== null);
  if (failed.length > 0) {
    console.error(`check: failed: ${failed.map((step) => `pnpm ${step}`).join(', ')}`);
    process.exit(1);
  }
}
