// A second OS process for multi-process.test.ts. Runs under `node --import tsx` and imports the
// store from source, so the test needs no build.
import { createKeyward } from '@keyward/core';
import { serveKeyward } from '@keyward/test-kit/keyward-worker';
import pg from 'pg';
import { postgresStore } from '../src/index.js';

const [database, tablePrefix] = process.argv.slice(2) as [string, string];
const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, user: 'postgres', database, max: 10, connectionTimeoutMillis: 30_000 }); // queued queries wait for a free connection: long on a loaded machine
pool.on('error', () => {});
serveKeyward(createKeyward({ store: postgresStore({ pool, tablePrefix }), resolveProject: () => null, onError: () => {} }), () => pool.end());
