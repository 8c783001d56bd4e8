// A second OS process for unavailable.test.ts, run as another (unprivileged) user: a database file
// the user may read but not write is refused the way the store documents. Prints one JSON line.
import { StoreUnavailableError } from '@keyward/core';
import Database from 'better-sqlite3';
import { sqliteStore } from '../src/index.js';

const [path, hash] = process.argv.slice(2) as [string, string];
const outcome = (run: () => unknown) => {
  try {
    const value = run();
    return { ok: true, value: value === null ? null : typeof value };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { ok: false, unavailable: error instanceof StoreUnavailableError, code: cause?.code ?? (error as { code?: string }).code, message: String(error) };
  }
};
let store: ReturnType<typeof sqliteStore> | undefined;
const open = outcome(() => (store = sqliteStore({ db: new Database(path) })));
const find = store ? outcome(() => store!.findByHash(hash)) : null;
let insert: unknown = null;
if (store) {
  insert = await store.insert({ ...JSON.parse(process.argv[4]!) }).then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, unavailable: error instanceof StoreUnavailableError, code: (error as { cause?: { code?: string } }).cause?.code }),
  );
}
console.log(JSON.stringify({ open, find, insert }));
