import { ClosedError, ConfigurationError, ForbiddenError, NameTakenError, StoreUnavailableError, TokenNotFoundError, ValidationError } from '@keyward/core';
import { createManagementApi, errorResponse, handleListTokens, MANAGEMENT_ROUTES } from '@keyward/core/http';
import { describe, expect, test, vi } from 'vitest';
import { testKeyward } from '@keyward/test-kit/http';

describe('errorResponse', () => {
  test.each([
    { error: ValidationError.of('scope.projectId', 'no such project'), status: 400, code: 'VALIDATION_FAILED' },
    { error: new NameTakenError('CI'), status: 409, code: 'NAME_TAKEN' },
    { error: new ForbiddenError(), status: 403, code: 'FORBIDDEN' },
    { error: new TokenNotFoundError(['tok_1']), status: 404, code: 'TOKEN_NOT_FOUND' },
    { error: new StoreUnavailableError('down'), status: 503, code: 'STORE_UNAVAILABLE' },
    { error: new ClosedError(), status: 503, code: 'CLOSED' },
    { error: new Error('secret internals'), status: 500, code: 'INTERNAL_ERROR' },
  ])('$code → $status, no-store', ({ error, status, code }) => {
    const response = errorResponse(error, () => {});
    expect(response.status).toBe(status);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toMatchObject({ status, code });
  });

  test('validation problems list every field path', () => {
    const error = new ValidationError([
      { path: 'name', message: 'too long' },
      { path: 'expiresIn', message: 'unknown' },
    ]);
    expect(errorResponse(error).body).toMatchObject({ errors: [{ path: 'name', message: 'too long' }, { path: 'expiresIn', message: 'unknown' }] });
  });

  test('an unexpected error is reported, not echoed', () => {
    const onError = vi.fn();
    const response = errorResponse(new Error('password=hunter2'), onError);
    expect(JSON.stringify(response)).not.toContain('hunter2');
    expect(onError).toHaveBeenCalledOnce();
  });

  test('a 503 says when to retry', () => {
    expect(errorResponse(new StoreUnavailableError('down'), () => {}).headers['retry-after']).toBe('5');
  });
});

describe('management handlers over plain requests', () => {
  test('no actor → 401 UNAUTHENTICATED', async () => {
    const response = await handleListTokens(testKeyward(), { actor: null });
    expect(response).toMatchObject({ status: 401, body: { code: 'UNAUTHENTICATED' } });
  });

  test("an invalid actor is the host's bug: 500, reported", async () => {
    const onError = vi.fn();
    const response = await handleListTokens(testKeyward(), { actor: { userId: 'u', organizationId: 'o', role: 'guest' } as never }, onError);
    expect(response).toMatchObject({ status: 500, body: { code: 'INTERNAL_ERROR' } });
    expect(String(onError.mock.calls[0]?.[0])).toContain('getActor() returned an invalid actor');
  });

  test('the static preview route is registered before /tokens/:id, which would swallow it', () => {
    const paths = MANAGEMENT_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(paths.indexOf('GET /tokens/expiration-preview')).toBeLessThan(paths.indexOf('GET /tokens/:id'));
  });
});

describe('createManagementApi', () => {
  test.each([
    { label: 'no options', options: undefined },
    { label: 'no keyward', options: { getActor: (): null => null } },
    { label: 'no getActor', options: { keyward: testKeyward() } },
    { label: 'an onError that is not a function', options: { keyward: testKeyward(), getActor: (): null => null, onError: 1 } },
  ])('refuses $label with ConfigurationError', ({ options }) => {
    expect(() => createManagementApi(options as never, 'tokensApp')).toThrow(ConfigurationError);
  });
});
