// The backend every other runtime gets (workerd, edge, browsers, and any resolver without the
// `node` condition), and the one the TypeScript sources use: node:crypto when the runtime has it,
// else @noble/hashes.
import type { HashBackend } from './backend.js';
import { nobleBackend } from './noble.js';
import { nodeCryptoBackend } from './node-crypto.js';

type NodeCrypto = typeof import('node:crypto');

// process.getBuiltinModule is synchronous and exists in both ESM and CJS on Node ≥ 20.16, Bun,
// Deno and workerd with nodejs_compat. Where it is missing (browsers, edge runtimes) we fall back
// to @noble/hashes.
const nodeCrypto: NodeCrypto | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
  } catch {
    return undefined;
  }
})();

export const backend: HashBackend = nodeCrypto ? nodeCryptoBackend(nodeCrypto) : nobleBackend;
