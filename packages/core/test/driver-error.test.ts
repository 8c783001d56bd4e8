// Store errors pass a driver's error on with its class, message and code only.
import { StoreFailedError, StoreUnavailableError } from '@keyward/core';
import { describe, expect, test } from 'vitest';

class DatabaseError extends Error {}

describe('the cause of a store error', () => {
  test('a driver error carrying its query and row keeps its class, message and code, and nothing else', () => {
    const driver = Object.assign(new DatabaseError('duplicate key value violates unique constraint'), {
      code: '23505',
      detail: 'Key (hash)=(s3cr3t-hash) already exists.',
      command: { name: 'evalsha', args: ['{"hash":"s3cr3t-hash"}'] },
    });
    const error = new StoreFailedError('token store failed', { cause: driver });
    const cause = error.cause as DatabaseError & { code?: string };
    expect(cause).toBeInstanceOf(DatabaseError);
    expect(cause.message).toBe(driver.message);
    expect(cause.code).toBe('23505');
    expect(cause.stack).toBe(driver.stack);
    expect(JSON.stringify(cause) + String(Object.getOwnPropertyNames(cause))).not.toContain('s3cr3t');
  });

  test('nested causes and the errors of an AggregateError are cleaned too; a plain error is passed as is', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED', args: ['s3cr3t'] });
    const aggregate = new AggregateError([inner], 'all addresses failed');
    const wrapped = new StoreUnavailableError('down', { cause: new Error('outer', { cause: aggregate }) });
    const seen = (wrapped.cause as Error).cause as AggregateError;
    expect(seen).toBeInstanceOf(AggregateError);
    expect(seen.errors[0]).toMatchObject({ message: inner.message, code: 'ECONNREFUSED' });
    expect(seen.errors[0]).not.toHaveProperty('args');
    const plain = Object.assign(new Error('Connection is closed.'), { code: 'ECLOSED' });
    expect(new StoreUnavailableError('down', { cause: plain }).cause).toBe(plain);
  });

  test('a thrown value that is not an Error keeps only its own message', () => {
    const error = new StoreFailedError('token store failed', { cause: { message: 'boom', record: { hash: 's3cr3t' } } });
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toBe('boom');
    expect(JSON.stringify(error.cause)).not.toContain('s3cr3t');
    expect(new StoreFailedError('no cause').cause).toBeUndefined();
    expect('cause' in new StoreFailedError('no cause', {})).toBe(false);
  });
});
