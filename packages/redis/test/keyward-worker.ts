// A second OS process for credits-multi-process.test.ts: a keyward on a Redis store (standalone or
// Cluster) served over IPC by test-kit's serveKeyward, the same child the SQLite and PostgreSQL
// two-process tests use. Runs under `node --import tsx` and imports the store from source.
import { createKeyward } from '@keyward/core';
import { serveKeyward } from '@keyward/test-kit/keyward-worker';
import { Cluster, Redis } from 'ioredis';
import { redisStore } from '../src/index.js';

// `target`: a port (a single server) or the Cluster's startup nodes as JSON.
const [target, keyPrefix] = process.argv.slice(2) as [string, string];
const options = { host: '127.0.0.1', maxRetriesPerRequest: 1, commandTimeout: 10_000 };
const client = target.startsWith('[') ? new Cluster(JSON.parse(target) as Array<{ host: string; port: number }>, { redisOptions: options }) : new Redis({ ...options, port: Number(target) });
// The test cluster has no replicas: nothing to wait for.
serveKeyward(createKeyward({ store: redisStore({ client, keyPrefix, durability: false }), resolveProject: () => null, onError: () => {} }), () => client.quit());
