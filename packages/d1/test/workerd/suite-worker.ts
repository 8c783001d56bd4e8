// The Worker that runs @keyward/store-tests' conformance suite against d1Store inside workerd, on a
// D1 binding Miniflare provides, plus the D1 store's own tests (d1-specific.ts). The report is the
// answer to any request.
import { d1Store, type D1DatabaseLike } from '@keyward/d1';
import type { TokenStore } from '@keyward/core';
import { describeTokenStore } from '@keyward/store-tests';
// The runner behind the `vitest` alias (see examples/runtime-matrix/src/bundle.ts).
import { run } from '../../../../examples/runtime-matrix/src/mini-vitest.js';
import { breakable } from './broken-binding.js';
import { describeD1Specifics, type Env } from './d1-specific.js';
import { dropTables } from './tables.js';

let declared = false;

function declare(env: Env): void {
  const bindings = new Map<TokenStore, ReturnType<typeof breakable>>();
  const prefixes = new Map<TokenStore, string>();
  let sequence = 0;
  describeTokenStore(
    'd1Store (workerd, Miniflare D1)',
    () => {
      // A fresh table prefix per test: an empty store on the one database.
      const prefix = `t${++sequence}_`;
      const binding = breakable(env.DB);
      const store = d1Store({ db: binding, tablePrefix: prefix });
      bindings.set(store, binding);
      prefixes.set(store, prefix);
      return store;
    },
    {
      parts: ['limits', 'rateLimiter', 'audit', 'usage'],
      // The connection to D1 dropping under a running store: every call must fail closed.
      breakStore: (store) => bindings.get(store)!.cut(),
      async cleanup(store) {
        await dropTables(env.DB, prefixes.get(store)!);
        bindings.delete(store);
        prefixes.delete(store);
      },
    },
  );
  describeD1Specifics(env);
}

export default {
  async fetch(_request: Request, env: Env): Promise<Response> {
    if (!declared) {
      declare(env);
      declared = true;
    }
    return Response.json(await run());
  },
};
