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

// Value of each byte as a base62 digit, -1 for every other byte. Char codes above 0xff are
// rejected before the lookup, so 256 entries cover every case.
const DIGIT_OF_BYTE = /* @__PURE__ */ (() => {
  const digits = new Int8Array(256).fill(-1);
  for (let i = 0; i < BASE62_ALPHABET.length; i++) digits[BASE62_ALPHABET.charCodeAt(i)] = i;
  return digits;
})();

// 1 for the bytes a secret may hold (base62), 0 otherwise.
const SECRET_BYTE = /* @__PURE__ */ (() => {
  const ok = new Uint8Array(256);
  for (let i = 0; i < BASE62_ALPHABET.length; i++) ok[BASE62_ALPHABET.charCodeAt(i)] = 1;
  return ok;
})();

// Slicing-by-4 CRC-32 tables: SLICE[k][b] is the CRC of byte b followed by k zero bytes, so four
// characters fold into the CRC with four lookups instead of four dependent table steps.
const SLICE = /* @__PURE__ */ (() => {
  const tables = [Int32Array.from(CRC32_TABLE)];
  for (let k = 1; k < 4; k++) {
    const previous = tables[k - 1]!;
    tables.push(Int32Array.from(previous, (c) => CRC32_TABLE[c & 0xff]! ^ (c >>> 8)));
  }
  return tables as [Int32Array, Int32Array, Int32Array, Int32Array];
})();

/**
 * A checker for tokens of one prefix: the same answers as `isWellFormedToken(token, prefix)`,
 * with the CRC state after `<prefix>_` computed once, so each call hashes only the secret.
 * Keyward builds one per instance: this runs on every request before any store call.
 * @example const isOurs = tokenChecker('kw'); isOurs(generateToken('kw')) // true
 */
export function tokenChecker(prefix: string = DEFAULT_PREFIX): (token: string) => boolean {
  assertValidPrefix(prefix);
  const head = `${prefix}_`;
  const secretStart = head.length;
  const checksumStart = secretStart + SECRET_LENGTH;
  const length = checksumStart + CHECKSUM_LENGTH;
  const wordsEnd = secretStart + (SECRET_LENGTH & ~3);
  let headCrc = 0xffffffff;
  for (let i = 0; i < secretStart; i++) headCrc = CRC32_TABLE[(headCrc ^ head.charCodeAt(i)) & 0xff]! ^ (headCrc >>> 8);
  const [t0, t1, t2, t3] = SLICE;
  return function isWellFormed(token: string): boolean {
    if (token.length !== length || !token.startsWith(head)) return false;
    // CRC-32 of everything before the checksum, four characters at a time, checking on the way
    // that each is base62 (a code above 0xff sets a high bit in `wide`).
    let crc = headCrc | 0;
    let ok = 1;
    let wide = 0;
    let i = secretStart;
    for (; i < wordsEnd; i += 4) {
      const a = token.charCodeAt(i);
      const b = token.charCodeAt(i + 1);
      const c = token.charCodeAt(i + 2);
      const d = token.charCodeAt(i + 3);
      wide |= a | b | c | d;
      ok &= SECRET_BYTE[a & 0xff]! & SECRET_BYTE[b & 0xff]! & SECRET_BYTE[c & 0xff]! & SECRET_BYTE[d & 0xff]!;
      const word = crc ^ (a | (b << 8) | (c << 16) | (d << 24));
      crc = t3[word & 0xff]! ^ t2[(word >>> 8) & 0xff]! ^ t1[(word >>> 16) & 0xff]! ^ t0[word >>> 24]!;
    }
    for (; i < checksumStart; i++) {
      const a = token.charCodeAt(i);
      wide |= a;
      ok &= SECRET_BYTE[a & 0xff]!;
      crc = t0[(crc ^ a) & 0xff]! ^ (crc >>> 8);
    }
    if (ok === 0 || wide > 0xff) return false;
    let checksum = 0;
    for (; i < length; i++) {
      const code = token.charCodeAt(i);
      const digit = code > 0xff ? -1 : DIGIT_OF_BYTE[code]!;
      if (digit < 0) return false;
      checksum = checksum * 62 + digit;
    }
    return checksum === ~crc >>> 0;
  };
}

let lastChecker: { prefix: string; check: (token: string) => boolean } | undefined;

/**
 * True when `token` has this prefix, the right length, only base62 characters and a matching
 * checksum. Allocation-free and one pass, since it runs on every request before any store call.
 * @example isWellFormedToken(generateToken('kw'), 'kw') // true
 */
export function isWellFormedToken(token: unknown, prefix: string = DEFAULT_PREFIX): token is string {
  if (typeof token !== 'string') return false;
  if (lastChecker?.prefix !== prefix) {
    // An invalid prefix can match nothing; checking it here would make this function throw.
    if (typeof prefix !== 'string' || !PREFIX_PATTERN.test(prefix)) return false;
    lastChecker = { prefix, check: tokenChecker(prefix) };
  }
  return lastChecker.check(token);
}

/**
 * The display hint of a token: its prefix and the first four secret characters, e.g. `kw_4fT0`.
 * Safe to store and show; 24 bits of a 178-bit secret do not help an attacker.
 */
export function tokenHint(token: string, prefix: string = DEFAULT_PREFIX): string {
  return token.slice(0, prefix.length + 1 + HINT_SECRET_LENGTH);
}
