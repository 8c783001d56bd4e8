// Bundles the suite into one file per runtime with esbuild, from the TypeScript sources (as the
// vitest suites use them). `vitest` and `node:http` resolve to the in-process shims.
import { build, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

export type Runtime = 'node' | 'bun' | 'deno' | 'workerd';

const TARGETS: Record<Runtime, Pick<BuildOptions, 'platform' | 'conditions' | 'mainFields' | 'external'> & { entry: string }> = {
  node: { entry: 'cli.ts', platform: 'node' },
  bun: { entry: 'cli.ts', platform: 'node', conditions: ['bun'] },
  // Deno resolves node: built-ins itself, as it does for npm packages.
  deno: { entry: 'cli.ts', platform: 'neutral', conditions: ['deno', 'node', 'import'], mainFields: ['module', 'main'], external: ['node:*'] },
  // The browser builds of dependencies (nanoid's uses crypto.getRandomValues): workerd has no node:crypto without nodejs_compat.
  workerd: { entry: 'worker.ts', platform: 'browser', conditions: ['workerd', 'worker', 'browser'] },
};

/**
 * Writes `<outdir>/<runtime>.mjs` (the suite) or, given `entry`, that program for the runtime, and
 * returns the output's path.
 */
export async function bundle(runtime: Runtime, outdir: string, entry?: { path: string; name: string }): Promise<string> {
  const { entry: suiteEntry, ...target } = TARGETS[runtime];
  const outfile = `${outdir}/${entry?.name ?? runtime}.mjs`;
  await build({
    entryPoints: [entry?.path ?? here(suiteEntry)],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'error',
    ...target,
    alias: {
      vitest: here('mini-vitest.ts'),
      'node:http': here('node-http-shim.ts'),
      '@hono/node-server': here('hono-node-server-stub.ts'),
      '@keyward/core': root('packages/core/src/index.ts'),
      '@keyward/core/http': root('packages/core/src/http/index.ts'),
      '@keyward/core/testing': root('packages/core/src/testing/index.ts'),
      '@keyward/fetch': root('packages/fetch/src/index.ts'),
      '@keyward/hono': root('packages/hono/src/index.ts'),
      ...(runtime === 'workerd' ? { 'node:crypto': here('node-builtins-stub.ts'), 'node:zlib': here('node-builtins-stub.ts') } : {}),
    },
    inject: [here('buffer-shim.ts')],
  });
  return outfile;
}
