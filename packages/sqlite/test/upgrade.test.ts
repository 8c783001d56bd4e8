// A database written by the schema version 1 release (fixtures/v1.db, made by
// fixtures/make-v1-fixture.ts on commit 3481f4b) opened by this version: it upgrades in place and
// every token keeps working.
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { createKeyward, type ProjectInfo, type TokenRecord } from '@keyward/core';
import { generateToken } from '@keyward/core/testing';
import { sqliteStore } from '@keyward/sqlite';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { tempDatabase, type TempDatabase } from './temp-db.js';

interface Fixture {
  schemaVersion: number;
  /** The fixture's fixed clock: every token was created just after it. */
  now: number;
  projects: Record<string, ProjectInfo>;
  /** Plaintext of each token, by id. */
  plaintexts: Record<string, string>;
  /** The records as the v1 store listed them. */
  records: Omit<TokenRecord, 'permissions' | 'metadata' | 'previous'>[];
}

const fixturePath = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const fixture = JSON.parse(readFileSync(fixturePath('v1.json'), 'utf8')) as Fixture;
// What v2 reads back for a v1 row: the v1 fields, and none of the new ones.
const upgraded: TokenRecord[] = fixture.records.map((r) => ({ ...r, permissions: null, metadata: null, previous: null }));
const organizations = [...new Set(fixture.records.map((r) => r.organizationId))];
const sha256 = (plaintext: string) => createHash('sha256').update(plaintext).digest('base64url');

let file: TempDatabase;
let db: Database.Database;
beforeEach(() => {
  file = tempDatabase();
  copyFileSync(fixturePath('v1.db'), file.path);
  db = file.open();
});
afterEach(() => file.remove());

function keywardOn(store = sqliteStore({ db })) {
  // The fixture's clock a minute on, so its 1-day token has not expired whatever today's date.
  return createKeyward({ store, resolveProject: (id) => fixture.projects[id] ?? null, now: () => fixture.now + 60_000 });
}

