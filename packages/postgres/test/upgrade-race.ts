// Two OS processes opening one old database at once, for the upgrade tests of each fixture
// (upgrade.test.ts, upgrade-v2.test.ts): both must queue on the migration lock, one migrates and
// the other applies nothing, and both answer.
import { fileURLToPath } from 'node:url';
import { startWorker } from '@keyward/test-kit/ipc-worker';
import type { KeywardWorkerRequest } from '@keyward/test-kit/keyward-worker';
import type pg from 'pg';
import type { TestDatabase } from './database.js';

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));

// The store's migration lock for the default location (see migrate.ts).
const LOCK: unknown[] = [0x6b77, 'public.keyward_'];

/** The versions recorded at the default location. */
export async function versions(pool: pg.Pool): Promise<number[]> {
  return (await pool.query<{ version: number }>('SELECT version FROM public.keyward_schema_migrations ORDER BY version')).rows.map((r) => r.version);
}

export interface UpgradeRace {
  /** How many processes were seen queued on the migration lock (2 when the overlap happened). */
  waiting: number;
  /** The versions while both waited: the fixture's own. */
  versionsWhileWaiting: number[];
  /** Each process's answer to verifying each plaintext, process A's first. */
  answers: string[];
  versionsAfter: number[];
}

/**
 * Starts two worker processes on `database` (default location) while holding the store's
 * migration lock, so that both read the old version and queue on the lock: the overlap made
 * certain rather than likely. Once both wait, it lets go, and collects what each answered to
 * verifying every plaintext (their first requests, which migrate).
 */
export async function raceTwoProcesses(database: TestDatabase, plaintexts: readonly string[]): Promise<UpgradeRace> {
  const pool = database.pool({ max: 2 });
  const holder = await pool.connect();
  const workers = [0, 1].map(() => startWorker<KeywardWorkerRequest>(workerPath, [database.name, 'keyward_']));
  try {
    await Promise.all(workers.map((w) => w.ready));
    await holder.query('SELECT pg_advisory_lock($1, hashtext($2))', LOCK);
    const answers = Promise.all(workers.flatMap((worker) => plaintexts.map((plaintext) => worker.request<string>({ type: 'verify', plaintext }))));
    let waiting = 0;
    for (let i = 0; i < 500 && waiting < 2; i++) {
      const { rows } = await pool.query<{ n: number }>(
        "SELECT count(DISTINCT pid)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
      );
      waiting = rows[0]!.n;
      if (waiting < 2) await new Promise((r) => setTimeout(r, 10));
    }
    const versionsWhileWaiting = await versions(pool);
    await holder.query('SELECT pg_advisory_unlock($1, hashtext($2))', LOCK);
    return { waiting, versionsWhileWaiting, answers: await answers, versionsAfter: await versions(pool) };
  } finally {
    holder.release();
    await Promise.all(workers.map((w) => w.stop()));
  }
}
