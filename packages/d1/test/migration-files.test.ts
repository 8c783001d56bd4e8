// The files in migrations/ are what `wrangler d1 migrations apply` runs: generated from the shared
// SQLite schema (UPDATE_D1_MIGRATIONS=1 rewrites them), and applied here by wrangler itself to a
// local D1, which d1Store({ migrate: false }) then accepts, in workerd.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import { afterAll, describe, expect, test } from 'vitest';
import { d1MigrationFiles } from '../src/schema.js';
import { bundleWorker } from '../../../examples/runtime-matrix/src/bundle.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const migrations = here('../migrations');
const run = promisify(execFile);

describe('migrations/ (wrangler d1 migrations)', () => {
  const expected = d1MigrationFiles();
  if (process.env.UPDATE_D1_MIGRATIONS === '1') {
    for (const name of readdirSync(migrations)) rmSync(join(migrations, name));
    for (const [name, sql] of Object.entries(expected)) writeFileSync(join(migrations, name), sql);
  }

  test('holds one numbered file per schema version, each exactly the shared schema for the prefix keyward_', () => {
    expect(readdirSync(migrations).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, sql] of Object.entries(expected)) expect(readFileSync(join(migrations, name), 'utf8'), name).toBe(sql);
  });

  const scratch = mkdtempSync(join(tmpdir(), 'keyward-d1-wrangler-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test('`wrangler d1 migrations apply --local` applies them, and d1Store({ migrate: false }) accepts the result in workerd', { timeout: 180_000 }, async () => {
    const databaseId = '00000000-0000-4000-8000-00000000d1d1';
    writeFileSync(
      join(scratch, 'wrangler.toml'),
      `name = "keyward-d1-migrations"\ncompatibility_date = "2025-09-01"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "keyward"\ndatabase_id = "${databaseId}"\nmigrations_dir = "${migrations}"\n`,
    );
    const persist = join(scratch, 'state');
    // Wrangler 4 needs Node 22 or later: the package's dev dependency `node` brings that binary.
    const { stdout } = await run(here('../node_modules/.bin/node'), [here('../node_modules/wrangler/bin/wrangler.js'), 'd1', 'migrations', 'apply', 'keyward', '--local', '--persist-to', persist], {
      cwd: scratch,
      timeout: 150_000,
      env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1', HOME: scratch },
    });
    for (const name of Object.keys(expected)) expect(stdout).toContain(name);

    mkdirSync(here('../.out'), { recursive: true });
    const script = await bundleWorker(here('./workerd/migrated-worker.ts'), here('../.out/migrated-worker.mjs'), { nodejsCompat: true });
    const mf = new Miniflare({
      modules: true,
      scriptPath: script,
      compatibilityDate: '2025-09-01',
      compatibilityFlags: ['nodejs_compat'],
      d1Databases: { DB: databaseId },
      d1Persist: join(persist, 'v3', 'd1'),
    });
    try {
      const response = await mf.dispatchFetch('http://localhost/');
      expect(await response.json()).toEqual({ created: 201, verified: true, version: 3, wranglerRecorded: Object.keys(expected) });
    } finally {
      await mf.dispose();
    }
  });
});
