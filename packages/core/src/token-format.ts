import { customAlphabet } from 'nanoid';
import { BASE62_ALPHABET, encodeBase62 } from './base62.js';
import { crc32 } from './crc32.js';
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

const SECRET_AND_CHECKSUM = new RegExp(`^[0-9A-Za-z]{${SECRET_LENGTH + CHECKSUM_LENGTH}}$`);

/**
 * True when `token` has this prefix, the right length, only base62 characters and a matching
 * checksum. Runs on every request before any store call, so a typo never reaches the store.
 * @example isWellFormedToken(generateToken('kw'), 'kw') // true
 */
export function isWellFormedToken(token: unknown, prefix: string = DEFAULT_PREFIX): token is string {
  if (typeof token !== 'string' || typeof prefix !== 'string') return false;
  const secretStart = prefix.length + 1;
  const checksumStart = secretStart + SECRET_LENGTH;
  if (token.length !== checksumStart + CHECKSUM_LENGTH || token[prefix.length] !== '_' || !token.startsWith(prefix)) return false;
  // An invalid prefix can match nothing; checking it here keeps this function from throwing.
  if (!PREFIX_PATTERN.test(prefix) || !SECRET_AND_CHECKSUM.test(token.slice(secretStart))) return false;
  return token.slice(checksumStart) === checksumOf(token.slice(0, checksumStart));
}

/**
 * The display hint of a token: its prefix and the first four secret characters, e.g. `kw_4fT0`.
 * Safe to store and show; 24 bits of a 178-bit secret do not help an attacker.
 */
export function tokenHint(token: string, prefix: string = DEFAULT_PREFIX): string {
  return token.slice(0, prefix.length + 1 + HINT_SECRET_LENGTH);
}
