import { ConfigurationError, StoreUnavailableError, type Keyward, type VerifyResult } from '@keyward/core';
import { authenticate, createGuard, guardResponses, responseText } from '@keyward/core/http';
import { describe, expect, test, vi } from 'vitest';
import { ACTORS, testKeyward } from '@keyward/test-kit/http';

const responses = guardResponses('api');
const verifying = (verify: () => Promise<VerifyResult>) => ({ verify }) as Pick<Keyward, 'verify'>;
const bearer = { authorization: 'Bearer kw_whatever' };

describe('authenticate', () => {
  test('passes a valid token with its info', async () => {
    const keyward = testKeyward();
    const { plaintext, token } = await keyward.create(ACTORS.owner, { name: 'a', scope: { kind: 'organization' }, expiresIn: 'never' });
    expect(await authenticate(keyward, { authorization: `Bearer ${plaintext}` }, {}, { responses })).toEqual({ ok: true, token });
    await keyward.close();
  });

  test('an unexpected error while verifying fails closed with 500 (a bug: retrying will not help) and reaches onError', async () => {
    const onError = vi.fn();
    const boom = new TypeError('bug in a custom store');
    const result = await authenticate(verifying(() => Promise.reject(boom)), bearer, {}, { responses, onError });
    expect(result).toMatchObject({ ok: false, response: { status: 500, body: { code: 'INTERNAL_ERROR' } } });
    expect(onError).toHaveBeenCalledWith(boom);
  });

  test('a verify() answer that is neither ok nor refused fails closed with 500', async () => {
    const result = await authenticate(verifying(() => Promise.resolve(undefined as never)), bearer, {}, { responses, onError: () => {} });
    expect(result).toMatchObject({ ok: false, response: { status: 500 } });
  });

  test('an onError hook that throws does not turn the 503 into a rejection', async () => {
    const result = await authenticate(verifying(() => Promise.reject(new StoreUnavailableError('down'))), bearer, {}, {
      responses,
      onError: () => {
        throw new Error('logger down too');
      },
    });
    expect(result).toMatchObject({ ok: false, response: { status: 503 } });
  });

  test('a null target (route id unreadable) refuses with 403 without calling verify', async () => {
    const verify = vi.fn();
    const result = await authenticate({ verify } as never, bearer, null, { responses, onError: () => {} });
    expect(result).toMatchObject({ ok: false, response: { status: 403 } });
    expect(verify).not.toHaveBeenCalled();
  });

  test('missing and malformed credentials never reach verify', async () => {
    const verify = vi.fn();
    expect(await authenticate({ verify } as never, {}, {}, { responses })).toEqual({ ok: false, response: responses.missing });
    expect(await authenticate({ verify } as never, { authorization: 'Bearer a b' }, {}, { responses })).toEqual({
      ok: false,
      response: responses.malformed.SPACE_IN_TOKEN,
    });
    expect(verify).not.toHaveBeenCalled();
  });
});

test('"Bearer a b" says what is wrong (a space in the token), not "several credentials"', () => {
  const body = JSON.parse(responseText(responses.malformed.SPACE_IN_TOKEN)!) as { detail: string; reason: string };
  expect(body.reason).toBe('SPACE_IN_TOKEN');
  expect(body.detail).toMatch(/contains a space/);
  expect(body.detail).not.toMatch(/several/);
});

describe('guardResponses', () => {
  test('responses are shared and frozen, so no request can alter another one', () => {
    expect(Object.isFrozen(responses.expired)).toBe(true);
    expect(Object.isFrozen(responses.expired.headers)).toBe(true);
    expect(Object.isFrozen(responses.expired.body)).toBe(true);
  });

  test('the extra header is named in the messages', () => {
    expect((guardResponses('api', 'x-api-key').missing.body as { detail: string }).detail).toContain('x-api-key: <token>');
  });
});

describe('createGuard', () => {
  const keyward = testKeyward();

  test('reads the route target the configured way', () => {
    type Ctx = { params: Record<string, string | undefined> };
    const ctx: Ctx = { params: { p: 'proj_1', o: 'org_1' } };
    const read = (name: string) => (c: Ctx) => c.params[name];
    expect(createGuard<Ctx>({ keyward }).target(ctx)).toEqual({});
    expect(createGuard<Ctx>({ keyward, organizationLevel: true }).target(ctx)).toEqual({ organizationLevel: true });
    expect(createGuard<Ctx>({ keyward, project: read('p') }).target(ctx)).toEqual({ projectId: 'proj_1' });
    expect(createGuard<Ctx>({ keyward, organization: read('o') }).target(ctx)).toEqual({ organizationId: 'org_1' });
    expect(createGuard<Ctx>({ keyward, project: read('p'), organization: read('o') }).target(ctx)).toEqual({ projectId: 'proj_1', organizationId: 'org_1' });
    expect(createGuard<Ctx>({ keyward, project: read('missing') }).target(ctx)).toBeNull();
    expect(createGuard<Ctx>({ keyward, project: () => '' }).target(ctx)).toBeNull();
    expect(createGuard<Ctx>({ keyward, project: () => ['a', 'b'] }).target(ctx)).toBeNull();
  });

  test('lowercases the extra header name', () => {
    expect(createGuard({ keyward, header: 'X-Api-Key' }).header).toBe('x-api-key');
  });

  test.each([
    { label: 'options that are not an object', options: null },
    { label: 'a keyward without verify', options: { keyward: {} } },
    { label: 'an organization that is not a function', options: { keyward, organization: 'org' } },
    { label: 'an empty header name', options: { keyward, header: '' } },
    { label: 'a realm that is not a string', options: { keyward, realm: 42 } },
    { label: 'an onError that is not a function', options: { keyward, onError: 'log' } },
  ])('refuses $label with ConfigurationError naming the caller', ({ options }) => {
    expect(() => createGuard(options as never, 'requireToken')).toThrow(ConfigurationError);
    expect(() => createGuard(options as never, 'requireToken')).toThrow(/^requireToken\(options\): /);
  });
});