describe('a schema version 1 database (written by the previous release)', () => {
  test('the fixture really is v1: version 1 only, no v2 columns', () => {
    expect(fixture.schemaVersion).toBe(1);
    expect(db.prepare('SELECT version FROM keyward_schema_version').pluck().all()).toEqual([1]);
    const columns = db.prepare(`SELECT name FROM pragma_table_info('keyward_tokens')`).pluck().all();
    expect(columns).not.toContain('previous_hash');
    expect(fixture.records).toHaveLength(5);
  });

  test('is upgraded in place on first use: version 2 recorded once, every row kept, the new columns null', async () => {
    const store = sqliteStore({ db });
    expect(db.prepare('SELECT version FROM keyward_schema_version ORDER BY version').pluck().all()).toEqual([1, 2]);
    const raw = db.prepare('SELECT permissions, metadata, previous_hash, previous_hint, previous_expires_at FROM keyward_tokens').raw().all();
    expect(raw).toEqual(fixture.records.map(() => [null, null, null, null, null]));
    sqliteStore({ db: file.open() });
    expect(db.prepare('SELECT COUNT(*) FROM keyward_schema_version').pluck().get()).toBe(2);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(store.findByHash(fixture.records[0]!.hash)).toEqual(upgraded[0]);
  });

  test('every token verifies with its plaintext; the store reads permissions, metadata and previous as null', async () => {
    const store = sqliteStore({ db });
    const keyward = keywardOn(store);
    for (const r of upgraded) {
      const plaintext = fixture.plaintexts[r.id]!;
      const target = r.scope.kind === 'project' ? { projectId: r.scope.projectId } : { organizationId: r.organizationId };
      const result = await keyward.verify(plaintext, target);
      expect(result.ok, r.name).toBe(true);
      expect(result.ok && result.token.id).toBe(r.id);
      expect(store.findByHash(sha256(plaintext))).toEqual(r);
    }
    await keyward.close();
  });

  test('list() and get() answer exactly what the v1 store answered, plus the three null fields', async () => {
    const store = sqliteStore({ db });
    const listed: TokenRecord[] = [];
    for (const organizationId of organizations) listed.push(...(await store.list(organizationId, { limit: 100 })).items);
    expect(listed).toEqual(upgraded);
    for (const r of upgraded) expect(await store.get(r.organizationId, r.id)).toEqual(r);
    // And the service's own listing of the upgraded rows.
    const actor = { userId: 'user_ada', organizationId: 'org_acme', role: 'owner' } as const;
    const page = await keywardOn(store).list(actor);
    expect(page.items.map((item) => item.id)).toEqual(upgraded.filter((r) => r.organizationId === 'org_acme').map((r) => r.id));
  });

  test('roll() on an upgraded row: the new and the old plaintext both verify; deleting it stops both', async () => {
    const store = sqliteStore({ db });
    const keyward = keywardOn(store);
    const r = upgraded.find((x) => x.lastUsedAt !== null && x.expiresAt !== null)!;
    const oldPlaintext = fixture.plaintexts[r.id]!;
    const newPlaintext = generateToken();
    const previousExpiresAt = fixture.now + 86_400_000;
    const rolled = await store.roll(r.organizationId, r.id, { hash: sha256(newPlaintext), hint: newPlaintext.slice(0, 7), previousExpiresAt });
    expect(rolled).toEqual({ ...r, hash: sha256(newPlaintext), hint: newPlaintext.slice(0, 7), previous: { hash: r.hash, hint: r.hint, expiresAt: previousExpiresAt } });
    for (const plaintext of [newPlaintext, oldPlaintext]) {
      const result = await keyward.verify(plaintext, { organizationId: r.organizationId });
      expect(result.ok && result.token.id).toBe(r.id);
    }
    expect(await store.deleteMany(r.organizationId, [r.id])).toEqual({ ok: true, deleted: [rolled] });
    for (const plaintext of [newPlaintext, oldPlaintext]) expect((await keyward.verify(plaintext)).ok).toBe(false);
    await keyward.close();
  });

  test('update() on upgraded rows: rename, name_taken against another v1 token, metadata set', async () => {
    const store = sqliteStore({ db });
    const [first, second] = upgraded.filter((r) => r.organizationId === 'org_acme');
    expect(await store.update(first!.organizationId, first!.id, { name: second!.name.toUpperCase(), nameKey: second!.nameKey })).toBe('name_taken');
    const renamed = await store.update(first!.organizationId, first!.id, { name: 'Renamed', nameKey: 'renamed', metadata: { from: 'v1' } });
    expect(renamed).toEqual({ ...first, name: 'Renamed', nameKey: 'renamed', metadata: { from: 'v1' } });
    expect(await store.get(first!.organizationId, first!.id)).toEqual(renamed);
    const result = await keywardOn(store).verify(fixture.plaintexts[first!.id]!, { organizationId: first!.organizationId });
    expect(result.ok && result.token.name).toBe('Renamed');
  });

  test('listExpiring() sees the upgraded expiring tokens, soonest first, across organizations', async () => {
    const store = sqliteStore({ db });
    const expiring = upgraded
      .filter((r) => r.expiresAt !== null)
      .sort((a, b) => a.expiresAt! - b.expiresAt! || (a.id < b.id ? -1 : 1));
    expect(expiring.length).toBeGreaterThanOrEqual(3);
    const first = await store.listExpiring({ expiresAfter: fixture.now, expiresBy: Number.MAX_SAFE_INTEGER, limit: 2 });
    expect(first.items).toEqual(expiring.slice(0, 2));
    const rest = await store.listExpiring({ expiresAfter: fixture.now, expiresBy: Number.MAX_SAFE_INTEGER, limit: 100, after: first.next! });
    expect(rest).toEqual({ items: expiring.slice(2), next: null });
  });
});
