import { assertValidPrefix, CHECKSUM_LENGTH, SECRET_LENGTH } from '../token-format.js';

/**
 * The regular expression to register with GitHub's secret scanning for tokens of `prefix`: the
 * prefix, `_`, then the base62 secret and checksum. Word boundaries keep it from matching inside
 * a longer string. The checksum is not expressible as a pattern; keyward checks it on receipt.
 * @example secretScanningPattern('kw') // '\\bkw_[0-9A-Za-z]{36}\\b'
 */
export function secretScanningPattern(prefix: string): string {
  assertValidPrefix(prefix);
  return `\\b${prefix}_[0-9A-Za-z]{${SECRET_LENGTH + CHECKSUM_LENGTH}}\\b`;
}
