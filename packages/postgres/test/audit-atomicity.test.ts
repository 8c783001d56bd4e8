// An action and its audit entry are one: the store is stopped between the two (the entry's INSERT
// made to fail by a trigger, or its connection killed while the entry is being written) and each
// management action is found to have written neither the change nor the entry.
import { StoreUnavailableError, type AuditDraft, type TokenRecord } from '@keyward/core';
import { postgresStore } from '@keyward/postgres';
import { makeDraft, makeHash, makeRecord, useLimitFields } from '@keyward/store-tests';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestDatabase, randomPrefix, type TestDatabase } from './database.js';

// The store carries contract v3's limits: every read returns the limit fields, so records made here carry them too.
useLimitFields(true);

let database: TestDatabase;
let admin: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase();
  admin = database.pool({ max: 2 });
});

afterAll(async () => {
  await database?.drop();
});

type Store = ReturnType<typeof postgresStore>;

/** One management action with a draft, on `record` (inserted first, except for `insert`). */
interface Action {
  name: string;
  /** The record the action works on; `insert` inserts it, every other action finds it in place. */
  record: () => TokenRecord;
  run: (store: Store, record: TokenRecord, draft: AuditDraft) => Promise<unknown>;
}

const ACTIONS: Action[] = [
  { name: 'insert', record: () => makeRecord(), run: (s, r, d) => s.insert(r, d) },
  { name: 'update (rename)', record: () => makeRecord(), run: (s, r, d) => s.update(r.organizationId, r.id, { name: 'Renamed', nameKey: 'renamed' }, d) },
  { name: 'update (pause)', record: () => makeRecord(), run: (s, r, d) => s.update(r.organizationId, r.id, { enabled: false }, d) },
  { name: 'update (credits)', record: () => makeRecord(), run: (s, r, d) => s.update(r.organizationId, r.id, { remaining: 5 }, d) },
  { name: 'roll', record: () => makeRecord(), run: (s, r, d) => s.roll(r.organizationId, r.id, { hash: makeHash(), hint: 'kw_roll', previousExpiresAt: null }, d) },
  { name: 'deleteMany', record: () => makeRecord(), run: (s, r, d) => s.deleteMany(r.organizationId, [r.id], d) },
  { name: 'deleteByProject', record: () => makeRecord({ scope: { kind: 'project', projectId: 'proj_gone' } }), run: (s, r, d) => s.deleteByProject('proj_gone', d) },
  { name: 'deleteExpired', record: () => makeRecord({ expiresAt: 1000 }), run: (s, _r, d) => s.deleteExpired(2000, d) },
];

/** A store at a fresh location, migrated, with `record` in place unless the action inserts it. */
async function setUp(action: Action): Promise<{ store: Store; pool: pg.Pool; tablePrefix: string; record: TokenRecord }> {
  const tablePrefix = randomPrefix();
  const pool = database.pool({ max: 2 });
  const store = postgresStore({ pool, tablePrefix });
  const record = action.record();
  if (action.name === 'insert') await store.findByHash('x');
  else expect(await store.insert(record)).toBe('ok');
  return { store, pool, tablePrefix, record };
}

/** What the database holds now of the token (as a row, or null) and of its audit entries. */
async function stateOf(tablePrefix: string, record: TokenRecord): Promise<{ token: unknown; entries: number }> {
  const { rows } = await admin.query(`SELECT name, hash, enabled, remaining FROM "public"."${tablePrefix}tokens" WHERE id = $1`, [record.id]);
  const entries = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM "public"."${tablePrefix}audit" WHERE token_id = $1`, [record.id]);
  return { token: rows[0] ?? null, entries: entries.rows[0]!.n };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => new Error(`resolved ${JSON.stringify(value)} instead of throwing`),
    (error: unknown) => error,
  );
}

/** Adds a BEFORE INSERT trigger on the location's audit table running `body` (plpgsql). */
async function onAuditInsert(tablePrefix: string, body: string): Promise<void> {
  await admin.query(`CREATE FUNCTION "public"."${tablePrefix}stop_audit"() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN ${body} RETURN NEW; END $fn$;
    CREATE TRIGGER "${tablePrefix}stop_audit" BEFORE INSERT ON "public"."${tablePrefix}audit" FOR EACH ROW EXECUTE FUNCTION "public"."${tablePrefix}stop_audit"()`);
}

describe('an action and its audit entry are stored together or not at all', () => {
  for (const action of ACTIONS) {
    test(`${action.name}: the entry's INSERT fails, and the action is not stored either`, async () => {
      const { store, pool, tablePrefix, record } = await setUp(action);
      const before = await stateOf(tablePrefix, record);
      await onAuditInsert(tablePrefix, `RAISE EXCEPTION 'audit write refused by the test';`);
      const error = await rejection(action.run(store, record, makeDraft()));
      expect((error as Error).message).toContain('audit write refused by the test');
      expect(await stateOf(tablePrefix, record)).toEqual(before);
      await pool.end();
    });

    test(`${action.name}: the connection is killed while the entry is written; the call fails closed and neither is stored`, async () => {
      const { store, pool, tablePrefix, record } = await setUp(action);
      const before = await stateOf(tablePrefix, record);
      await onAuditInsert(tablePrefix, 'PERFORM pg_sleep(30);');
      const running = rejection(action.run(store, record, makeDraft()));
      // The action's statement has done its write and sits in the entry's trigger: end its backend
      // there. (Found by its wait alone: pg_stat_activity cuts long statement texts, and the tests of
      // this file run one at a time in their own database.)
      let killed = 0;
      for (let i = 0; i < 500 && killed === 0; i++) {
        const { rows } = await admin.query<{ n: number }>(
          `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'`,
        );
        killed = rows[0]!.n;
        if (killed === 0) await new Promise((r) => setTimeout(r, 10));
      }
      expect(killed).toBe(1);
      expect(await running).toBeInstanceOf(StoreUnavailableError);
      expect(await stateOf(tablePrefix, record)).toEqual(before);
      await pool.end();
    });
  }

  test('without a stop, each action stores its change and exactly one entry for the token', async () => {
    for (const action of ACTIONS) {
      const { store, pool, tablePrefix, record } = await setUp(action);
      const before = await stateOf(tablePrefix, record);
      await action.run(store, record, makeDraft());
      const after = await stateOf(tablePrefix, record);
      expect(after.token, action.name).not.toEqual(before.token);
      expect(after.entries, action.name).toBe(1);
      await pool.end();
    }
  });
});
