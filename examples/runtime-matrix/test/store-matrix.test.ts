// docs/fetch.md "Which stores run where": every cell is a test that runs in CI or the reason the
// store cannot run there; nothing is left "untested". This reads the table itself, so a cell cannot
// name a test file that does not exist or a test the file does not hold.
import { existsSync, readFileSync } from 'node:fs';
import { markdownTable } from '@keyward/test-kit/doc-tables';
import { describe, expect, test } from 'vitest';

const DOC = 'docs/fetch.md';
const HEADING = 'Which stores run where';
const STORES = ['memory', 'SQLite', 'D1', 'PostgreSQL', 'Redis'] as const;
const RUNTIMES = ['Node 20', 'Node 22 / 24', 'Bun 1.4', 'Deno 2.9', 'workerd', 'workerd + `nodejs_compat`'];
type Cell = { kind: 'tested'; file: URL; name: string } | { kind: 'cannot'; reason: string };

/** What a cell says; throws naming the cell when it fits neither form. */
function parse(cell: string): Cell {
  const tested = /^✅ \[[^\]]+\]\(([^)]+\.test\.ts)\): "([^"]+)"/.exec(cell);
  if (tested) return { kind: 'tested', file: new URL(tested[1]!, new URL(`../../../${DOC}`, import.meta.url)), name: tested[2]! };
  const cannot = /^✗ (.+)$/.exec(cell);
  if (cannot) return { kind: 'cannot', reason: cannot[1]! };
  throw new Error(`${DOC} "${HEADING}": the cell "${cell}" is neither ✅ [file](path.test.ts): "test name" nor ✗ and the reason the store cannot run there`);
}

const rows = markdownTable(DOC, HEADING);
const cells = rows.flatMap(([runtime = '', ...byStore]) => byStore.map((cell, i) => ({ runtime, store: STORES[i] ?? `column ${i + 2}`, cell })));

describe(`${DOC} "${HEADING}"`, () => {
  test('has a row per runtime and a column per store', () => {
    expect(rows.map((row) => row[0])).toEqual(RUNTIMES);
    for (const row of rows) expect(row).toHaveLength(1 + STORES.length);
  });

  test.each(cells)('$store on $runtime: a CI test that exists and holds the named test, or a reason', ({ store, cell }) => {
    const parsed = parse(cell);
    if (parsed.kind === 'tested') {
      expect(existsSync(parsed.file), parsed.file.pathname).toBe(true);
      expect(readFileSync(parsed.file, 'utf8')).toContain(parsed.name);
    } else {
      expect(parsed.reason.length).toBeGreaterThan(10);
    }
  });
});
