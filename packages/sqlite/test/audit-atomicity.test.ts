// An action and its audit entry are one: the store is stopped between the two — the entry's
// INSERT made to fail by a trigger, or the process SIGKILLed from inside that INSERT — and each
// management action is found to have stored neither the change nor the entry.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { TokenRecord } from '@keyward/core';
import { makeDraft, useLimitFields } from '@keyward/store-tests';
import { afterEach, describe, expect, test } from 'vitest';
import { sqliteStore } from '../src/index.js';
import { AUDITED_ACTIONS, type AuditedAction } from './audited-actions.js';
import { tempDatabase, type TempDatabase } from './temp-db.js';

// The store carries contract v3's limits: every read returns the limit fields, so records made here carry them too.
useLimitFields(true);

const child = fileURLToPath(new URL('./audit-stop-child.ts', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');
const tsconfig = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));

let file: TempDatabase | undefined;
afterEach(() => {
  file?.remove();
  file = undefined;
});

/** A fresh file with the schema, and `record` in place unless the action inserts it. */
async function setUp(action: AuditedAction): Promise<{ file: TempDatabase; record: TokenRecord }> {
  file = tempDatabase();
  const db = file.open();
  const store = sqliteStore({ db });
  const record = action.record();
  if (action.name === 'insert') await store.findByHash('x');
  else expect(await store.insert(record)).toBe('ok');
  return { file, record };
}

/** What the file holds now of the token (its row, or null) and of its audit entries. */
function stateOf(file: TempDatabase, record: TokenRecord): { token: unknown; entries: number } {
  const db = file.open({ readonly: true });
  try {
    const token = db.prepare('SELECT name, hash, enabled, remaining FROM keyward_tokens WHERE id = ?').get(record.id) ?? null;
    const entries = db.prepare('SELECT count(*) FROM keyward_audit WHERE token_id = ?').pluck().get(record.id) as number;
    return { token, entries };
  } finally {
    db.close();
  }
}

describe('SQLite: an action and its audit entry are stored together or not at all', () => {
  for (const action of AUDITED_ACTIONS) {
    test(`${action.name}: the entry's INSERT fails, and the action is not stored either`, async () => {
      const { file, record } = await setUp(action);
      const before = stateOf(file, record);
      const db = file.open();
      const store = sqliteStore({ db });
      db.exec(`CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON main.keyward_audit BEGIN SELECT RAISE(ABORT, 'audit write refused by the test'); END`);
      await expect(action.run(store, record, makeDraft())).rejects.toThrow(/audit write refused by the test/);
      expect(stateOf(file, record)).toEqual(before);
    });

    test(`${action.name}: the process is SIGKILLed inside the entry's INSERT; the file holds neither`, async () => {
      const { file, record } = await setUp(action);
      const before = stateOf(file, record);
      const stopped = fork(child, [file.path, action.name, JSON.stringify(record)], {
        execArgv: ['--import', tsx],
        env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const [code, signal] = (await once(stopped, 'exit')) as [number | null, NodeJS.Signals | null];
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
      expect(stateOf(file, record)).toEqual(before);
    });
  }

  test('without a stop, each action stores its change and exactly one entry for the token', async () => {
    for (const action of AUDITED_ACTIONS) {
      const { file, record } = await setUp(action);
      const before = stateOf(file, record);
      const db = file.open();
      await action.run(sqliteStore({ db }), record, makeDraft());
      const after = stateOf(file, record);
      expect(after.token, action.name).not.toEqual(before.token);
      expect(after.entries, action.name).toBe(1);
      file.remove();
    }
  });
});
