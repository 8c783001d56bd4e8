import { existsSync, readFileSync } from 'node:fs';
import { createKeyward, type ProjectInfo } from '@keyward/core';
import { sqliteStore } from '@keyward/sqlite';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { tempDatabase, type TempDatabase } from './temp-db.js';

let file: TempDatabase;
beforeEach(() => {
  file = tempDatabase();
});
afterEach(() => file.remove());

const projects: Record<string, ProjectInfo> = { proj_1: { id: 'proj_1', organizationId: 'org_1', name: 'Website' } };
const owner = { userId: 'user_1', organizationId: 'org_1', role: 'owner' } as const;

function everyByte(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`, `${path}-shm`].filter((p) => existsSync(p)).map((p) => readFileSync(p)));
}

test('the database file and its WAL hold no plaintext token, only hashes', async () => {
  const db = file.open();
  const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject: (id) => projects[id] ?? null, lastUsedIntervalMs: 0 });
  const created = [
    await keyward.create(owner, { name: 'CI', scope: { kind: 'organization' }, expiresIn: '30d' }),
    await keyward.create(owner, { name: 'Deploy', scope: { kind: 'project', projectId: 'proj_1' }, expiresIn: 'never' }),
    await keyward.create(owner, { name: 'Short lived', scope: { kind: 'organization' }, expiresIn: '1d' }),
  ];
  for (const { plaintext } of created) expect((await keyward.verify(plaintext, { projectId: 'proj_1' })).ok).toBe(true);
  await keyward.flush();

  const bytes = everyByte(file.path);
  expect(existsSync(`${file.path}-wal`)).toBe(true);
  const hashes = db.prepare('SELECT hash FROM keyward_tokens').pluck().all() as string[];
  expect(hashes).toHaveLength(3);
  // The dump is the right one: every stored hash is in it.
  for (const hash of hashes) expect(bytes.includes(hash)).toBe(true);
  for (const { plaintext, token } of created) {
    expect(bytes.includes(plaintext)).toBe(false);
    // The part of the secret the hint does not show, anywhere, in any layout.
    const hidden = plaintext.slice(token.hint.length);
    expect(bytes.includes(hidden)).toBe(false);
    expect(bytes.includes(Buffer.from(hidden, 'utf16le'))).toBe(false);
  }
  await keyward.close();
  expect(db.open).toBe(true);
});
