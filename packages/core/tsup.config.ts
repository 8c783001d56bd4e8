import { defineConfig, type Options } from 'tsup';
import base from '../../tsup.config.base.js';

// Three public entry points: the root API, the adapter authors' HTTP layer, the host test kit.
// Splitting (also for CJS) makes them share one copy of each module, so `instanceof KeywardError`
// holds across entry points.
const entry = ['src/index.ts', 'src/http/index.ts', 'src/testing/index.ts'];
// The two SHA-256 backends, built on their own: the package.json `imports` map `#hash-backend`
// picks one per runtime (node:crypto only under `node`, the portable one everywhere else).
const backends = { 'hash-backend/node': 'src/hash-backend/node.ts', 'hash-backend/portable': 'src/hash-backend/portable.ts' };

/**
 * The sources import the portable backend by path (so tests, tsc and the runtime matrix run them
 * unbuilt); the build leaves that one import to the consumer's resolver as `#hash-backend`, so
 * Node never loads @noble/hashes, which only the portable backend imports.
 */
const hashBackendByCondition: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'hash-backend-by-condition',
  setup(build) {
    let rewritten = false;
    build.onResolve({ filter: /^\.\/hash-backend\/portable\.js$/ }, ({ importer }) => {
      if (!importer.endsWith('/src/hash.ts')) return undefined;
      rewritten = true;
      return { path: '#hash-backend', external: true };
    });
    // A renamed file would otherwise build a package that loads noble on Node without a word.
    build.onEnd(() => {
      if (!rewritten) throw new Error("src/hash.ts no longer imports './hash-backend/portable.js': update the hash-backend-by-condition plugin");
    });
  },
};

const shared = {
  ...base,
  entry: { ...Object.fromEntries(entry.map((e) => [e.slice('src/'.length, -'.ts'.length), e])), ...backends },
  splitting: true,
  dts: { entry },
  esbuildPlugins: [hashBackendByCondition],
  // Keep `node:crypto` as written: Deno and Bun resolve the prefixed name in any package.
  removeNodeProtocol: false,
};

// @noble/hashes 2 and nanoid 5 are ESM-only: the CJS build carries its own copy of both, so
// `require('@keyward/core')` works without require(esm) (Jest, Node < 20.19, bundlers in CJS
// mode); only the portable backend holds noble's copy. The ESM build imports them as usual,
// deduplicated with the host's copies.
// The declarations do not depend on that difference: one TypeScript run writes both flavours
// (.d.ts and .d.cts) rather than one run per format, which doubled the slowest step of `pnpm build`.
export default defineConfig([
  { ...shared, format: ['esm'], dts: false },
  { ...shared, format: ['cjs'], dts: false, clean: false, noExternal: ['@noble/hashes', 'nanoid'] },
  { ...shared, format: ['esm', 'cjs'], clean: false, dts: { entry, only: true } },
]);
