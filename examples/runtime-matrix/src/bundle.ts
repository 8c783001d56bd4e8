// Bundles keyward's test programs with esbuild, from the TypeScript sources (as the vitest suites
// use them), one file per runtime. The one place that says how a program is built for Node, Bun,
// Deno and workerd: the runtime matrix, the D1 tests, the D1 example and the bench all build here.
import { build, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

/** keyward's packages from their TypeScript sources, as the vitest suites use them; `vitest` is mini-vitest. */
const SOURCES: Record<string, string> = {
  '@keyward/core': root('packages/core/src/index.ts'),
  '@keyward/core/http': root('packages/core/src/http/index.ts'),
  '@keyward/core/testing': root('packages/core/src/testing/index.ts'),
  '@keyward/fetch': root('packages/fetch/src/index.ts'),
  '@keyward/hono': root('packages/hono/src/index.ts'),
  '@keyward/express': root('packages/express/src/index.ts'),
  '@keyward/fastify': root('packages/fastify/src/index.ts'),
  '@keyward/postgres': root('packages/postgres/src/index.ts'),
  '@keyward/redis': root('packages/redis/src/index.ts'),
  '@keyward/sqlite': root('packages/sqlite/src/index.ts'),
  '@keyward/d1': root('packages/d1/src/index.ts'),
  '@keyward/store-tests': root('packages/store-tests/src/index.ts'),
  vitest: here('mini-vitest.ts'),
};

/** What every bundle shares: one ES module, syntax every runtime here reads, quiet but for errors. */
const COMMON = { bundle: true, format: 'esm', target: 'es2022', logLevel: 'error' } satisfies BuildOptions;

/** workerd's own builds of packages first, then Workers' and browsers' (nanoid's uses crypto.getRandomValues). */
const WORKERD_CONDITIONS = ['workerd', 'worker', 'browser'];

/**
 * A `require` for the CommonJS inside a Node-platform bundle (Express, rate-limiter-flexible,
 * node-postgres, ioredis), whose built-ins stay imports of the runtime.
 */
const requireBanner = (from: string) => ({ js: `import { createRequire as __keywardCreateRequire } from 'node:module'; const require = __keywardCreateRequire(${from});` });

/** The in-process suite's stand-ins: `node:http` answered by the handler, no @hono/node-server. */
const IN_PROCESS = { 'node:http': here('node-http-shim.ts'), '@hono/node-server': here('hono-node-server-stub.ts') };
const BUFFER_SHIM = [here('buffer-shim.ts')];

export type Runtime = 'node' | 'bun' | 'deno' | 'workerd';

/**
 * A Worker module for workerd, as wrangler builds one, written to `outfile` (Miniflare wants it
 * below the directory it runs in); returns its path. `nodejsCompat`: the Worker runs with that flag,
 * so `node:` imports stay imports of workerd's own modules. `alias` adds to keyward's sources.
 *
 * @example const script = await bundleWorker(here('suite-worker.ts'), `${outdir}/suite.mjs`, { nodejsCompat: true });
 */
export async function bundleWorker(
  entry: string,
  outfile: string,
  { nodejsCompat = false, alias = {}, inject }: { nodejsCompat?: boolean; alias?: Record<string, string>; inject?: string[] } = {},
): Promise<string> {
  await build({
    ...COMMON,
    entryPoints: [entry],
    outfile,
    platform: 'browser',
    conditions: WORKERD_CONDITIONS,
    ...(nodejsCompat ? { external: ['node:*'] } : {}),
    alias: { ...SOURCES, ...alias },
    inject,
  });
  return outfile;
}

/**
 * A Node-platform program: built-ins and `external` stay imports of the runtime that runs it
 * (Node, Bun and Deno alike read such a bundle), CommonJS gets a `require` made from `requireFrom`.
 */
async function bundleNodeProgram(entry: string, outfile: string, { conditions, external, requireFrom = 'import.meta.url' }: { conditions?: string[]; external?: string[]; requireFrom?: string } = {}): Promise<string> {
  await build({ ...COMMON, entryPoints: [entry], outfile, platform: 'node', conditions, external, banner: requireBanner(requireFrom), alias: SOURCES });
  return outfile;
}

/**
 * Writes `<outdir>/<runtime>.mjs` (the suite of src/suite.ts, answered in process) or, given
 * `entry`, that program for the runtime, and returns the output's path.
 */
export async function bundle(runtime: Runtime, outdir: string, entry?: { path: string; name: string }): Promise<string> {
  const outfile = `${outdir}/${entry?.name ?? runtime}.mjs`;
  if (runtime === 'workerd') {
    // One bundle for workerd with and without nodejs_compat: without it there is no node:crypto.
    const stub = here('node-builtins-stub.ts');
    return bundleWorker(entry?.path ?? here('worker.ts'), outfile, { alias: { ...IN_PROCESS, 'node:crypto': stub, 'node:zlib': stub }, inject: BUFFER_SHIM });
  }
  const targets: Record<Exclude<Runtime, 'workerd'>, Pick<BuildOptions, 'platform' | 'conditions' | 'mainFields' | 'external'>> = {
    node: { platform: 'node' },
    bun: { platform: 'node', conditions: ['bun'] },
    // Deno resolves node: built-ins itself, as it does for npm packages.
    deno: { platform: 'neutral', conditions: ['deno', 'node', 'import'], mainFields: ['module', 'main'], external: ['node:*'] },
  };
  const target = targets[runtime];
  await build({ ...COMMON, entryPoints: [entry?.path ?? here('cli.ts')], outfile, ...target, alias: { ...SOURCES, ...IN_PROCESS }, inject: BUFFER_SHIM });
  return outfile;
}

/**
 * The Express and Fastify suites with the real node:http (they listen on it), one bundle that
 * Node, Bun and Deno all run. Writes `<outdir>/node-servers.mjs` and returns its path.
 */
export function bundleNodeServers(outdir: string): Promise<string> {
  return bundleNodeProgram(here('node-servers.ts'), `${outdir}/node-servers.mjs`);
}

/**
 * A program for workerd with `nodejs_compat` that loads npm packages written for Node
 * (node-postgres, ioredis): their `require('events')`, `require('net')` and the like go to
 * workerd's own Node modules, and `cloudflare:sockets` is workerd's. Writes `<outdir>/<name>.mjs`
 * and returns its path.
 */
export function bundleWorkerdNodeCompat(entry: string, outdir: string, name: string): Promise<string> {
  return bundleNodeProgram(entry, `${outdir}/${name}.mjs`, {
    // The workerd condition picks pg-cloudflare's socket.
    conditions: ['workerd', 'worker'],
    external: ['cloudflare:sockets'],
    // workerd's import.meta.url is not a file URL: any absolute path serves createRequire for built-ins.
    requireFrom: "'/worker.mjs'",
  });
}

/**
 * The SQLite driver suite (`sqlite-drivers.ts`): the conformance suite on the runtime's built-in
 * SQLite, one Node-platform bundle that Node 22/24, Bun and Deno all run (each picks its driver at
 * run time; `bun:sqlite` and `node:sqlite` stay imports of the runtime). Given `entry`, that
 * program instead (the bench's driver rows), bundled the same way.
 */
export function bundleSqliteDrivers(outdir: string, entry?: { path: string; name: string }): Promise<string> {
  return bundleNodeProgram(entry?.path ?? here('sqlite-drivers.ts'), `${outdir}/${entry?.name ?? 'sqlite-drivers'}.mjs`, { external: ['bun:sqlite', 'node:sqlite', 'better-sqlite3'] });
}

/**
 * The PostgreSQL and Redis stores' program (`server-stores.ts`): node-postgres and ioredis over
 * the runtime's `node:net`, one Node-platform bundle that Bun and Deno both run.
 * Writes `<outdir>/server-stores.mjs` and returns its path.
 */
export function bundleServerStores(outdir: string): Promise<string> {
  return bundleNodeProgram(here('server-stores.ts'), `${outdir}/server-stores.mjs`);
}
