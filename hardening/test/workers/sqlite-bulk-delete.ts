// Child for crash-sqlite.test.ts: opens the SQLite file given as argv[2] and, when told `go`,
// bulk-deletes the given ids through keyward. The test SIGKILLs it at a random moment.
import Database from 'better-sqlite3';
import { createKeyward, type Actor } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';

const db = new Database(process.argv[2]!);
const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject: () => null, onError: () => {} });
const actor = JSON.parse(process.argv[3]!) as Actor;

process.on('message', (message: { id: number; type: 'go'; ids: string[] }) => {
  if (message.type !== 'go') return;
  // Sent before the delete starts: the delete itself is one synchronous SQLite transaction.
  process.send!({ event: 'started' });
  const started = performance.now();
  keyward.deleteMany(actor, message.ids).then(
    ({ deleted }) => process.send!({ id: message.id, result: { deleted, ms: performance.now() - started } }),
    (error: unknown) => process.send!({ id: message.id, error: String(error) }),
  );
});
process.on('disconnect', () => {
  db.close();
  process.exit(0);
});
process.send!({ event: 'ready' });
