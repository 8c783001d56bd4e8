import { ConfigurationError, StoreUnavailableError, type Keyward, type VerifyResult } from '@keyward/core';
import { authenticate, createGuard, guardResponses, type Refusal, type RefusalAnswer } from '@keyward/core/http';
import { describe, expect, expectTypeOf, test, vi } from 'vitest';
import type { TokenInfo } from '@keyward/core';
import { ACTORS, testKeyward } from '@keyward/test-kit/http';

const responses = guardResponses('api');

/** A keyward whose check() answers `answer` synchronously, counting calls. */
function answering(answer: VerifyResult | (() => never)) {
  const check = vi.fn(() => (typeof answer === 'function' ? answer() : answer));
  return { keyward: { verify: check, check } as unknown as Pick<Keyward, 'verify' | 'check'>, check };
}

const WELL_FORMED = 'kw_4fT0abcdefghijklmnopqrstuvwxyz0123456789AB';
const bearer = { authorization: `Bearer ${WELL_FORMED}` };

describe('the hooks cost nothing on a pass', () => {
  test('a pass calls no hook and returns verify\'s own answer (no wrapper allocated), hooks set or not', () => {
    const passed: VerifyResult = { ok: true, token: { id: 'tok_1' } as TokenInfo };
    const { keyward } = answering(passed);
    const onRefusal = vi.fn();
    const formatRefusal = vi.fn((): RefusalAnswer => ({}));
    const refusalContext = vi.fn(() => 'ip');
    const hooked = { responses, onRefusal, formatRefusal, refusalContext };
    for (let i = 0; i < 100; i++) {
      expect(authenticate(keyward, bearer, {}, hooked, {})).toBe(passed);
      expect(authenticate(keyward, bearer, {}, { responses }, {})).toBe(passed);
    }
    expect(onRefusal).not.toHaveBeenCalled();
    expect(formatRefusal).not.toHaveBeenCalled();
    expect(refusalContext).not.toHaveBeenCalled();
  });

  test('an optional pass without credentials shares one frozen answer and calls nothing', () => {
    const { keyward, check } = answering({ ok: false, code: 'NOT_FOUND' });
    const onRefusal = vi.fn();
    const a = authenticate(keyward, {}, {}, { responses, optional: true, onRefusal });
    const b = authenticate(keyward, {}, {}, { responses, optional: true, onRefusal });
    expect(a).toEqual({ ok: true, token: undefined });
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect(check).not.toHaveBeenCalled();
    expect(onRefusal).not.toHaveBeenCalled();
  });

  test('without hooks, a refusal answers the shared response itself and never reads the context', () => {
    const refusalContext = vi.fn();
    const { keyward } = answering({ ok: false, code: 'EXPIRED' });
    // createGuard drops a context reader nobody would be told about.
    const guard = createGuard<unknown>({ keyward: keyward as Keyward, refusalContext });
    expect(guard.refusalContext).toBeUndefined();
    const result = authenticate(keyward, bearer, {}, guard, {});
    expect(result).toEqual({ ok: false, response: responses.expired });
    expect((result as { response: unknown }).response).toBe(guard.responses.expired);
    expect(refusalContext).not.toHaveBeenCalled();
  });
});

