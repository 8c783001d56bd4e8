export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Encodes a non-negative integer in base62, left-padded with `0` to `width` characters.
 * @example encodeBase62(61, 2) // '0z'
 */
export function encodeBase62(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = BASE62_ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

const DIGITS = /* @__PURE__ */ (() => {
  const digits = new Int8Array(128).fill(-1);
  for (let i = 0; i < BASE62_ALPHABET.length; i++) digits[BASE62_ALPHABET.charCodeAt(i)] = i;
  return digits;
})();

/** Value of one base62 character code, or -1 when it is not one. */
export function base62Digit(code: number): number {
  return code < 128 ? DIGITS[code]! : -1;
}
