// The Worker the D1 bench section drives (bundled and run in Miniflare by sections/d1.ts): it holds
// 1 000 tokens in a D1 store and answers `/verify?ops=N` and `/floor?ops=N`, each N operations with
// CONCURRENCY in flight, so that Node times both sides the same way, request included.
import { createHash } from 'node:crypto';
import { createKeyward, type Keyward } from '@keyward/core';
import { d1Store, type D1DatabaseLike } from '@keyward/d1';
import { d1Sql } from '../../../packages/d1/src/statements.js';

const CONCURRENCY = 16;
const FIND_BY_HASH = d1Sql('keyward_').findByHash;

let keyward: Keyward | undefined;
let tokens: string[] = [];

async function concurrently(ops: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const loop = async () => {
    while (next < ops) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ops) }, loop));
}

async function setup(db: D1DatabaseLike, count: number): Promise<void> {
  keyward = createKeyward({ store: d1Store({ db }), resolveProject: () => null, onError: (error) => console.error('[bench]', error) });
  const admin = { userId: 'u_bench', organizationId: 'org_bench', role: 'owner' } as const;
  tokens = [];
  for (let i = 0; i < count; i++) {
    const { plaintext } = await keyward.create(admin, { name: `bench ${i}`, scope: { kind: 'organization' }, expiresIn: 'never' });
    tokens.push(plaintext);
  }
  // Steady state: every token used once and its last use written.
  for (const token of tokens) if (!(await keyward.verify(token)).ok) throw new Error('warm-up verify refused a fixture token');
  await keyward.flush();
}

export default {
  async fetch(request: Request, env: { DB: D1DatabaseLike }): Promise<Response> {
    const url = new URL(request.url);
    const ops = Number(url.searchParams.get('ops') ?? 0);
    const n = tokens.length;
    if (url.pathname === '/setup') await setup(env.DB, Number(url.searchParams.get('count')));
    else if (url.pathname === '/verify') {
      await concurrently(ops, async (i) => {
        if (!(await keyward!.verify(tokens[i % n]!)).ok) throw new Error('verify() refused a fixture token');
      });
    } else if (url.pathname === '/floor') {
      // What any verification on D1 must do: SHA-256 of the token (node:crypto, as core uses it
      // with nodejs_compat), then keyward's own prepared SELECT through the same binding.
      await concurrently(ops, async (i) => {
        const hash = createHash('sha256').update(tokens[i % n]!).digest('base64url');
        const rows = await env.DB.prepare(FIND_BY_HASH).bind(hash).raw();
        if (rows.length !== 1) throw new Error('the floor missed a fixture token');
      });
    } else return new Response('not found', { status: 404 });
    return new Response('ok');
  },
};
