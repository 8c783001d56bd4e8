/** CRC-32 (IEEE) of each byte value, for callers that fold the checksum into their own pass. */
export const CRC32_TABLE = /* @__PURE__ */ (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/**
 * CRC-32 (IEEE 802.3) of an ASCII string, as an unsigned 32-bit integer. Token characters are
 * all ASCII, so each char code is one byte. A plain table loop: the checksum of a 33-character
 * token body is a small share of a verification next to its SHA-256.
 * @example crc32('123456789') // 0xcbf43926
 */
export function crc32(ascii: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < ascii.length; i++) {
    crc = CRC32_TABLE[(crc ^ ascii.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}
