import { ConfigurationError } from './errors.js';
import type { Digest } from './hash-backend/backend.js';
// The sources always use the portable backend. In the built package this import becomes
// `#hash-backend` (tsup.config.ts), which the package.json `imports` conditions resolve per
// runtime: node:crypto only on Node, Bun and Deno, so @noble/hashes is never loaded there.
import { backend } from './hash-backend/portable.js';

/**
 * Which SHA-256 implementation this runtime uses: `node:crypto` when present, else
 * `@noble/hashes` (workerd without nodejs_compat, browsers, edge runtimes).
 */
export const hashBackend: 'node:crypto' | '@noble/hashes' = backend.name;

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
  if (pepper === undefined) return { hash: backend.sha256, previousHashes: [] };
  const options = typeof pepper === 'string' ? { current: pepper } : pepper;
  const current = checkPepper(options.current, 'pepper.current');
  const previous = (options.previous ?? []).map((p, i) => (p === null ? backend.sha256 : backend.hmacSha256(checkPepper(p, `pepper.previous[${i}]`))));
  return { hash: backend.hmacSha256(current), previousHashes: previous };
}
