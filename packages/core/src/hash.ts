import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { ConfigurationError } from './errors.js';

type NodeCrypto = typeof import('node:crypto');

// process.getBuiltinModule is synchronous and exists in both ESM and CJS on Node ≥ 20.16, Bun and
// Deno. Where it is missing (browsers, edge runtimes) we fall back to @noble/hashes.
const nodeCrypto: NodeCrypto | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
  } catch {
    return undefined;
  }
})();

/** Which SHA-256 implementation this runtime uses: `node:crypto` when present, else `@noble/hashes`. */
export const hashBackend: 'node:crypto' | '@noble/hashes' = nodeCrypto ? 'node:crypto' : '@noble/hashes';

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

type Digest = (token: string) => string;

function sha256Digest(): Digest {
  if (nodeCrypto) {
    // The one-shot crypto.hash (Node ≥ 20.12) skips the Hash object: about 3× faster than createHash.
    const { hash, createHash } = nodeCrypto;
    if (typeof hash === 'function') return (token) => hash('sha256', token, 'base64url');
    return (token) => createHash('sha256').update(token).digest('base64url');
  }
  return (token) => toBase64Url(sha256(utf8ToBytes(token)));
}

function hmacDigest(pepper: string): Digest {
  if (nodeCrypto) {
    const { createHmac } = nodeCrypto;
    return (token) => createHmac('sha256', pepper).update(token).digest('base64url');
  }
  const key = utf8ToBytes(pepper);
  return (token) => toBase64Url(hmac(sha256, key, utf8ToBytes(token)));
}

/**
 * Server-side secret(s) mixed into token hashes. `previous` peppers are still accepted when
 * verifying; a `null` among them accepts tokens issued before any pepper was configured.
 */
export interface PepperOptions {
  current: string;
  previous?: readonly (string | null)[];
}

/** Turns plaintext tokens into the value stored and looked up. */
export interface TokenHasher {
  /** The hash `create` stores: base64url SHA-256 of the token, or HMAC-SHA-256 with the current pepper. */
  hash(token: string): string;
  /** Hashes to try when verifying after `hash` found nothing: one per previous pepper, in order. */
  readonly previousHashes: readonly Digest[];
}

const MIN_PEPPER_LENGTH = 16;

function checkPepper(pepper: unknown, field: string): string {
  if (typeof pepper !== 'string' || pepper.length < MIN_PEPPER_LENGTH) {
    throw new ConfigurationError(`${field} must be a string of at least ${MIN_PEPPER_LENGTH} characters`);
  }
  return pepper;
}

/**
 * Builds the hasher for a keyward instance. Tokens carry ≥ 160 random bits, so a fast hash is
 * safe; a slow password hash would only cost latency on every request.
 * @example createHasher().hash('kw_…') // 43-char base64url string
 * @example createHasher({ current: process.env.KEYWARD_PEPPER!, previous: [oldPepper] })
 * @example createHasher({ current: newPepper, previous: [null] }) // turning a pepper on for existing tokens
 */
export function createHasher(pepper?: string | PepperOptions): TokenHasher {
  if (pepper === undefined) return { hash: sha256Digest(), previousHashes: [] };
  const options = typeof pepper === 'string' ? { current: pepper } : pepper;
  const current = checkPepper(options.current, 'pepper.current');
  const previous = (options.previous ?? []).map((p, i) => (p === null ? sha256Digest() : hmacDigest(checkPepper(p, `pepper.previous[${i}]`))));
  return { hash: hmacDigest(current), previousHashes: previous };
}
