// A second OS process for multi-process.test.ts. Runs under `node --import tsx` and imports the
// store from source, so the test needs no build. Answers one request at a time over IPC.
import Database from 'better-sqlite3';
import { announceReady, serveRequests } from '@keyward/test-kit/ipc-worker';
import { createKeyward, KeywardError, type Actor } from '@keyward/core';
import { sqliteStore } from '../src/index.js';

export type WorkerRequest =
  | { id: number; type: 'create'; names: string[] }
  | { id: number; type: 'createMany'; count: number }
  | { id: number; type: 'delete'; tokenId: string }
  | { id: number; type: 'verify'; plaintext: string };

const path = process.argv[2]!;
const db = new Database(path);
// Durability on power loss is not under test here; NORMAL keeps 2000 commits quick.
db.pragma('synchronous = NORMAL');
const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject: () => null, onError: () => {} });
const actor: Actor = { userId: `user_${process.pid}`, organizationId: 'org_mp', role: 'owner' };
const scope = { kind: 'organization' } as const;

async function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.type) {
    case 'create': {
      const outcomes = await Promise.allSettled(request.names.map((name) => keyward.create(actor, { name, scope, expiresIn: '30d' })));
      return outcomes.map((o) => (o.status === 'fulfilled' ? 'ok' : o.reason instanceof KeywardError ? o.reason.code : String(o.reason)));
    }
    case 'createMany': {
      const created = [];
      for (let i = 0; i < request.count; i++) {
        const { plaintext, token } = await keyward.create(actor, { name: `bulk ${i}`, scope, expiresIn: 'never' });
        created.push({ plaintext, id: token.id });
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
  keyward.close().finally(() => {
    db.close();
    process.exit(0);
  });
});

announceReady();
