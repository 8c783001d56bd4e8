import { customAlphabet } from 'nanoid';
import { BASE62_ALPHABET, encodeBase62 } from './base62.js';
import { CRC32_TABLE, crc32 } from './crc32.js';
import { ConfigurationError } from './errors.js';

/** Characters of random secret: 30 base62 characters ≈ 178 bits. */
export const SECRET_LENGTH = 30;
/** Characters of checksum: CRC-32 in base62 (62^6 > 2^32). */
export const CHECKSUM_LENGTH = 6;
/** Secret characters kept in the display hint. */
export const HINT_SECRET_LENGTH = 4;
export const DEFAULT_PREFIX = 'kw';

const PREFIX_PATTERN = /^[a-z][a-z0-9]{0,15}$/;
const randomSecret = customAlphabet(BASE62_ALPHABET, SECRET_LENGTH);

/**
 * Throws a ConfigurationError unless `prefix` is 1–16 lowercase letters or digits starting with a letter.
 * @example assertValidPrefix('acme') // ok
 */
export function assertValidPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) {
    throw new ConfigurationError(`prefix must match ${PREFIX_PATTERN.source}, got ${JSON.stringify(prefix)}`);
  }
}

function checksumOf(body: string): string {
  return encodeBase62(crc32(body), CHECKSUM_LENGTH);
}

/**
 * Creates a new plaintext token `<prefix>_<secret><checksum>`. The checksum is CRC-32 of
 * everything before it (`<prefix>_<secret>`), so scanners can recognise tokens and typos are
 * refused without a store lookup.
 * @example generateToken('kw') // 'kw_4fT0…Qz1a9X'
 */
export function generateToken(prefix: string = DEFAULT_PREFIX): string {
  assertValidPrefix(prefix);
  const body = `${prefix}_${randomSecret()}`;
  return body + checksumOf(body);
}

// Value of each base62 character code, -1 for every other code below 128.
const BASE62_VALUE = /* @__PURE__ */ (() => {
  const values = new Int8Array(128).fill(-1);
  for (let i = 0; i < BASE62_ALPHABET.length; i++) values[BASE62_ALPHABET.charCodeAt(i)] = i;
  return values;
})();

/** The prefix last seen valid, so the pattern is not re-run for every token of the same prefix. */
let validPrefix = DEFAULT_PREFIX;

/**
 * True when `token` has this prefix, the right length, only base62 characters and a matching
 * checksum. Runs on every request before any store call, so a typo never reaches the store: one
 * pass, checking each character and folding it into the CRC, without regular expressions or
 * substrings (those cost more than the SHA-256 that follows).
 * @example isWellFormedToken(generateToken('kw'), 'kw') // true
 */
export function isWellFormedToken(token: unknown, prefix: string = DEFAULT_PREFIX): token is string {
  if (typeof token !== 'string' || typeof prefix !== 'string') return false;
  const secretStart = prefix.length + 1;
  const checksumStart = secretStart + SECRET_LENGTH;
  const length = checksumStart + CHECKSUM_LENGTH;
  if (token.length !== length || token.charCodeAt(prefix.length) !== 0x5f || !token.startsWith(prefix)) return false;
  if (prefix !== validPrefix) {
    // An invalid prefix can match nothing; checking it here keeps this function from throwing.
    if (!PREFIX_PATTERN.test(prefix)) return false;
    validPrefix = prefix;
  }
  let crc = 0xffffffff;
  for (let i = 0; i < checksumStart; i++) {
    const code = token.charCodeAt(i);
    if (i >= secretStart && (code > 0x7f || BASE62_VALUE[code]! < 0)) return false;
    crc = CRC32_TABLE[(crc ^ code) & 0xff]! ^ (crc >>> 8);
  }
  let checksum = 0;
  for (let i = checksumStart; i < length; i++) {
    const code = token.charCodeAt(i);
    const digit = code > 0x7f ? -1 : BASE62_VALUE[code]!;
    if (digit < 0) return false;
    checksum = checksum * 62 + digit;
  }
  return checksum === (crc ^ 0xffffffff) >>> 0;
}

/**
 * The display hint of a token: its prefix and the first four secret characters, e.g. `kw_4fT0`.
 * Safe to store and show; 24 bits of a 178-bit secret do not help an attacker.
 */
export function tokenHint(token: string, prefix: string = DEFAULT_PREFIX): string {
  return token.slice(0, prefix.length + 1 + HINT_SECRET_LENGTH);
}
