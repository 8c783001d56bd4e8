// The store conformance suite, from the packed @keyward/store-tests, on the better-sqlite3 version
// this scratch project installed (a file per test, WAL as in production), on the Node running it.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TokenStore } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';
import { describeTokenStore } from '@keyward/store-tests';
import Database from 'better-sqlite3';

const { version } = createRequire(import.meta.url)('better-sqlite3/package.json') as { version: string };
const opened = new Map<TokenStore, { db: Database.Database; dir: string }>();

describeTokenStore(
  `sqliteStore on better-sqlite3 ${version}, Node ${process.versions.node}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-peer-sqlite-'));
    let db: Database.Database;
    try {
      db = new Database(join(dir, 'tokens.db'));
    } catch (error) {
      // A binary that does not load (built for another Node) fails every test: leave no folder behind.
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    const store = sqliteStore({ db });
    opened.set(store, { db, dir });
    return store;
  },
  {
    // Every contract v3 part the store carries, so the packed store's whole record is what is checked.
    parts: ['limits', 'rateLimiter', 'audit', 'usage'],
    breakStore: (store) => void opened.get(store)!.db.close(),
    cleanup: (store) => {
      const { db, dir } = opened.get(store)!;
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
      opened.delete(store);
    },
  },
);
