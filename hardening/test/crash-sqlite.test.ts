// Crash safety on SQLite: a process bulk-deleting 1000 tokens is SIGKILLed at a random moment.
// deleteMany is one IMMEDIATE transaction in WAL mode, so whatever the moment, the file must
// afterwards hold either all 1000 tokens or none of them — never a part.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyward, type Actor } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { answerOrKill, removeBundle, startChild, type Child } from './support/children.js';

const TRIALS = 20;
const TOKENS = 1000;
const owner: Actor = { userId: 'u_crash', organizationId: 'org_crash', role: 'owner' };
const bystander: Actor = { userId: 'u_other', organizationId: 'org_other', role: 'owner' };

let dir: string;
let template: string;
let ids: string[];
let plaintexts: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyward-hardening-crash-sqlite-'));
  template = join(dir, 'template.db');
  const db = new Database(template);
  const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject: () => null });
  ids = [];
  plaintexts = [];
  for (let i = 0; i < TOKENS; i++) {
    const { plaintext, token } = await keyward.create(owner, { name: `bulk ${i}`, scope: { kind: 'organization' }, expiresIn: i % 2 ? '30d' : 'never' });
    ids.push(token.id);
    plaintexts.push(plaintext);
  }
  for (let i = 0; i < 5; i++) await keyward.create(bystander, { name: `other ${i}`, scope: { kind: 'organization' }, expiresIn: '30d' });
  await keyward.close();
  // A self-contained file (empty WAL), so each trial starts from a plain copy.
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
});

afterAll(() => {
  removeBundle();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Trial {
  delayMs: number;
  started: boolean;
  answered: boolean;
  remaining: number;
  others: number;
  integrity: string;
  sampleAccepted: number;
}

/** Runs the child on a fresh copy; kills it `delayMs` after "go" (never, when null). */
async function trial(index: number, delayMs: number | null): Promise<Trial & { ms?: number }> {
  const file = join(dir, `trial-${index}.db`);
  copyFileSync(template, file);
  const child: Child = await startChild('sqlite-bulk-delete', [file, JSON.stringify(owner)]);
  const { answered, ms, signal } = await answerOrKill(child, { type: 'go', ids }, delayMs);
  if (delayMs !== null) expect(signal === 'SIGKILL' || answered).toBe(true);
  const started = child.events.some((e) => e.event === 'started');

  // Reopening runs SQLite's recovery: an uncommitted transaction left in the WAL is ignored.
  const db = new Database(file);
  const integrity = db.pragma('integrity_check', { simple: true }) as string;
  const count = db.prepare('SELECT COUNT(*) FROM keyward_tokens WHERE organization_id = ?').pluck();
  const remaining = count.get(owner.organizationId) as number;
  const others = count.get(bystander.organizationId) as number;
  const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject: () => null, onError: () => {} });
  let sampleAccepted = 0;
  for (const plaintext of plaintexts.slice(0, 25)) if ((await keyward.verify(plaintext)).ok) sampleAccepted++;
  await keyward.close();
  db.close();
  rmSync(file, { force: true });
  rmSync(`${file}-wal`, { force: true });
  rmSync(`${file}-shm`, { force: true });
  return { delayMs: delayMs ?? -1, started, answered, remaining, others, integrity, sampleAccepted, ...(ms === undefined ? {} : { ms }) };
}

describe('crash safety on SQLite', () => {
  test(`a child bulk-deleting ${TOKENS} tokens, SIGKILLed at a random moment in ${TRIALS} trials: afterwards all ${TOKENS} or none are gone, 0 partial`, async () => {
    // Calibration: how long the whole deleteMany takes here, so kills are spread over it.
    const calibration = await trial(-1, null);
    expect(calibration).toMatchObject({ answered: true, remaining: 0, others: 5, integrity: 'ok', sampleAccepted: 0 });
    const window = Math.max(4, Math.ceil(calibration.ms! * 1.5) + 2);

    const trials: Trial[] = [];
    for (let i = 0; i < TRIALS; i++) {
      // Spread evenly over [0, window) with a random offset inside each slot: covers the whole delete.
      const delayMs = Math.floor(((i + Math.random()) * window) / TRIALS);
      trials.push(await trial(i, delayMs));
    }

    const allGone = trials.filter((t) => t.remaining === 0).length;
    const noneGone = trials.filter((t) => t.remaining === TOKENS).length;
    const partial = trials.filter((t) => t.remaining !== 0 && t.remaining !== TOKENS);
    const midDelete = trials.filter((t) => t.started && !t.answered).length;
    console.log(
      `[crash-sqlite] deleteMany(${TOKENS}) takes ~${calibration.ms!.toFixed(1)} ms; ${TRIALS} SIGKILLs at 0–${window} ms after "go": ` +
        `all gone ${allGone}, none gone ${noneGone}, partial ${partial.length}; ` +
        `${midDelete} kills landed after the child started deleting and before it answered`,
    );
    console.log(`[crash-sqlite] per trial (delay ms → tokens left): ${trials.map((t) => `${t.delayMs}→${t.remaining}`).join(', ')}`);

    expect(partial).toEqual([]);
    for (const t of trials) {
      expect(t.integrity).toBe('ok');
      // The other organization is never touched, and what verifies matches what the table holds.
      expect(t.others).toBe(5);
      expect(t.sampleAccepted).toBe(t.remaining === TOKENS ? 25 : 0);
    }
    expect(allGone + noneGone).toBe(TRIALS);
  }, 120_000);
});
