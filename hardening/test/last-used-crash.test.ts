// What a crash costs "last used". Verification records last-used times off the request path: at
// most one store write per token per `lastUsedIntervalMs` (default 60 s), batched and written
// `lastUsedFlushDelayMs` (default 1 s) after the first use that queued it. A process killed with
// SIGKILL runs no close(), so the writes still waiting for their batch are lost — those queued
// within the last flush delay — and nothing else: what was flushed stays, and no token is lost.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyward, type Actor } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, test } from 'vitest';
import { removeBundle, startChild } from './support/children.js';
import { sqliteLastUsed } from './support/examples.js';
import { waitUntil } from '@keyward/test-kit/net';

const owner: Actor = { userId: 'u_crash', organizationId: 'org_crash', role: 'owner' };
const dir = mkdtempSync(join(tmpdir(), 'keyward-hardening-last-used-'));

afterAll(() => {
  removeBundle();
  rmSync(dir, { recursive: true, force: true });
});

type Use = { from: number; to: number; ok: boolean };

describe('last used after a crash', () => {
  test('a child SIGKILLed in the same tick as its last verifications: the uses queued within lastUsedFlushDelayMs (1 s) are lost (2 of 2 tokens still "never used"), the write flushed before stays (the first use; a later use within lastUsedIntervalMs was never to be written), every token still verifies', async () => {
    const file = join(dir, 'crash.db');
    const setup = new Database(file);
    const keyward = createKeyward({ store: sqliteStore({ db: setup }), resolveProject: () => null });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((name) => keyward.create(owner, { name, scope: { kind: 'organization' }, expiresIn: '30d' })));
    await keyward.close();
    setup.close();
    const ids = [a!.token.id, b!.token.id, c!.token.id];

    const child = await startChild('last-used', [file]);
    const [first] = await child.request<Use[]>({ type: 'use', plaintexts: [a!.plaintext] });
    expect(first!.ok).toBe(true);
    // The timed batch writes it without anyone calling close() or flush().
    await waitUntil('the first use to be written', () => sqliteLastUsed(file, ids)[0] !== null, 30_000);
    const flushedAt = Date.now();

    child.send({ type: 'use-then-crash', plaintexts: [a!.plaintext, b!.plaintext, c!.plaintext] });
    const exit = await child.exited;
    const after = sqliteLastUsed(file, ids);
    console.log(
      `[last-used-crash] exit ${JSON.stringify(exit)}; token A: first use at ${first!.from}, written ${flushedAt - first!.to} ms or less later as ${after[0]}, used again after ${flushedAt - first!.from} ms (not written: within the interval); ` +
        `tokens B and C used in the same tick as the kill: stored ${JSON.stringify(after.slice(1))}`,
    );

    expect(exit.signal).toBe('SIGKILL');
    expect(after[0]).toBeGreaterThanOrEqual(first!.from);
    expect(after[0]).toBeLessThanOrEqual(first!.to);
    expect(after.slice(1)).toEqual([null, null]);

    // Never a token: all three still verify from the file.
    const reopened = new Database(file);
    const again = createKeyward({ store: sqliteStore({ db: reopened }), resolveProject: () => null });
    for (const token of [a!, b!, c!]) expect((await again.verify(token.plaintext)).ok).toBe(true);
    await again.close();
    reopened.close();
  }, 60_000);
});
