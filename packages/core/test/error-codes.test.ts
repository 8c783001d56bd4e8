// `code` is what callers branch on: typed as the union of codes (each class narrowing it to its
// own), so `switch (error.code)` is checked for exhaustiveness, and listed at runtime in
// KEYWARD_ERROR_CODES, one code per error class.
import * as core from '@keyward/core';
import {
  ClosedError,
  CloseTimeoutError,
  ConfigurationError,
  FeatureUnavailableError,
  ForbiddenError,
  KEYWARD_ERROR_CODES,
  KeysUnavailableError,
  KeywardError,
  NameTakenError,
  StoreFailedError,
  StoreUnavailableError,
  TokenNotFoundError,
  ValidationError,
  type KeywardErrorCode,
} from '@keyward/core';
import { MANAGEMENT_PROBLEM_CODES, REFUSAL_CODES, SECRET_SCANNING_PROBLEM_CODES, type ProblemCode, type ProblemDetails, type RefusalCode } from '@keyward/core/http';
import { describe, expect, expectTypeOf, test } from 'vitest';

/** Compiles only while every code has a branch: a code added to the union without one breaks the build. */
function advice(error: KeywardError): string {
  switch (error.code) {
    case 'VALIDATION_FAILED':
    case 'NAME_TAKEN':
      return 'fix the form';
    case 'FORBIDDEN':
    case 'TOKEN_NOT_FOUND':
      return 'not yours';
    case 'STORE_UNAVAILABLE':
    case 'CLOSED':
    case 'KEYS_UNAVAILABLE':
      return 'retry later';
    case 'FEATURE_UNAVAILABLE':
      return 'turn it on';
    case 'CLOSE_TIMED_OUT':
      return 'note what was dropped';
    case 'INVALID_CONFIGURATION':
    case 'STORE_FAILED':
      return 'a bug';
    default:
      return error.code satisfies never;
  }
}

const samples: KeywardError[] = [
  ValidationError.of('name', 'is required'),
  new ConfigurationError('bad'),
  new ForbiddenError(),
  new TokenNotFoundError(['tok_1']),
  new NameTakenError('CI'),
  new StoreUnavailableError('down'),
  new StoreFailedError('broken'),
  new ClosedError(),
  new FeatureUnavailableError('audit'),
  new KeysUnavailableError('GitHub is down'),
  new CloseTimeoutError('writes', 5000, { lastUsedUpdates: 3, usageCounts: 1 }),
];

describe('KeywardError codes', () => {
  test('code is the union of KEYWARD_ERROR_CODES, and each class narrows it to its own code', () => {
    expectTypeOf<KeywardError['code']>().toEqualTypeOf<KeywardErrorCode>();
    expectTypeOf<KeywardErrorCode>().toEqualTypeOf<(typeof KEYWARD_ERROR_CODES)[number]>();
    expectTypeOf<ValidationError['code']>().toEqualTypeOf<'VALIDATION_FAILED'>();
    expectTypeOf<ConfigurationError['code']>().toEqualTypeOf<'INVALID_CONFIGURATION'>();
    expectTypeOf<TokenNotFoundError['code']>().toEqualTypeOf<'TOKEN_NOT_FOUND'>();
    expectTypeOf<StoreUnavailableError['code']>().toEqualTypeOf<'STORE_UNAVAILABLE'>();
    // @ts-expect-error a code outside the list is refused at compile time
    expect(() => new KeywardError('OOPS', 'x')).not.toThrow();
  });

  test('every error class core exports has its own code from the list, and every code has a class', () => {
    const classes = Object.entries(core).flatMap(([name, value]) => (typeof value === 'function' && value.prototype instanceof KeywardError ? [name] : []));
    expect(samples.map((error) => error.name).sort()).toEqual(classes.sort());
    expect(samples.map((error) => error.code).sort()).toEqual([...KEYWARD_ERROR_CODES].sort());
    expect(Object.isFrozen(KEYWARD_ERROR_CODES)).toBe(true);
  });

  test('a switch over error.code reaches a branch for every code', () => {
    expect(samples.map(advice)).toEqual(['fix the form', 'a bug', 'not yours', 'not yours', 'fix the form', 'retry later', 'a bug', 'retry later', 'turn it on', 'retry later', 'note what was dropped']);
  });
});

describe('problem codes', () => {
  test('ProblemDetails.code is the union of the guard, management and secret scanning lists', () => {
    expectTypeOf<ProblemDetails['code']>().toEqualTypeOf<ProblemCode>();
    expectTypeOf<ProblemCode>().toEqualTypeOf<RefusalCode | (typeof MANAGEMENT_PROBLEM_CODES)[number] | (typeof SECRET_SCANNING_PROBLEM_CODES)[number]>();
    expectTypeOf<RefusalCode>().toEqualTypeOf<(typeof REFUSAL_CODES)[number]>();
  });

  test('every KeywardError the management API maps to a 4xx answers with the error\'s own code, which the list holds', () => {
    for (const code of ['VALIDATION_FAILED', 'FORBIDDEN', 'TOKEN_NOT_FOUND', 'NAME_TAKEN', 'STORE_UNAVAILABLE', 'STORE_FAILED', 'CLOSED'] as const) {
      expect(MANAGEMENT_PROBLEM_CODES).toContain(code);
    }
    expect(new Set(MANAGEMENT_PROBLEM_CODES).size).toBe(MANAGEMENT_PROBLEM_CODES.length);
    expect(new Set(REFUSAL_CODES).size).toBe(REFUSAL_CODES.length);
    expect(new Set(SECRET_SCANNING_PROBLEM_CODES).size).toBe(SECRET_SCANNING_PROBLEM_CODES.length);
  });
});
