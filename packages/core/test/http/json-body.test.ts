import { BODY_RESPONSES, isJsonContentType, jsonBodyDisposition, parseJsonBody } from '@keyward/core/http';
import { describe, expect, test } from 'vitest';

describe('isJsonContentType', () => {
  test.each([
    ['application/json', true],
    ['Application/JSON; charset=UTF-8', true],
    ['application/json;charset="utf8"', true],
    ['application/json; charset=latin1', false],
    ['application/problem+json', false],
    ['text/plain', false],
    [undefined, false],
  ])('%s → %s', (value, expected) => {
    expect(isJsonContentType(value)).toBe(expected);
  });
});

describe('jsonBodyDisposition', () => {
  test('reads JSON bodies that have framing', () => {
    expect(jsonBodyDisposition({ contentType: 'application/json', contentLength: '2' })).toBe('parse');
    expect(jsonBodyDisposition({ contentType: 'application/json', transferEncoding: 'chunked' })).toBe('parse');
  });

  test('a fetch request that says it has a body is read without Content-Length; one that has none is not', () => {
    expect(jsonBodyDisposition({ contentType: 'application/json', hasBody: true })).toBe('parse');
    expect(jsonBodyDisposition({ contentType: 'application/json', contentLength: '2', hasBody: false })).toBe('none');
  });

  test('no body, or not JSON: none', () => {
    expect(jsonBodyDisposition({ contentType: 'application/json' })).toBe('none');
    expect(jsonBodyDisposition({ contentType: 'text/plain', contentLength: '2' })).toBe('none');
  });

  test('compressed JSON → 415, identity is fine', () => {
    expect(jsonBodyDisposition({ contentType: 'application/json', contentLength: '2', contentEncoding: 'gzip' })).toBe(BODY_RESPONSES.unsupportedMediaType);
    expect(jsonBodyDisposition({ contentType: 'application/json', contentLength: '2', contentEncoding: 'identity' })).toBe('parse');
  });
});

describe('parseJsonBody', () => {
  test.each([
    ['', { ok: true, value: {} }],
    ['{"a":1}', { ok: true, value: { a: 1 } }],
    [' \n[1]', { ok: true, value: [1] }],
    ['"text"', { ok: false, response: BODY_RESPONSES.invalidJson }],
    ['   ', { ok: false, response: BODY_RESPONSES.invalidJson }],
    ['{"a":', { ok: false, response: BODY_RESPONSES.invalidJson }],
  ])('%j', (text, expected) => {
    expect(parseJsonBody(text)).toEqual(expected);
  });
});
