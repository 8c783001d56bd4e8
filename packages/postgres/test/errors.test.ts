import { StoreUnavailableError } from '@keyward/core';
import { describe, expect, test } from 'vitest';
import { isUnavailableError, toStoreError } from '../src/errors.js';

const withCode = (code: string, message = 'server error') => Object.assign(new Error(message), { code });

describe('which errors mean "PostgreSQL could not answer"', () => {
  test('connection, resource, operator-intervention and I/O SQLSTATEs, and read-only transactions, are outages', () => {
    for (const code of ['08000', '08003', '08006', '08001', '08004', '08P01', '53300', '53100', '53200', '57014', '57P01', '57P02', '57P03', '57P04', '57P05', '58030', '25006']) {
      expect(isUnavailableError(withCode(code)), code).toBe(true);
    }
  });

  test('constraint, syntax, missing-table, serialization and data errors are not: they are bugs or answers', () => {
    for (const code of ['23505', '23514', '42P01', '42601', '40001', '40P01', '22P02', '22003', 'XX000', '25P02']) {
      expect(isUnavailableError(withCode(code)), code).toBe(false);
    }
  });

  test('socket errors and node-postgres\' code-less connection messages are outages', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']) expect(isUnavailableError(withCode(code)), code).toBe(true);
    for (const message of [
      'Connection terminated unexpectedly',
      'Connection terminated',
      'Connection terminated due to connection timeout',
      'timeout exceeded when trying to connect',
      'Query read timeout',
      'Client has encountered a connection error and is not queryable',
      'Client was closed and is not queryable',
      'Cannot use a pool after calling end on the pool',
    ]) {
      expect(isUnavailableError(new Error(message)), message).toBe(true);
    }
    expect(isUnavailableError(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]))).toBe(true);
    expect(isUnavailableError(new Error('wrapped', { cause: withCode('ECONNRESET') }))).toBe(true);
  });

  test('anything else, including non-errors, is not', () => {
    for (const error of [new Error('boom'), new TypeError('x is not a function'), 'ECONNREFUSED', null, { code: '08006' }]) {
      expect(isUnavailableError(error)).toBe(false);
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
