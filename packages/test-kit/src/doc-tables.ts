// Tables in the docs that a test checks row by row, so the documented table and the code cannot
// drift apart: the test reads the table, not a copy of it.
import { readFileSync } from 'node:fs';

const REPO_ROOT = new URL('../../../', import.meta.url);

/**
 * The body rows of the first Markdown table under the heading `heading` (any level, exact text) in
 * `file` (a path from the repository root), each row as its trimmed cells.
 * @throws Error naming the file and heading when there is no such heading or no table under it
 * @example markdownTable('docs/stores.md', 'PostgreSQL errors')[0] // ['class `08` …', 'outage (503)', '…']
 */
export function markdownTable(file: string, heading: string): string[][] {
  const lines = readFileSync(new URL(file, REPO_ROOT), 'utf8').split('\n');
  const start = lines.findIndex((line) => /^#{1,6} /.test(line) && line.replace(/^#+ /, '').trim() === heading);
  if (start === -1) throw new Error(`${file}: no heading "${heading}"`);
  const rows: string[][] = [];
  for (let i = start + 1; i < lines.length && !/^#{1,6} /.test(lines[i]!); i++) {
    const line = lines[i]!.trim();
    if (!line.startsWith('|')) {
      if (rows.length > 0) break;
      continue;
    }
    rows.push(line.slice(1, -1).split('|').map((cell) => cell.trim()));
  }
  // The header row and the |---| separator are not data.
  if (rows.length < 3) throw new Error(`${file}: no table with rows under "${heading}"`);
  return rows.slice(2);
}

/**
 * The `backticked` items of a Markdown cell, in order.
 * @example codeSpans('class `08` (`08000` `08006`)') // ['08', '08000', '08006']
 */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);
}

/** What a store does with an error, as the "answer" column of docs/stores.md's error tables says. */
export type ErrorAnswer = 'outage' | 'bug' | 'retried, then outage';

/** One row of a store's error table: its first cell, its answer, and the errors the cell names. */
export interface ErrorRow<E> {
  cell: string;
  answer: ErrorAnswer;
  errors: Array<[label: string, error: E]>;
}

/**
 * The rows of an error table of docs/stores.md ("PostgreSQL errors", "SQLite errors"…), each with
 * the errors `errorsOf` reads from its first cell.
 * @throws Error naming the row when it names no error or its answer is not an `ErrorAnswer`
 * @example errorTable('SQLite errors', (cell) => codeSpans(cell).map((code) => [code, new Error(code)]))
 */
export function errorTable<E>(heading: string, errorsOf: (cell: string) => Array<[string, E]>): Array<ErrorRow<E>> {
  return markdownTable('docs/stores.md', heading).map(([cell = '', answer = '']) => {
    const errors = errorsOf(cell);
    if (errors.length === 0) throw new Error(`docs/stores.md "${heading}": the row "${cell}" names no error`);
    if (!['outage', 'bug', 'retried, then outage'].includes(answer)) throw new Error(`docs/stores.md "${heading}": the row "${cell}" answers "${answer}"`);
    return { cell: cell.replaceAll(' †', ''), answer: answer as ErrorAnswer, errors };
  });
}
