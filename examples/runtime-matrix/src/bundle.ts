// Bundles the suite into one file per runtime with esbuild, from the TypeScript sources (as the
// vitest suites use them). `vitest` and `node:http` resolve to the in-process shims.
import { build, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** keyward's packages from their TypeScript sources, as the vitest suites use them. */
const SOURCES: Record<string, string> = {
  '@keyward/core': root('packages/core/src/index.ts'),
  '@keyward/core/http': root('packages/core/src/http/index.ts'),
  '@keyward/core/testing': root('packages/core/src/testing/index.ts'),
  '@keyward/fetch': root('packages/fetch/src/index.ts'),
  '@keyward/hono': root('packages/hono/src/index.ts'),
  '@keyward/express': root('packages/express/src/index.ts'),
  '@keyward/fastify': root('packages/fastify/src/index.ts'),
  '@keyward/postgres': root('packages/postgres/src/index.ts'),
  '@keyward/store-tests': root('packages/store-tests/src/index.ts'),
};

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
 * The Express and Fastify suites for Node, Bun or Deno, with the real node:http (they listen on it): a
 * Node-platform bundle, with a `require` for the CommonJS inside Express and Fastify.
 */
export async function bundleNodeServers(runtime: 'node' | 'bun' | 'deno', outdir: string): Promise<string> {
  const outfile = `${outdir}/${runtime}-node-servers.mjs`;
  await build({
    entryPoints: [here('node-servers.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'node',
    logLevel: 'error',
    banner: { js: "import { createRequire as __keywardCreateRequire } from 'node:module'; const require = __keywardCreateRequire(import.meta.url);" },
    alias: { ...SOURCES, vitest: here('mini-vitest.ts') },
  });
  return outfile;
}

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
      ...SOURCES,
      ...(runtime === 'workerd' ? { 'node:crypto': here('node-builtins-stub.ts'), 'node:zlib': here('node-builtins-stub.ts') } : {}),
    },
    inject: [here('buffer-shim.ts')],
  });
  return outfile;
}

/**
 * A program for workerd with `nodejs_compat` that loads npm packages written for Node (node-postgres):
 * their `require('events')` and the like go to workerd's own Node modules, and `cloudflare:sockets`
 * is workerd's. Writes `<outdir>/<name>.mjs` and returns its path.
 */
export async function bundleWorkerdNodeCompat(entry: string, outdir: string, name: string): Promise<string> {
  const outfile = `${outdir}/${name}.mjs`;
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    logLevel: 'error',
    // Node's platform keeps built-ins external; the workerd condition picks pg-cloudflare's socket.
    platform: 'node',
    conditions: ['workerd', 'worker'],
    external: ['cloudflare:sockets'],
    // workerd's import.meta.url is not a file URL: any absolute path serves createRequire for built-ins.
    banner: { js: "import { createRequire as __keywardCreateRequire } from 'node:module'; const require = __keywardCreateRequire('/worker.mjs');" },
    alias: { ...SOURCES, vitest: here('mini-vitest.ts') },
  });
  return outfile;
}

/**
 * The SQLite driver suite (`sqlite-drivers.ts`): the conformance suite on the runtime's built-in
 * SQLite, one Node-platform bundle that Node 22/24, Bun and Deno all run (each picks its driver at
 * run time; `bun:sqlite` and `node:sqlite` stay imports of the runtime). Given `entry`, that
 * program instead (the bench's driver rows), bundled the same way.
 */
export async function bundleSqliteDrivers(outdir: string, entry?: { path: string; name: string }): Promise<string> {
  const outfile = `${outdir}/${entry?.name ?? 'sqlite-drivers'}.mjs`;
  await build({
    entryPoints: [entry?.path ?? here('sqlite-drivers.ts')],
    outfile,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'node',
    logLevel: 'error',
    external: ['bun:sqlite', 'node:sqlite', 'better-sqlite3'],
    // rate-limiter-flexible is CommonJS.
    banner: { js: "import { createRequire as __keywardCreateRequire } from 'node:module'; const require = __keywardCreateRequire(import.meta.url);" },
    alias: {
      ...SOURCES,
      '@keyward/sqlite': root('packages/sqlite/src/index.ts'),
      '@keyward/store-tests': root('packages/store-tests/src/index.ts'),
      vitest: here('mini-vitest.ts'),
    },
  });
  return outfile;
}
