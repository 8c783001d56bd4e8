import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import SlowFirstSequencer from './scripts/vitest/slow-first-sequencer.js';
import { testFiles } from './vitest.workspace.js';

const src = (pkg: string, entry = 'index') => fileURLToPath(new URL(`./packages/${pkg}/src/${entry}.ts`, import.meta.url));
// Exact matches, so `@keyward/core/http` is not read as `@keyward/core` + `/http`.
const exact = (name: string, path: string) => ({ find: new RegExp(`^${name}$`), replacement: path });

export default defineConfig({
  // Tests run against the TypeScript sources, so `pnpm test` needs no build first.
  resolve: {
    alias: [
      exact('@keyward/core', src('core')),
      exact('@keyward/core/http', src('core', 'http/index')),
      exact('@keyward/core/testing', src('core', 'testing/index')),
      exact('@keyward/store-tests', src('store-tests')),
      exact('@keyward/sqlite', src('sqlite')),
      exact('@keyward/d1', src('d1')),
      exact('@keyward/redis', src('redis')),
      exact('@keyward/postgres', src('postgres')),
      exact('@keyward/express', src('express')),
      exact('@keyward/hono', src('hono')),
      exact('@keyward/fetch', src('fetch')),
      exact('@keyward/fastify', src('fastify')),
      exact('@keyward/ui', src('ui')),
    ],
  },
  test: {
    include: testFiles,
    // Case tables copied into the tarball test's scratch projects and run there, not here.
    exclude: [...configDefaults.exclude, 'scripts/tarball/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Vitest's default is one worker fewer than the cores: on CI's 2 cores, one file at a time. Most
    // of the long files wait on something else (npm, Chromium, a Redis or PostgreSQL server, a child
    // process), so one worker more than the cores, and at least three, keeps both cores busy (the
    // tarball test alone waits on npm and compilers for minutes).
    maxWorkers: Math.max(3, availableParallelism() + 1),
    sequence: { sequencer: SlowFirstSequencer },
  },
});
