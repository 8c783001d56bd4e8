// A second OS process for multi-process.test.ts. Runs under `node --import tsx` and imports the
// store from source, so the test needs no build.
import Database from 'better-sqlite3';
import { createKeyward } from '@keyward/core';
import { serveKeyward } from '@keyward/test-kit/keyward-worker';
import { sqliteStore } from '../src/index.js';

const db = new Database(process.argv[2]!);
// Durability on power loss is not under test here; NORMAL keeps 2000 commits quick.
db.pragma('synchronous = NORMAL');
serveKeyward(createKeyward({ store: sqliteStore({ db }), resolveProject: () => null, onError: () => {} }), () => db.close());
