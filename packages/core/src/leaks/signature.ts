/**
 * ECDSA P-256 / SHA-256 signatures as GitHub's secret scanning sends them (base64 of a DER
 * `SEQUENCE { r INTEGER, s INTEGER }`), checked with WebCrypto so the same code runs on Node,
 * Bun, Deno and Workers.
 */

/** WebCrypto's key type, named without the DOM library (which core does not compile against). */
export type PublicKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const P256_BYTES = 32;

/**
 * Decodes standard base64, or returns null for anything that is not (whitespace included).
 * @example decodeBase64('AAE=') // Uint8Array [0, 1]
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) return null;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** One DER INTEGER at `at`, as 32 big-endian bytes; null unless it is strict DER and fits P-256. */
function readInteger(der: Uint8Array, at: number): { value: Uint8Array; next: number } | null {
  if (der[at] !== 0x02) return null;
  const length = der[at + 1];
  if (length === undefined || length < 1 || length > P256_BYTES + 1 || at + 2 + length > der.length) return null;
  let start = at + 2;
  const end = start + length;
  // Strict DER: one leading zero only where the next byte would otherwise read as negative.
  if (der[start] === 0x00) {
    if (length === 1 || der[start + 1]! < 0x80) return null;
    start++;
  } else if (der[start]! >= 0x80) {
    return null;
  }
  if (end - start > P256_BYTES) return null;
  const value = new Uint8Array(P256_BYTES);
  value.set(der.subarray(start, end), P256_BYTES - (end - start));
  return { value, next: end };
}

/**
 * The 64-byte `r || s` form WebCrypto verifies, from a DER ECDSA signature; null when the bytes are
 * not one strict DER P-256 signature (nothing may follow it).
 * @example derToP1363(derBytes)?.length // 64
 */
export function derToP1363(der: Uint8Array): Uint8Array<ArrayBuffer> | null {
  // A P-256 signature is at most 72 bytes, so its length always fits DER's one-byte short form.
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const r = readInteger(der, 2);
  if (r === null) return null;
  const s = readInteger(der, r.next);
  if (s === null || s.next !== der.length) return null;
  const raw = new Uint8Array(2 * P256_BYTES);
  raw.set(r.value, 0);
  raw.set(s.value, P256_BYTES);
  return raw;
}

/**
 * Imports a PEM `PUBLIC KEY` (SPKI) on P-256 for ECDSA verification; rejects when it is not one.
 * @example const key = await importP256PublicKey(pem);
 */
export async function importP256PublicKey(pem: string): Promise<PublicKey> {
  const body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '').replace(/\s+/g, '');
  const der = decodeBase64(body);
  if (der === null) throw new TypeError('key is not a PEM "PUBLIC KEY"');
  return crypto.subtle.importKey('spki', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
}

/**
 * True when `signature` (the P1363 bytes from `derToP1363`) signs exactly `body` under `key`.
 * @example await verifyP256(key, derToP1363(der)!, body) // true
 */
export async function verifyP256(key: PublicKey, signature: Uint8Array<ArrayBuffer>, body: Uint8Array): Promise<boolean> {
  // WebCrypto reads plain ArrayBuffer views; request bodies never sit in shared memory.
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, body as Uint8Array<ArrayBuffer>);
}

/**
 * Lowercase hex SHA-256 of `data` (a string is hashed as UTF-8).
 * @example await sha256Hex('abc') // 'ba7816bf…'
 */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
