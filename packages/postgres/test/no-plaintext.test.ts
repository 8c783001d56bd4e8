// Created tokens leave only hashes behind: in the table and index files, the WAL, the
// server log and a pg_dump of a throwaway cluster of the test's own (also after a delete, which notifies).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createKeyward, type ProjectInfo } from '@keyward/core';
import { postgresStore } from '@keyward/postgres';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PG_BIN, startCluster, type Cluster } from './cluster.js';
import { createTestDatabase, type TestDatabase } from './database.js';

const run = promisify(execFile);

let cluster: Cluster;
let database: TestDatabase;

beforeAll(async () => {
  cluster = await startCluster();
  database = await createTestDatabase(cluster.server);
});

afterAll(async () => {
  await database?.drop().catch(() => {});
  await cluster?.destroy();
});

function everyFile(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return [];
    return stat.isDirectory() ? everyFile(path) : stat.isFile() ? [path] : [];
  });
}

const projects: Record<string, ProjectInfo> = { proj_1: { id: 'proj_1', organizationId: 'org_1', name: 'Website' } };
const owner = { userId: 'user_1', organizationId: 'org_1', role: 'owner' } as const;

test('no plaintext token, created or rolled, in any file of the cluster (tables, indexes, WAL, server log) or in a pg_dump: only hashes', { timeout: 45_000 }, async () => {
  const pool = database.pool({ max: 4 });
  const keyward = createKeyward({ store: postgresStore({ pool }), resolveProject: (id) => projects[id] ?? null, lastUsedIntervalMs: 0 });
  const created = [
    await keyward.create(owner, { name: 'CI', scope: { kind: 'organization' }, expiresIn: '30d' }),
    await keyward.create(owner, { name: 'Deploy', scope: { kind: 'project', projectId: 'proj_1' }, expiresIn: 'never' }),
    await keyward.create(owner, { name: 'Short lived', scope: { kind: 'organization' }, expiresIn: '1d' }),
    await keyward.create(owner, { name: 'Deleted', scope: { kind: 'organization' }, expiresIn: '7d' }),
  ];
  // Rolls too: the new secret and the one it replaced (kept for a grace period, or dropped) leave only hashes.
  const graced = await keyward.roll(owner, created[0]!.token.id, { previousSecretExpiresIn: '24h' });
  const dropped = await keyward.roll(owner, created[1]!.token.id, { previousSecretExpiresIn: 'now' });
  await keyward.update(owner, created[2]!.token.id, { name: 'Short lived (renamed)', metadata: { owner: 'ops' } });
  const secrets = [...created, graced, dropped];
  for (const { plaintext } of [created[0]!, created[2]!, created[3]!, graced, dropped]) expect((await keyward.verify(plaintext, { projectId: 'proj_1' })).ok).toBe(true);
  await keyward.flush();
  // A delete too: its trigger publishes the hash, never anything more.
  await keyward.delete(owner, created[3]!.token.id);
  const stored = await pool.query<{ hash: string; previous_hash: string | null }>('SELECT hash, previous_hash FROM public.keyward_tokens');
  const hashes = stored.rows.flatMap((r) => (r.previous_hash ? [r.hash, r.previous_hash] : [r.hash]));
  expect(hashes).toHaveLength(4);
  // Table and index pages reach their files.
  await pool.query('CHECKPOINT');

  const files = everyFile(cluster.dir);
  expect(files.some((f) => f.includes('pg_wal'))).toBe(true);
  const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
  const dump = Buffer.from(
    (await run(join(PG_BIN, 'pg_dump'), ['-h', '127.0.0.1', '-p', String(cluster.port), '-U', 'postgres', '-d', database.name], { maxBuffer: 64 * 1024 * 1024 })).stdout,
  );
  // The places searched are the right ones: every stored hash is in the files and the dump.
  for (const hash of hashes) {
    expect(bytes.includes(hash)).toBe(true);
    expect(dump.includes(hash)).toBe(true);
  }
  for (const { plaintext, token } of secrets) {
    // The part of the secret the hint does not show, in any layout.
    const hidden = plaintext.slice(token.hint.length);
    for (const haystack of [bytes, dump]) {
      expect(haystack.includes(plaintext)).toBe(false);
      expect(haystack.includes(hidden)).toBe(false);
      expect(haystack.includes(Buffer.from(hidden, 'utf16le'))).toBe(false);
    }
  }
  await keyward.close();
});
