// Two processes opening one schema version 1 file at the same instant, both finding it needs the
// v2 migration: BEGIN IMMEDIATE lets one apply it, and the other, re-reading the version once it
// holds the lock, must skip it rather than fail on "duplicate column" or apply it twice.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { expect, test } from 'vitest';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./open-race-worker.ts', import.meta.url));
const v1 = fileURLToPath(new URL('./fixtures/v1.db', import.meta.url));
const PAIRS = 6;

test(`${PAIRS} pairs of processes open the same v1 file at once: 0 failures, the v2 migration applied once per file, every row kept`, { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-upgrade-race-'));
  try {
    const outcomes: string[] = [];
    const files: { versions: unknown[]; tokens: unknown; integrity: unknown }[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const file = join(dir, `v1-${i}.db`);
      copyFileSync(v1, file);
      // Both load first, then open the file at the same instant.
      const at = String(Date.now() + 1200);
      const pair = await Promise.all([0, 1].map(() => run(process.execPath, ['--import', 'tsx', worker, file, at])));
      outcomes.push(...pair.map((result) => result.stdout));
      const db = new Database(file, { readonly: true });
      try {
        files.push({
          versions: db.prepare('SELECT version FROM keyward_schema_version ORDER BY version').pluck().all(),
          tokens: db.prepare('SELECT COUNT(*) FROM keyward_tokens WHERE previous_hash IS NULL AND permissions IS NULL').pluck().get(),
          integrity: db.pragma('integrity_check', { simple: true }),
        });
      } finally {
        db.close();
      }
    }
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
    expect(files).toEqual(Array.from({ length: PAIRS }, () => ({ versions: [1, 2, 3], tokens: 5, integrity: 'ok' })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
