// A child process for audit-atomicity.test.ts: `audit-stop-child.ts <file> <action> <record json>`.
// Runs one management action on the SQLite store with a trigger on the audit table that SIGKILLs
// this process from inside the entry's INSERT: the action's own statement has run, its entry is
// being written, and the process is gone before the transaction can commit or roll back.
import Database from 'better-sqlite3';
import { makeDraft } from '@keyward/store-tests';
import { sqliteStore } from '../src/index.js';
import { auditedAction } from './audited-actions.js';

const [file, name, json] = process.argv.slice(2) as [string, string, string];
const db = new Database(file);
const store = sqliteStore({ db });
await store.findByHash('x');
db.function('keyward_test_stop', () => process.kill(process.pid, 'SIGKILL'));
// TEMP: the trigger lives on this connection only, so the file the test inspects holds none.
db.exec(`CREATE TEMP TRIGGER stop_audit BEFORE INSERT ON main.keyward_audit BEGIN SELECT keyward_test_stop(); END`);
await auditedAction(name).run(store, JSON.parse(json), makeDraft());
// Reaching this line means the trigger never ran: the test sees exit code 3.
process.exit(3);
