// A second OS process for multi-process.test.ts. Runs under `node --import tsx` and imports the
// store from source, so the test needs no build. Answers each request over IPC as soon as it is done.
import { createKeyward, KeywardError, type Actor } from '@keyward/core';
import pg from 'pg';
import { announceReady, serveRequests } from '@keyward/test-kit/ipc-worker';
import { postgresStore } from '../src/index.js';

export type WorkerRequest =
  | { id: number; type: 'create'; names: string[] }
  | { id: number; type: 'createMany'; count: number }
  | { id: number; type: 'delete'; tokenId: string }
  | { id: number; type: 'verify'; plaintext: string };

const [database, tablePrefix] = process.argv.slice(2) as [string, string];
const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database, max: 10, connectionTimeoutMillis: 5000 });
pool.on('error', () => {});
const keyward = createKeyward({ store: postgresStore({ pool, tablePrefix }), resolveProject: () => null, onError: () => {} });
const actor: Actor = { userId: `user_${process.pid}`, organizationId: 'org_mp', role: 'owner' };
const scope = { kind: 'organization' } as const;

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.type) {
    case 'create': {
      const outcomes = await Promise.allSettled(request.names.map((name) => keyward.create(actor, { name, scope, expiresIn: '30d' })));
      return outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : o.reason instanceof KeywardError ? o.reason.code : String(o.reason)));
    }
    case 'createMany': {
      // Ten at a time: quick, and still one insert per token.
      const created: Array<{ plaintext: string; id: string }> = [];
      for (let i = 0; i < request.count; i += 10) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(10, request.count - i) }, (_, j) => keyward.create(actor, { name: `bulk ${i + j}`, scope, expiresIn: 'never' })),
        );
        created.push(...batch.map(({ plaintext, token }) => ({ plaintext, id: token.id })));
      }
      return created;
    }
    case 'delete':
      await keyward.delete(actor, request.tokenId);
      return null;
    case 'verify': {
      const result = await keyward.verify(request.plaintext);
      return result.ok ? 'ok' : result.code;
    }
  }
}

serveRequests(handle);

process.on('disconnect', () => {
  keyward
    .close()
    .then(() => pool.end())
    .finally(() => process.exit(0));
});

announceReady();
