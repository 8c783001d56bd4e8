/** Longest credentials header value accepted, in characters (header values are Latin-1, so bytes). */
export const MAX_CREDENTIALS_LENGTH = 8 * 1024;

/** The raw header values a request carried; `null`/`undefined` when a header is absent. */
export interface CredentialsInput {
  /** The `Authorization` value. Repeated headers must arrive joined by ", " (as fetch's Headers does). */
  authorization?: string | null | undefined;
  /** The extra token header's value (e.g. `x-api-key`), when the guard accepts one. */
  apiKey?: string | null | undefined;
}

/** Why credentials were refused before any token lookup. Each one answers 400 `invalid_request`. */
export type MalformedReason = 'EMPTY_TOKEN' | 'SEVERAL_CREDENTIALS' | 'SPACE_IN_TOKEN' | 'INVALID_CHARACTERS' | 'TOO_LONG' | 'CONFLICTING_HEADERS';

export type ParsedCredentials =
  | { kind: 'token'; token: string }
  | { kind: 'missing' }
  | { kind: 'malformed'; reason: MalformedReason };

type Malformed = Extract<ParsedCredentials, { kind: 'malformed' }>;

const MISSING: ParsedCredentials = Object.freeze({ kind: 'missing' });
const MALFORMED = Object.freeze(
  Object.fromEntries(
    (['EMPTY_TOKEN', 'SEVERAL_CREDENTIALS', 'SPACE_IN_TOKEN', 'INVALID_CHARACTERS', 'TOO_LONG', 'CONFLICTING_HEADERS'] as const).map((reason) => [
      reason,
      Object.freeze({ kind: 'malformed', reason }),
    ]),
  ),
) as Readonly<Record<MalformedReason, Malformed>>;

const SP = 0x20;
const COMMA = 0x2c;
const EQUALS = 0x3d;

/** 1 for each code below 128 in `chars`: a table lookup per character instead of a chain of comparisons. */
function charTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** RFC 9110 tchar: the characters of an auth-scheme. */
const TCHAR = /* @__PURE__ */ charTable(`${ALPHANUMERIC}!#$%&'*+-.^_\`|~`);
/** RFC 7235 token68 body characters (trailing "=" handled separately). */
const TOKEN68 = /* @__PURE__ */ charTable(`${ALPHANUMERIC}-._~+/`);

function isTchar(c: number): boolean {
  return c < 128 && TCHAR[c] === 1;
}

function isToken68Char(c: number): boolean {
  return c < 128 && TOKEN68[c] === 1;
}

// Scheme names are case-insensitive (RFC 9110 §11.1); compared without allocating a lowercased copy.
function isBearer(value: string, length: number): boolean {
  if (length !== 6) return false;
  const bearer = 'bearer';
  for (let i = 0; i < 6; i++) if ((value.charCodeAt(i) | 0x20) !== bearer.charCodeAt(i)) return false;
  return true;
}

/** Index just past a token68 starting at `start` (equal to `start` when there is none). */
function token68End(value: string, start: number): number {
  let i = start;
  while (i < value.length && isToken68Char(value.charCodeAt(i))) i++;
  if (i === start) return start;
  while (i < value.length && value.charCodeAt(i) === EQUALS) i++;
  return i;
}

/**
 * What follows a credential that should have ended: a second credential (comma-joined, as
 * repeated headers arrive), a space inside the token (`Bearer a b`), or junk.
 */
function trailingReason(value: string, from: number): MalformedReason {
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === COMMA) return 'SEVERAL_CREDENTIALS';
    if (c !== SP) return i > from ? 'SPACE_IN_TOKEN' : 'INVALID_CHARACTERS';
  }
  return 'INVALID_CHARACTERS';
}

/** A bare token (the extra header's value): token68, nothing else. */
function parseBareToken(value: string): string | Malformed {
  if (value.length === 0) return MALFORMED.EMPTY_TOKEN;
  if (value.length > MAX_CREDENTIALS_LENGTH) return MALFORMED.TOO_LONG;
  const end = token68End(value, 0);
  if (end === value.length) return value;
  // Repeated headers arrive joined by ", ": that is several credentials, not a typo.
  return value.indexOf(',') >= 0 ? MALFORMED.SEVERAL_CREDENTIALS : MALFORMED.INVALID_CHARACTERS;
}

/** The Bearer token, why it is malformed, or null when the header uses another scheme (not ours to judge). */
function parseAuthorization(value: string): string | Malformed | null {
  if (value.length === 0) return MALFORMED.EMPTY_TOKEN;
  if (value.length > MAX_CREDENTIALS_LENGTH) return MALFORMED.TOO_LONG;
  let i = 0;
  while (i < value.length && isTchar(value.charCodeAt(i))) i++;
  if (i === 0) return MALFORMED.INVALID_CHARACTERS;
  if (!isBearer(value, i)) return null;
  if (i === value.length) return MALFORMED.EMPTY_TOKEN;
  if (value.charCodeAt(i) !== SP) return MALFORMED.INVALID_CHARACTERS;
  while (i < value.length && value.charCodeAt(i) === SP) i++;
  if (i === value.length) return MALFORMED.EMPTY_TOKEN;
  const end = token68End(value, i);
  if (end === i) return value.charCodeAt(i) === COMMA ? MALFORMED.EMPTY_TOKEN : MALFORMED.INVALID_CHARACTERS;
  let rest = end;
  while (rest < value.length && value.charCodeAt(rest) === SP) rest++;
  if (rest === value.length) return value.slice(i, end);
  return MALFORMED[trailingReason(value, end)];
}

/**
 * Reads the token a request carries: `Authorization: Bearer <token>` (scheme case-insensitive,
 * exactly one token68 credential, at most 8 KiB) and, when given, the extra header's bare token.
 * An Authorization header with another scheme (e.g. Basic) is not ours and counts as absent.
 * Both headers present with different tokens is malformed: guessing which one was meant would be unsafe.
 *
 * Tokens that fail this grammar can never be valid keyward tokens, so rejecting them here costs nothing.
 * @example
 * parseCredentials({ authorization: 'bearer kw_abc' }) // { kind: 'token', token: 'kw_abc' }
 * parseCredentials({ authorization: 'Bearer a, Bearer b' }) // { kind: 'malformed', reason: 'SEVERAL_CREDENTIALS' }
 * parseCredentials({ authorization: 'Bearer a b' }) // { kind: 'malformed', reason: 'SPACE_IN_TOKEN' }
 * parseCredentials({}) // { kind: 'missing' }
 */
export function parseCredentials(input: CredentialsInput): ParsedCredentials {
  const fromAuthorization = typeof input.authorization === 'string' ? parseAuthorization(input.authorization) : null;
  const fromHeader = typeof input.apiKey === 'string' ? parseBareToken(input.apiKey) : null;
  if (fromAuthorization !== null && typeof fromAuthorization !== 'string') return fromAuthorization;
  if (fromHeader !== null && typeof fromHeader !== 'string') return fromHeader;
  if (fromAuthorization !== null) {
    if (fromHeader !== null && fromHeader !== fromAuthorization) return MALFORMED.CONFLICTING_HEADERS;
    return { kind: 'token', token: fromAuthorization };
  }
  if (fromHeader !== null) return { kind: 'token', token: fromHeader };
  return MISSING;
}
