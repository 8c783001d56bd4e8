// Child for last-used-crash.test.ts: verifies tokens through keyward on the SQLite file given as
// argv[2], with the default last-used settings (at most one write per token per 60 s, batched
// 1 s). `use` answers with when each verification ran; `use-then-crash` SIGKILLs this process in
// the same tick as its last verification, as a crash right after those requests would.
import Database from 'better-sqlite3';
import { createKeyward } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';

const db = new Database(process.argv[2]!);
const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject: () => null, onError: (error) => process.send!({ event: 'error', message: String(error) }) });

process.on('message', async (message: { id: number; type: 'use' | 'use-then-crash'; plaintexts: string[] }) => {
  const used: Array<{ from: number; to: number; ok: boolean }> = [];
  for (const plaintext of message.plaintexts) {
    const from = Date.now();
    const { ok } = await keyward.verify(plaintext);
    used.push({ from, to: Date.now(), ok });
  }
  if (message.type === 'use-then-crash') process.kill(process.pid, 'SIGKILL');
  process.send!({ id: message.id, result: used });
});
process.on('disconnect', () => {
  void keyward.close().finally(() => {
    db.close();
    process.exit(0);
  });
});
process.send!({ event: 'ready' });
