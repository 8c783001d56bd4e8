import { MAX_CREDENTIALS_LENGTH, parseCredentials, type CredentialsInput, type ParsedCredentials } from '@keyward/core/http';
import { describe, expect, test } from 'vitest';

const token = (value: string): ParsedCredentials => ({ kind: 'token', token: value });
const malformed = (reason: string) => ({ kind: 'malformed', reason });

describe('parseCredentials', () => {
  test.each<{ label: string; input: CredentialsInput; expected: unknown }>([
    { label: 'no headers', input: {}, expected: { kind: 'missing' } },
    { label: 'null headers', input: { authorization: null, apiKey: null }, expected: { kind: 'missing' } },
    { label: 'Bearer token', input: { authorization: 'Bearer kw_abc' }, expected: token('kw_abc') },
    { label: 'scheme in any case', input: { authorization: 'BEARER kw_abc' }, expected: token('kw_abc') },
    { label: 'several spaces after the scheme', input: { authorization: 'Bearer   kw_abc' }, expected: token('kw_abc') },
    { label: 'trailing spaces', input: { authorization: 'Bearer kw_abc  ' }, expected: token('kw_abc') },
    { label: 'token68 with padding', input: { authorization: 'Bearer a-b.c_d~e+f/g==' }, expected: token('a-b.c_d~e+f/g==') },
    { label: 'another scheme', input: { authorization: 'Basic dXNlcjpwYXNz' }, expected: { kind: 'missing' } },
    { label: 'a scheme that only starts like Bearer', input: { authorization: 'Bearerx kw_abc' }, expected: { kind: 'missing' } },
    { label: 'an empty header', input: { authorization: '' }, expected: malformed('EMPTY_TOKEN') },
    { label: 'Bearer alone', input: { authorization: 'Bearer' }, expected: malformed('EMPTY_TOKEN') },
    { label: 'Bearer and spaces', input: { authorization: 'Bearer   ' }, expected: malformed('EMPTY_TOKEN') },
    { label: 'a tab instead of a space', input: { authorization: 'Bearer\tkw_abc' }, expected: malformed('INVALID_CHARACTERS') },
    { label: 'two credentials, comma-joined', input: { authorization: 'Bearer a, Bearer b' }, expected: malformed('SEVERAL_CREDENTIALS') },
    { label: 'a space inside the token', input: { authorization: 'Bearer a b' }, expected: malformed('SPACE_IN_TOKEN') },
    { label: 'auth-params instead of token68', input: { authorization: 'Bearer token="a"' }, expected: malformed('INVALID_CHARACTERS') },
    { label: 'a bad character', input: { authorization: 'Bearer kw_a!b' }, expected: malformed('INVALID_CHARACTERS') },
    { label: 'a non-ASCII character', input: { authorization: 'Bearer kw_aé' }, expected: malformed('INVALID_CHARACTERS') },
    { label: 'characters after padding', input: { authorization: 'Bearer ab=c' }, expected: malformed('INVALID_CHARACTERS') },
    { label: 'a leading comma', input: { authorization: ', Bearer a' }, expected: malformed('INVALID_CHARACTERS') },
    { label: 'exactly 8 KiB', input: { authorization: `Bearer ${'a'.repeat(MAX_CREDENTIALS_LENGTH - 7)}` }, expected: token('a'.repeat(MAX_CREDENTIALS_LENGTH - 7)) },
    { label: 'over 8 KiB', input: { authorization: `Bearer ${'a'.repeat(MAX_CREDENTIALS_LENGTH - 6)}` }, expected: malformed('TOO_LONG') },
    { label: 'the extra header alone', input: { apiKey: 'kw_abc' }, expected: token('kw_abc') },
    { label: 'an empty extra header', input: { apiKey: '' }, expected: malformed('EMPTY_TOKEN') },
    { label: 'a repeated extra header', input: { apiKey: 'kw_a, kw_b' }, expected: malformed('SEVERAL_CREDENTIALS') },
    { label: '"Bearer x" in the extra header', input: { apiKey: 'Bearer kw_a' }, expected: malformed('INVALID_CHARACTERS') },
    { label: 'an extra header over 8 KiB', input: { apiKey: 'a'.repeat(MAX_CREDENTIALS_LENGTH + 1) }, expected: malformed('TOO_LONG') },
    { label: 'both headers, same token', input: { authorization: 'Bearer kw_a', apiKey: 'kw_a' }, expected: token('kw_a') },
    { label: 'both headers, different tokens', input: { authorization: 'Bearer kw_a', apiKey: 'kw_b' }, expected: malformed('CONFLICTING_HEADERS') },
    { label: 'Basic plus the extra header', input: { authorization: 'Basic dXNlcg==', apiKey: 'kw_a' }, expected: token('kw_a') },
    { label: 'a malformed Authorization wins over a good extra header', input: { authorization: 'Bearer a b', apiKey: 'kw_a' }, expected: malformed('SPACE_IN_TOKEN') },
    // A token spelled like a reason code is still a token: reasons and tokens never share a representation.
    { label: 'a token that reads like a reason', input: { authorization: 'Bearer TOO_LONG' }, expected: token('TOO_LONG') },
  ])('$label', ({ input, expected }) => {
    expect(parseCredentials(input)).toEqual(expected);
  });
});
