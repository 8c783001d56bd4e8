import type { TokenStore } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';
import { describeTokenStore } from '@keyward/store-tests';
import { tempDatabase, type TempDatabase } from './temp-db.js';

const files = new Map<TokenStore, TempDatabase>();

describeTokenStore(
  'sqliteStore (file on disk)',
  () => {
    const file = tempDatabase();
    const store = sqliteStore({ db: file.open() });
    files.set(store, file);
    return store;
  },
  {
    cleanup(store) {
      files.get(store)?.remove();
      files.delete(store);
    },
  },
);
