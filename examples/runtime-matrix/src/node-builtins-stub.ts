// workerd without nodejs_compat has no node: modules. The store conformance suite makes random
// hashes and ids with node:crypto: here they come from core's own SHA-256 (@noble/hashes there)
// and web crypto, real values as the suite needs. The test kit's node:zlib oracle and its fake
// GitHub signer (secret scanning cases, not among the tables run here) are never called: those
// stand-ins throw if anything ever does, so a table cannot pass on a stub.
import { createHasher } from '../../../packages/core/src/hash.js';

function unavailable(name: string): never {
  throw new Error(`${name} is not available in the workerd bundle of the runtime matrix`);
}

const sha256 = createHasher();

/** node:crypto's createHash for what the suite asks: SHA-256 of strings, as base64url. */
export function createHash(algorithm: string) {
  if (algorithm !== 'sha256') unavailable(`node:crypto createHash('${algorithm}')`);
  let input = '';
  const hash = {
    update(data: string) {
      input += data;
      return hash;
    },
    digest(encoding: string) {
      if (encoding !== 'base64url') unavailable(`node:crypto digest('${encoding}')`);
      return sha256.hash(input);
    },
  };
  return hash;
}

export const randomUUID = (): string => crypto.randomUUID();
export const crc32 = (): never => unavailable('node:zlib crc32');
export const generateKeyPairSync = (): never => unavailable('node:crypto generateKeyPairSync');
export const sign = (): never => unavailable('node:crypto sign');
