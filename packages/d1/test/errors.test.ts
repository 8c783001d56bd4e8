// What the D1 store makes of each error: the rows of docs/stores.md "D1 errors", read from the doc
// and checked against the store's classification, and the store's own list against the doc.
import { StoreUnavailableError } from '@keyward/core';
import { codeSpans, errorTable, markdownTable } from '@keyward/test-kit/doc-tables';
import { describe, expect, test } from 'vitest';
import { D1_OUTAGE_MESSAGES, isUnavailableError, sqliteCode, toStoreError } from '../src/errors.js';

/** An error as D1 reports it: the SQLite code (and an extended one for `_*`) at the end, or a message of D1's own. */
function d1Error(item: string): Error {
  if (item.endsWith('_*')) return new Error(`D1_ERROR: boom: ${item.slice(0, -2)} (extended: ${item.slice(0, -2)}_SOMETHING)`);
  if (/^SQLITE_[A-Z_]+$/.test(item)) return new Error(`D1_ERROR: boom: ${item}`);
  return new Error(`D1_ERROR: ${item}.`);
}

describe('docs/stores.md "D1 errors": every row is what the store does', () => {
  const rows = errorTable('D1 errors', (cell) => codeSpans(cell).map((item): [string, Error] => [item, d1Error(item)]));

  test('the table lists D1\'s messages and the SQLite codes', () => {
    expect(rows.length).toBeGreaterThan(8);
  });

  for (const { cell, answer, errors } of rows) {
    test(`${answer}: ${cell}`, () => {
      // "any other …" is a bug: a code or message D1 may add later, and one that only looks like a listed one.
      if (/any other code/.test(cell)) errors.push(['SQLITE_NEWCODE', d1Error('SQLITE_NEWCODE')], ['SQLITE_BUSYNESS', d1Error('SQLITE_BUSYNESS')]);
      if (/any other message/.test(cell)) errors.push(['a new message', d1Error('something D1 says one day')]);
      for (const [label, error] of errors) {
        expect(isUnavailableError(error), label).toBe(answer !== 'bug');
        const thrown = toStoreError('list', error);
        if (answer === 'bug') expect(thrown, label).toBe(error);
        else {
          expect(thrown, label).toBeInstanceOf(StoreUnavailableError);
          expect((thrown as Error).cause, label).toBe(error);
          expect((thrown as Error).message, label).toContain('d1 store: list failed');
        }
      }
    });
  }

  test('every message of D1_OUTAGE_MESSAGES is an outage row of the table, and the other way round', () => {
    const outageItems = markdownTable('docs/stores.md', 'D1 errors')
      .filter(([, answer]) => answer === 'outage')
      .flatMap(([cell = '']) => codeSpans(cell).filter((item) => !item.startsWith('SQLITE_')));
    expect([...outageItems].sort()).toEqual([...D1_OUTAGE_MESSAGES].sort());
  });
});

test('sqliteCode() reads the extended code when D1 gives one, else the base code, else none', () => {
  expect(sqliteCode(new Error('D1_ERROR: UNIQUE constraint failed: t.b: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_UNIQUE)'))).toBe('SQLITE_CONSTRAINT_UNIQUE');
  expect(sqliteCode(new Error('D1_ERROR: no such table: nope: SQLITE_ERROR'))).toBe('SQLITE_ERROR');
  expect(sqliteCode(new Error('D1_ERROR: Network connection lost.'))).toBeNull();
});
