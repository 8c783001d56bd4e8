import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { testFiles } from './vitest.workspace.js';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  // Tests run against the TypeScript sources, so `pnpm test` needs no build first.
  resolve: {
    alias: {
      '@keyward/core': src('core'),
      '@keyward/store-tests': src('store-tests'),
      '@keyward/sqlite': src('sqlite'),
      '@keyward/redis': src('redis'),
      '@keyward/express': src('express'),
      '@keyward/hono': src('hono'),
      '@keyward/fetch': src('fetch'),
      '@keyward/fastify': src('fastify'),
    },
  },
  test: {
    include: testFiles,
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
