// Verify on the SQLite built into the runtime (bun:sqlite on Bun, node:sqlite on Node 22+ and Deno),
// beside its floor: SHA-256 as core computes it on this runtime + the very SELECT keyward prepares,
// through the same driver, on the same file. Bundled and run by sections/sqlite-drivers.ts on each
// runtime; prints one JSON line. argv[2]: the PairOptions as JSON.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyward, type VerifyResult } from '@keyward/core';
import { sqliteStore, type SqliteDatabase } from '@keyward/sqlite';
import { createHasher } from '../../../packages/core/src/hash.js';
import { LOOKUP_COLUMNS } from '../../../packages/sqlite/src/rows.js';
import { fill, shuffle } from '../lib/fixtures.js';
import { expectOk, pair, type PairOptions } from '../lib/measure.js';

declare const Bun: { version: string } | undefined;
declare const Deno: { version: { deno: string } } | undefined;

const timing = JSON.parse(process.argv[2] ?? '{"rounds":5,"roundMs":100}') as PairOptions;
const COUNT = 1000;
const SELECT = `SELECT ${LOOKUP_COLUMNS.join(', ')} FROM keyward_tokens WHERE hash = ? OR previous_hash = ?`;

type Values = (hash: string) => unknown;

async function open(path: string): Promise<{ driver: string; runtime: string; db: SqliteDatabase; values: () => Values; begin: () => void; commit: () => void; close: () => void }> {
  if (typeof Bun !== 'undefined') {
    const { Database } = (await import('bun:sqlite' as string)) as { Database: new (path: string) => SqliteDatabase & { query(sql: string): { values(...p: unknown[]): unknown[][] }; exec(sql: string): void; close(): void } };
    const db = new Database(path);
    return {
      driver: 'bun:sqlite',
      runtime: `Bun ${Bun.version}`,
      db,
      values: () => {
        const statement = db.query(SELECT);
        return (h) => statement.values(h, h)[0];
      },
      begin: () => db.exec('BEGIN'),
      commit: () => db.exec('COMMIT'),
      close: () => db.close(),
    };
  }
  const { DatabaseSync } = (await import('node:sqlite' as string)) as { DatabaseSync: new (path: string) => { prepare(sql: string): { get(...p: unknown[]): unknown; setReturnArrays?(on: boolean): void }; exec(sql: string): void; close(): void } };
  const db = new DatabaseSync(path);
  return {
    driver: 'node:sqlite',
    runtime: typeof Deno !== 'undefined' ? `Deno ${Deno.version.deno}` : `Node ${process.version}`,
    db: db as unknown as SqliteDatabase,
    values: () => {
      const statement = db.prepare(SELECT);
      statement.setReturnArrays?.(true);
      return (h) => statement.get(h, h);
    },
    begin: () => db.exec('BEGIN'),
    commit: () => db.exec('COMMIT'),
    close: () => db.close(),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-driver-'));
try {
  const handle = await open(join(dir, 'verify.db'));
  const store = sqliteStore({ db: handle.db });
  const tokens = shuffle(
    await fill(store, COUNT, COUNT, {
      batch: (run) => {
        handle.begin();
        run();
        handle.commit();
      },
    }),
  );
  const keyward = createKeyward({ store, resolveProject: () => null, onError: (error) => console.error('[bench]', error) });
  for (const token of tokens) expectOk((await keyward.verify(token)).ok, 'warm-up verify');
  await keyward.flush();

  const n = tokens.length;
  const sha256 = createHasher().hash;
  const select = handle.values();
  const floor = (ops: number) => {
    let ok = 0;
    for (let i = 0; i < ops; i++) if (select(sha256(tokens[i % n]!)) !== undefined) ok++;
    expectOk(ok === ops, 'the floor finds every fixture token');
  };
  const check = await pair(
    floor,
    (ops: number) => {
      let ok = 0;
      for (let i = 0; i < ops; i++) if ((keyward.check(tokens[i % n]!) as VerifyResult).ok) ok++;
      expectOk(ok === ops, 'check() accepts every fixture token');
    },
    timing,
  );
  const verify = await pair(
    floor,
    async (ops: number) => {
      let ok = 0;
      for (let i = 0; i < ops; i++) if ((await keyward.verify(tokens[i % n]!)).ok) ok++;
      expectOk(ok === ops, 'verify() accepts every fixture token');
    },
    timing,
  );
  await keyward.close();
  handle.close();
  console.log(JSON.stringify({ driver: handle.driver, runtime: handle.runtime, check, verify }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
