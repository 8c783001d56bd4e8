// Opens the store on the file named by argv[2] at the instant argv[3] (epoch ms), so two of these
// started together really race, and says whether its setup succeeded.
import Database from 'better-sqlite3';
import { sqliteStore } from '../src/index.js';

const wait = Number(process.argv[3]) - Date.now();
if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
const db = new Database(process.argv[2]!);
try {
  sqliteStore({ db });
  process.stdout.write('ok');
} catch (error) {
  process.stdout.write(`failed: ${(error as Error).message}`);
} finally {
  db.close();
}