describe('onRefusal', () => {
  test('each refusal is described once, with the context read from the request, never the plaintext', () => {
    const seen: Refusal[] = [];
    const request = { ip: '203.0.113.7' };
    const options = { responses, onRefusal: (r: Refusal) => seen.push(r), refusalContext: (req: typeof request) => req.ip };
    authenticate(answering({ ok: false, code: 'SCOPE_DENIED' }).keyward, bearer, { projectId: 'p' }, options, request);
    authenticate(answering({ ok: false, code: 'MALFORMED' }).keyward, bearer, {}, options, request);
    authenticate(answering({ ok: false, code: 'NOT_FOUND' }).keyward, { authorization: 'Bearer a, Bearer b' }, {}, options, request);
    expect(seen.map(({ response: _r, ...rest }) => rest)).toEqual([
      { code: 'INSUFFICIENT_SCOPE', status: 403, tokenHint: 'kw_4fT0', target: { projectId: 'p' }, context: '203.0.113.7' },
      // A token that fails the format check may be someone's other secret: no hint from it.
      { code: 'INVALID_TOKEN', status: 401, target: {}, context: '203.0.113.7' },
      { code: 'INVALID_REQUEST', status: 400, reason: 'SEVERAL_CREDENTIALS', target: {}, context: '203.0.113.7' },
    ]);
    expect(Object.isFrozen(seen[0])).toBe(true);
    expect(JSON.stringify(seen)).not.toContain(WELL_FORMED);
  });

  test('a tokenId in verify\'s answer is passed on', () => {
    const onRefusal = vi.fn();
    authenticate(answering({ ok: false, code: 'EXPIRED', tokenId: 'tok_9' } as VerifyResult).keyward, bearer, {}, { responses, onRefusal });
    expect(onRefusal).toHaveBeenCalledWith(expect.objectContaining({ code: 'TOKEN_EXPIRED', tokenId: 'tok_9', tokenHint: 'kw_4fT0' }));
  });

  test('store failures and unreadable routes are refusals too', async () => {
    const onRefusal = vi.fn();
    const down = answering(() => {
      throw new StoreUnavailableError('down');
    });
    const outage = authenticate(down.keyward, bearer, {}, { responses, onRefusal, onError: () => {} });
    expect(outage).toMatchObject({ ok: false, response: { status: 503 } });
    authenticate(down.keyward, bearer, null, { responses, onRefusal, onError: () => {} });
    const rejected = { verify: () => Promise.reject(new TypeError('bug')) } as unknown as Keyward;
    await authenticate(rejected, bearer, {}, { responses, onRefusal, onError: () => {} });
    expect(onRefusal.mock.calls.map(([r]) => [r.code, r.status, r.target])).toEqual([
      ['STORE_UNAVAILABLE', 503, {}],
      ['INSUFFICIENT_SCOPE', 403, null],
      ['INTERNAL_ERROR', 500, {}],
    ]);
  });

  test('a throwing onRefusal or refusalContext changes nothing and goes to onError', () => {
    const onError = vi.fn();
    const boom = new Error('hook down');
    const options = {
      responses,
      onError,
      onRefusal: () => {
        throw boom;
      },
      refusalContext: () => {
        throw boom;
      },
    };
    expect(authenticate(answering({ ok: false, code: 'EXPIRED' }).keyward, bearer, {}, options)).toEqual({ ok: false, response: responses.expired });
    expect(onError.mock.calls).toEqual([[boom], [boom]]);
  });

  test('works on an async verify as well', async () => {
    const onRefusal = vi.fn();
    const keyward = testKeyward();
    const { plaintext } = await keyward.create(ACTORS.owner, { name: 'a', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: 'never' });
    const asyncKeyward = { verify: (token: string, target: never) => Promise.resolve(keyward.verify(token, target)) } as unknown as Keyward;
    const result = await authenticate(asyncKeyward, { authorization: `Bearer ${plaintext}` }, { projectId: 'proj_a2' }, { responses, onRefusal });
    expect(result).toMatchObject({ ok: false, response: { status: 403 } });
    expect(onRefusal).toHaveBeenCalledWith(expect.objectContaining({ code: 'INSUFFICIENT_SCOPE', tokenHint: plaintext.slice(0, 7) }));
    await keyward.close();
  });
});

