import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { REPORT_DIR, entries, report } from './api-report.js';

for (const entry of entries()) {
  test(`the public surface of ${entry.report.replace(/\.d\.ts$/, '')} matches api/${entry.report} (run \`pnpm api-report\` to accept a change)`, { timeout: 120_000 }, async () => {
    const committed = readFileSync(join(REPORT_DIR, entry.report), 'utf8');
    expect(await report(entry)).toBe(committed);
  });
}
