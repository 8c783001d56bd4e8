/** A digest of one token: base64url, the form keyward stores and looks up. */
export type Digest = (token: string) => string;

/**
 * What `createHasher` needs from a SHA-256 implementation. Two modules provide one: `node.ts`
 * (node:crypto only) and `portable.ts` (node:crypto when the runtime has it, else @noble/hashes);
 * the package's `#hash-backend` import conditions pick one per runtime.
 */
export interface HashBackend {
  readonly name: 'node:crypto' | '@noble/hashes';
  /** base64url SHA-256 of the token. */
  readonly sha256: Digest;
  /** base64url HMAC-SHA-256 of the token, keyed with `pepper`. */
  hmacSha256(pepper: string): Digest;
}
