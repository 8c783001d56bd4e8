// SQLite file replaced or deleted under a running process. SQLite keeps using the file it opened
// (the old inode) through its handle, so a restore from backup (a new file renamed over the path)
// or a deletion would go unnoticed: a token deleted in the restored file would keep verifying in
// the old process. The store must notice and fail closed (StoreUnavailableError, 503) until the
// host reopens the database: writes at once, reads within the store's documented check interval.
import { mkdtempSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyward, StoreUnavailableError, type Actor, type Keyward } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, test } from 'vitest';
import { sleep } from '@keyward/test-kit/net';

// The store's documented bound for reads (packages/sqlite/README.md, "Replaced or deleted file").
const READ_BOUND_MS = 500;
const owner: Actor = { userId: 'u_restore', organizationId: 'org_restore', role: 'owner' };

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-hardening-replaced-'));
  const file = join(dir, 'app.db');
  const db = new Database(file);
  const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject: () => null, onError: () => {} });
  cleanups.push(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const revoked = await keyward.create(owner, { name: 'revoked in the backup', scope: { kind: 'organization' }, expiresIn: '30d' });
  const kept = await keyward.create(owner, { name: 'kept', scope: { kind: 'organization' }, expiresIn: '30d' });
  expect((await keyward.verify(revoked.plaintext)).ok).toBe(true);
  return { dir, file, db, keyward, revoked, kept };
}

/** How the old process answers `plaintext`: 'ok', a refusal code, or 'unavailable'. */
async function answer(keyward: Keyward, plaintext: string): Promise<string> {
  try {
    const result = await keyward.verify(plaintext);
    return result.ok ? 'ok' : result.code;
  } catch (error) {
    if (error instanceof StoreUnavailableError) return 'unavailable';
    throw error;
  }
}

/** Polls every 10 ms for up to `limitMs`; returns the answers seen and when 'unavailable' first came (ms, or -1). */
async function watch(keyward: Keyward, plaintext: string, limitMs: number): Promise<{ answers: Record<string, number>; refusedAfterMs: number }> {
  const start = performance.now();
  const answers: Record<string, number> = {};
  let refusedAfterMs = -1;
  while (performance.now() - start < limitMs) {
    const seen = await answer(keyward, plaintext);
    answers[seen] = (answers[seen] ?? 0) + 1;
    if (seen === 'unavailable') {
      refusedAfterMs = Math.round(performance.now() - start);
      break;
    }
    await sleep(10);
  }
  return { answers, refusedAfterMs };
}

describe('SQLite file replaced or deleted under a running process', () => {
  test(`restore from backup (a file without the token renamed over the live one): the old process refuses the token (StoreUnavailableError) within ${READ_BOUND_MS} ms, writes at once; reopened as documented, the token is NOT_FOUND`, async () => {
    const { dir, file, db, keyward, revoked, kept } = await setup();
    // The backup: a copy of the live database in which the token was deleted.
    const backup = join(dir, 'backup.db');
    db.exec(`VACUUM INTO '${backup}'`);
    const edit = new Database(backup);
    edit.prepare('DELETE FROM keyward_tokens WHERE id = ?').run(revoked.token.id);
    edit.close();

    renameSync(backup, file);
    // Reads first (they see the background check), then a write (it checks the file itself).
    const seen = await watch(keyward, revoked.plaintext, READ_BOUND_MS + 2_500);
    const create = await keyward.create(owner, { name: 'after the restore', scope: { kind: 'organization' }, expiresIn: '30d' }).then(
      () => 'created',
      (error: unknown) => (error instanceof StoreUnavailableError ? 'unavailable' : String(error)),
    );
    console.log(`[sqlite-replaced] file replaced: create right after → ${create}; verify of the token revoked in the backup → ${JSON.stringify(seen.answers)}, refused after ${seen.refusedAfterMs} ms`);

    expect(create).toBe('unavailable');
    expect(seen.refusedAfterMs).toBeGreaterThanOrEqual(0);
    // The check runs on a timer: allow one interval plus timer slack on a loaded machine.
    expect(seen.refusedAfterMs).toBeLessThanOrEqual(READ_BOUND_MS + 250);
    // It stays refused: nothing reads the old file again.
    for (let i = 0; i < 5; i++) expect(await answer(keyward, kept.plaintext)).toBe('unavailable');

    // The host reopens, as packages/sqlite/README.md says to: close, remove the old WAL and
    // shared-memory files (left by the old handle, they would lay the old pages over the restored
    // file), open again. The restored file answers, and the revoked token is unknown there.
    await keyward.close().catch(() => {});
    db.close();
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    const reopened = new Database(file);
    cleanups.push(() => void reopened.close());
    const fresh = createKeyward({ store: sqliteStore({ db: reopened }), resolveProject: () => null });
    expect(await answer(fresh, revoked.plaintext)).toBe('NOT_FOUND');
    expect(await answer(fresh, kept.plaintext)).toBe('ok');
    await fresh.close();
  });

  test(`database file deleted: the old process refuses every token (StoreUnavailableError) within ${READ_BOUND_MS} ms, writes at once`, async () => {
    const { file, keyward, revoked } = await setup();
    unlinkSync(file);
    const seen = await watch(keyward, revoked.plaintext, READ_BOUND_MS + 2_500);
    const remove = await keyward.delete(owner, revoked.token.id).then(
      () => 'deleted',
      (error: unknown) => (error instanceof StoreUnavailableError ? 'unavailable' : String(error)),
    );
    console.log(`[sqlite-replaced] file deleted: delete right after → ${remove}; verify → ${JSON.stringify(seen.answers)}, refused after ${seen.refusedAfterMs} ms`);
    expect(remove).toBe('unavailable');
    expect(seen.refusedAfterMs).toBeGreaterThanOrEqual(0);
    expect(seen.refusedAfterMs).toBeLessThanOrEqual(READ_BOUND_MS + 250);
    await keyward.close().catch(() => {});
  });
});
