// docs/stores.md "PostgreSQL errors", row by row: each code, class or driver message the table
// lists is classified as the row says. The table is read from the doc, so they cannot drift apart.
import { StoreUnavailableError } from '@keyward/core';
import { codeSpans, errorTable } from '@keyward/test-kit/doc-tables';
import { describe, expect, test } from 'vitest';
import { guard, isRetryableError, isUnavailableError, RETRY_ATTEMPTS, toStoreError } from '../src/errors.js';

const withCode = (code: string, message = 'server error') => Object.assign(new Error(message), { code });

/** The errors a table cell stands for: SQLSTATEs, a class (two of its codes), socket codes, driver messages. */
function errorsOf(cell: string): Array<[label: string, error: Error]> {
  return codeSpans(cell).flatMap((item): Array<[string, Error]> => {
    if (/^[0-9A-Z]{2}$/.test(item)) return [[`${item}000`, withCode(`${item}000`)], [`${item}ZZZ (another of class ${item})`, withCode(`${item}ZZZ`)]];
    if (/^[0-9A-Z]{5}$/.test(item)) return [[item, withCode(item)]];
    if (/^E[A-Z_]+$/.test(item)) return [[item, withCode(item)]];
    return [[item, new Error(item)]];
  });
}

const rows = errorTable('PostgreSQL errors', errorsOf);

describe('docs/stores.md "PostgreSQL errors": every row is what the store does', () => {
  test('the table lists the SQLSTATE classes', () => {
    expect(rows.length).toBeGreaterThan(10);
  });

  for (const { cell, answer, errors } of rows) {
    test(`${answer}: ${cell}`, () => {
      for (const [label, error] of errors) {
        expect(isUnavailableError(error), label).toBe(answer !== 'bug');
        expect(isRetryableError(error), label).toBe(answer === 'retried, then outage');
        const thrown = toStoreError('list', error);
        if (answer === 'bug') expect(thrown, label).toBe(error);
        else expect(thrown, label).toBeInstanceOf(StoreUnavailableError);
      }
    });
  }
});

describe('how errors are recognized', () => {
  test('a socket error wrapped by a connect failure (AggregateError, cause) is an outage', () => {
    expect(isUnavailableError(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]))).toBe(true);
    expect(isUnavailableError(new Error('wrapped', { cause: withCode('ECONNRESET') }))).toBe(true);
  });

  test('anything else, including non-errors and code-alikes, is not', () => {
    for (const error of [new Error('boom'), new TypeError('x is not a function'), 'ECONNREFUSED', null, { code: '08006' }, withCode('08006x'), withCode('EPIPES')]) {
      expect(isUnavailableError(error), String(error)).toBe(false);
    }
  });

  test('toStoreError wraps outages with the driver error as cause and passes everything else through', () => {
    const outage = withCode('57P01', 'terminating connection due to administrator command');
    const wrapped = toStoreError('findByHash', outage);
    expect(wrapped).toBeInstanceOf(StoreUnavailableError);
    expect((wrapped as Error).message).toBe('postgres store: findByHash failed: terminating connection due to administrator command');
    expect((wrapped as Error).cause).toBe(outage);
    const bug = withCode('23505');
    expect(toStoreError('insert', bug)).toBe(bug);
    const already = new StoreUnavailableError('x');
    expect(toStoreError('get', already)).toBe(already);
  });
});

describe('guard(): serialization failures and deadlocks are run again', () => {
  test(`a deadlock then a success: run twice, the success returned`, async () => {
    let runs = 0;
    const result = await guard('roll', async () => {
      if (++runs === 1) throw withCode('40P01', 'deadlock detected');
      return 'rolled';
    });
    expect([runs, result]).toEqual([2, 'rolled']);
  });

  test(`serialization failures every time: run ${RETRY_ATTEMPTS} times, then StoreUnavailableError with the last failure as cause`, async () => {
    let runs = 0;
    const last = withCode('40001', 'could not serialize access due to concurrent update');
    const error = await guard('update', async () => {
      runs++;
      throw last;
    }).catch((e: unknown) => e);
    expect(runs).toBe(RETRY_ATTEMPTS);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).cause).toBe(last);
  });

  test('any other error is not run again: an outage once, a bug once', async () => {
    for (const [error, expected] of [
      [withCode('57014'), StoreUnavailableError],
      [withCode('23505'), Error],
    ] as const) {
      let runs = 0;
      const thrown = await guard('insert', async () => {
        runs++;
        throw error;
      }).catch((e: unknown) => e);
      expect(runs).toBe(1);
      expect(thrown).toBeInstanceOf(expected);
    }
  });
});
