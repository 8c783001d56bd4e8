// A second OS process for multi-process.test.ts. Runs under `node --import tsx`, imports the store
// from source, and answers requests over IPC, each as soon as it is done (requests may overlap).
import { announceReady, serveRequests } from '@keyward/test-kit/ipc-worker';
import type { TokenRecord } from '@keyward/core';
import { Redis } from 'ioredis';
import { createContext } from '../src/context.js';
import { redisStore } from '../src/index.js';
import { ensureSchema } from '../src/schema.js';

export type WorkerRequest =
  | { id: number; type: 'insert'; records: TokenRecord[] }
  | { id: number; type: 'findByHash'; hash: string }
  | { id: number; type: 'deleteMany'; organizationId: string; ids: string[] }
  | { id: number; type: 'ensureSchema'; keyPrefix: string }
  | { id: number; type: 'listExpiring'; keyPrefix: string; expiresAfter: number; expiresBy: number };

const [port, keyPrefix] = process.argv.slice(2) as [string, string];
const client = new Redis({ host: '127.0.0.1', port: Number(port), maxRetriesPerRequest: 1, commandTimeout: 10_000 });
const store = redisStore({ client, keyPrefix });

function handle(request: WorkerRequest): Promise<unknown> {
  switch (request.type) {
    case 'insert':
      return Promise.all(request.records.map((record) => store.insert(record)));
    case 'findByHash':
      return Promise.resolve(store.findByHash(request.hash));
    case 'deleteMany':
      return store.deleteMany(request.organizationId, request.ids);
    // Under a prefix of the request's own (the schema-upgrade race uses a fresh one per round).
    case 'ensureSchema':
      return ensureSchema(createContext({ client, keyPrefix: request.keyPrefix }));
    case 'listExpiring':
      return redisStore({ client, keyPrefix: request.keyPrefix }).listExpiring({ expiresAfter: request.expiresAfter, expiresBy: request.expiresBy, limit: 100 });
  }
}

serveRequests(handle);
// The parent disconnecting is the signal to leave; the client is ours here, so we close it.
process.on('disconnect', () => void client.quit());
client.once('ready', announceReady);
