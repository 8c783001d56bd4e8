// Two processes opening one fresh file at the same instant: SQLite answers the switch to WAL with
// SQLITE_BUSY at once (its busy handler is not consulted there), so setup must retry it.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);
const worker = fileURLToPath(new URL('./open-race-worker.ts', import.meta.url));
const PAIRS = 8;

test(`${PAIRS} pairs of processes set up a store on the same fresh file at once: 0 setup failures`, { timeout: 90_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-open-race-'));
  try {
    const outcomes: string[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const file = join(dir, `race-${i}.db`);
      // Both load first, then open the file at the same instant.
      const at = String(Date.now() + 1200);
      const pair = await Promise.all([0, 1].map(() => run(process.execPath, ['--import', 'tsx', worker, file, at])));
      outcomes.push(...pair.map((result) => result.stdout));
    }
    expect(outcomes.filter((o) => o !== 'ok')).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
