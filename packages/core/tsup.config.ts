import { defineConfig } from 'tsup';
import base from '../../tsup.config.base.js';

// @noble/hashes 2 and nanoid 5 are ESM-only: the CJS build carries its own copy of both, so
// `require('@keyward/core')` works without require(esm) (Jest, Node < 20.19, bundlers in CJS
// mode). The ESM build imports them as usual, deduplicated with the host's copies.
export default defineConfig([
  { ...base, format: ['esm'] },
  { ...base, format: ['cjs'], clean: false, noExternal: ['@noble/hashes', 'nanoid'] },
]);