describe('formatRefusal', () => {
  const expired = answering({ ok: false, code: 'EXPIRED' }).keyward;
  const formatted = (formatRefusal: (r: Refusal) => RefusalAnswer, onError = vi.fn()) => {
    const result = authenticate(expired, bearer, {}, { responses, formatRefusal, onError });
    if (result instanceof Promise || result.ok) throw new Error('expected a synchronous refusal');
    return { response: result.response, onError };
  };

  test('a body replaces the problem, sent as JSON; the challenge, no-store and nosniff stay', () => {
    const { response } = formatted((r) => ({ body: { message: r.code } }));
    expect(response).toEqual({
      status: 401,
      headers: {
        'content-type': 'application/json',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'www-authenticate': 'Bearer realm="api", error="invalid_token"',
      },
      body: { message: 'TOKEN_EXPIRED' },
    });
  });

  test('headers merge (case-insensitively) over the guard\'s; an omitted body keeps the problem', () => {
    const { response } = formatted(() => ({ status: 404, headers: { 'WWW-Authenticate': 'Bearer realm="other"', 'X-Id': '1' } }));
    expect(response.status).toBe(404);
    expect(response.headers).toMatchObject({ 'www-authenticate': 'Bearer realm="other"', 'x-id': '1', 'content-type': 'application/problem+json' });
    expect(response.body).toBe(responses.expired.body);
  });

  test('body: undefined sends no body and no Content-Type; a host Content-Type wins', () => {
    expect(formatted(() => ({ body: undefined })).response.headers['content-type']).toBeUndefined();
    expect(formatted(() => ({ body: { a: 1 }, headers: { 'content-type': 'application/vnd.host+json' } })).response.headers['content-type']).toBe('application/vnd.host+json');
  });

  test.each<[string, () => RefusalAnswer, RegExp]>([
    ['a 2xx status', () => ({ status: 200 as never }), /status 200/],
    ['a 3xx status', () => ({ status: 302 as never }), /status 302/],
    ['no object', () => null as never, /must return an object/],
    ['a header that is not a string', () => ({ headers: { 'x-a': 1 as never } }), /header "x-a"/],
    ['a header value with a line break', () => ({ headers: { 'x-a': 'a\r\nset-cookie: x' } }), /header "x-a"/],
    ['a header name with a space', () => ({ headers: { 'x a': '1' } }), /not an HTTP header name/],
    ['a body JSON cannot write', () => ({ body: () => {} }), /JSON cannot write/],
    [
      'a throw',
      () => {
        throw new Error('formatter down');
      },
      /formatter down/,
    ],
  ])('%s → the guard\'s own answer, the error to onError', (_label, formatRefusal, message) => {
    const { response, onError } = formatted(formatRefusal);
    expect(response).toBe(responses.expired);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(String(onError.mock.calls[0]![0])).toMatch(message);
  });
});

describe('createGuard options', () => {
  test.each([
    { label: 'optional that is not a boolean', options: { optional: 'yes' }, message: /optional must be a boolean/ },
    { label: 'onRefusal that is not a function', options: { onRefusal: 'log' }, message: /onRefusal must be a function/ },
    { label: 'formatRefusal that is not a function', options: { formatRefusal: {} }, message: /formatRefusal must be a function/ },
    { label: 'refusalContext that is not a function', options: { refusalContext: 'ip' }, message: /refusalContext must be a function/ },
  ])('$label throws ConfigurationError naming it', ({ options, message }) => {
    expect(() => createGuard({ keyward: testKeyward(), ...options } as never)).toThrow(ConfigurationError);
    expect(() => createGuard({ keyward: testKeyward(), ...options } as never)).toThrow(message);
  });

  test('authenticate types the token as possibly undefined only when the options may be optional', () => {
    const keyward = testKeyward();
    const required = authenticate(keyward, {}, {}, { responses });
    const optional = authenticate(keyward, {}, {}, { responses, optional: true as const });
    const guard = createGuard({ keyward });
    const either = authenticate(keyward, {}, {}, guard);
    type TokenOf<R> = R extends { ok: true; token: infer T } ? T : never;
    expectTypeOf<TokenOf<Awaited<typeof required>>>().toEqualTypeOf<TokenInfo>();
    expectTypeOf<TokenOf<Awaited<typeof optional>>>().toEqualTypeOf<TokenInfo | undefined>();
    expectTypeOf<TokenOf<Awaited<typeof either>>>().toEqualTypeOf<TokenInfo | undefined>();
  });
});
