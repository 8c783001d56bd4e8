import type { TokenStore } from '@keyward/core';
import type Database from 'better-sqlite3';
import { sqliteStore } from '@keyward/sqlite';
import { describeTokenStore } from '@keyward/store-tests';
import { tempDatabase, type TempDatabase } from './temp-db.js';

const files = new Map<TokenStore, TempDatabase>();
const handles = new Map<TokenStore, Database.Database>();

describeTokenStore(
  'sqliteStore (file on disk)',
  () => {
    const file = tempDatabase();
    const db = file.open();
    const store = sqliteStore({ db });
    files.set(store, file);
    handles.set(store, db);
    return store;
  },
  {
    parts: ['limits', 'rateLimiter', 'audit', 'usage'],
    // The host closing the handle under a running store: every call must fail closed.
    breakStore: (store) => void handles.get(store)!.close(),
    cleanup(store) {
      handles.delete(store);
      files.get(store)?.remove();
      files.delete(store);
    },
  },
);
