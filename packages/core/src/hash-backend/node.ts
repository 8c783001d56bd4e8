// The backend Node, Bun and Deno get (the `node` condition of `#hash-backend`): node:crypto only,
// so @noble/hashes is never loaded there.
import * as crypto from 'node:crypto';
import { nodeCryptoBackend } from './node-crypto.js';

export const backend = nodeCryptoBackend(crypto);
