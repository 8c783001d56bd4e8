// Bundles a program for workerd with esbuild, from the TypeScript sources (as the vitest suites use
// them), the way examples/runtime-matrix does: `vitest` is its mini-vitest, which runs the
// conformance suite where vitest cannot. Node built-ins stay imports: the Worker runs with
// nodejs_compat (the suite's record factory hashes with node:crypto).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = (path: string) => fileURLToPath(new URL(`../../../../${path}`, import.meta.url));

/** keyward's packages from their sources. */
export const SOURCES: Record<string, string> = {
  '@keyward/core': root('packages/core/src/index.ts'),
  '@keyward/core/http': root('packages/core/src/http/index.ts'),
  '@keyward/core/testing': root('packages/core/src/testing/index.ts'),
  '@keyward/store-tests': root('packages/store-tests/src/index.ts'),
  '@keyward/fetch': root('packages/fetch/src/index.ts'),
  '@keyward/d1': root('packages/d1/src/index.ts'),
  vitest: root('examples/runtime-matrix/src/mini-vitest.ts'),
};

/**
 * Writes `outfile`, the Worker module built from `entry`, and returns its path. Miniflare wants it
 * below the directory it runs in.
 *
 * @example const script = await bundleWorker(here('suite-worker.ts'), `${outdir}/suite.mjs`);
 */
export async function bundleWorker(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['node:*'],
    logLevel: 'error',
    alias: SOURCES,
  });
  return outfile;
}
