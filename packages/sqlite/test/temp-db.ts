import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** A fresh SQLite file in its own temp directory; `remove()` closes every handle opened on it and deletes the directory. */
export interface TempDatabase {
  path: string;
  /** Opens another handle on the same file; closed by `remove()`. */
  open(options?: Database.Options): Database.Database;
  remove(): void;
}

export function tempDatabase(): TempDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-sqlite-'));
  const path = join(dir, 'tokens.db');
  const handles: Database.Database[] = [];
  return {
    path,
    open(options) {
      const db = new Database(path, options);
      handles.push(db);
      return db;
    },
    remove() {
      for (const db of handles) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
