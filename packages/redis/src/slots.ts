const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/** The hash tag of a key (the text between the first `{` and the next `}`, when not empty), or null. */
function hashTag(key: string): string | null {
  const open = key.indexOf('{');
  if (open === -1) return null;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : null;
}

/**
 * The Cluster slot of a key: CRC16 (XMODEM) of its hash tag (the part between the first `{` and
 * the next `}`, when not empty) or of the whole key, modulo 16384 — as Redis computes it.
 * @example keySlot('{user1000}.following') === keySlot('{user1000}.followers') // true
 */
export function keySlot(key: string): number {
  let crc = 0;
  for (const byte of Buffer.from(hashTag(key) ?? key)) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc % 16384;
}

/** Found by search (prefixes with stray braces only), kept: at most one per slot. */
const searched = new Map<string, string>();

/**
 * A key on the same slot as `key` (both as sent on the wire), named under `prefix`: where the
 * durability fence writes, so it lands on the primary that holds `key`. Usually
 * `<prefix>fence{<key's tag or key>}`; when braces in the prefix defeat that, the first
 * `<prefix>fence{<n>}` on the slot.
 * @example keySlot(sameSlotKey('keyward:h:abc', 'keyward:')) === keySlot('keyward:h:abc') // true
 */
export function sameSlotKey(key: string, prefix: string): string {
  const slot = keySlot(key);
  const natural = `${prefix}fence{${hashTag(key) ?? key}}`;
  if (keySlot(natural) === slot) return natural;
  const remembered = searched.get(`${prefix}\n${slot}`);
  if (remembered !== undefined) return remembered;
  // The prefix's own braces decide the tag. If they make a constant tag, every key under the
  // prefix (this one included) is on that slot and the first candidate matches; otherwise the
  // candidates' slots vary with n, and one in 16384 matches on average.
  for (let n = 0; n < 10_000_000; n++) {
    const candidate = `${prefix}fence{${n.toString(36)}}`;
    if (keySlot(candidate) === slot) {
      searched.set(`${prefix}\n${slot}`, candidate);
      return candidate;
    }
  }
  throw new Error(`no key under the prefix ${JSON.stringify(prefix)} found on slot ${slot}`);
}
