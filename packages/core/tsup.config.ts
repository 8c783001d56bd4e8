import { defineConfig } from 'tsup';
import base from '../../tsup.config.base.js';

// Three entry points: the root API, the adapter authors' HTTP layer, the host test kit. Splitting
// (also for CJS) makes them share one copy of each module, so `instanceof KeywardError` holds
// across entry points.
const entry = ['src/index.ts', 'src/http/index.ts', 'src/testing/index.ts'];

// @noble/hashes 2 and nanoid 5 are ESM-only: the CJS build carries its own copy of both, so
// `require('@keyward/core')` works without require(esm) (Jest, Node < 20.19, bundlers in CJS
// mode). The ESM build imports them as usual, deduplicated with the host's copies.
export default defineConfig([
  { ...base, entry, splitting: true, format: ['esm'] },
  { ...base, entry, splitting: true, format: ['cjs'], clean: false, noExternal: ['@noble/hashes', 'nanoid'] },
]);
