// A database written by the schema version 1 release (fixtures/v1.db, made by
// fixtures/make-v1-fixture.ts on commit 3481f4b) opened by this version: it upgrades in place and
// every token keeps working.
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { createKeyward, NameTakenError, type ProjectInfo, type TokenRecord } from '@keyward/core';
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
// What v3 reads back for a v1 row: the v1 fields, none of v2's, and v3's enabled without limits.
const upgraded: TokenRecord[] = fixture.records.map((r) => ({ ...r, permissions: null, metadata: null, previous: null, enabled: true, rateLimit: null, remaining: null, refill: null, refilledAt: null }));
const organizations = [...new Set(fixture.records.map((r) => r.organizationId))];
const acme = { userId: 'user_ada', organizationId: 'org_acme', role: 'owner' } as const;
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

  test('is upgraded in place on first use: versions 2 and 3 recorded once, every row kept, the new columns null', async () => {
    const store = sqliteStore({ db });
    expect(db.prepare('SELECT version FROM keyward_schema_version ORDER BY version').pluck().all()).toEqual([1, 2, 3]);
    const raw = db.prepare('SELECT permissions, metadata, previous_hash, previous_hint, previous_expires_at FROM keyward_tokens').raw().all();
    expect(raw).toEqual(fixture.records.map(() => [null, null, null, null, null]));
    sqliteStore({ db: file.open() });
    expect(db.prepare('SELECT COUNT(*) FROM keyward_schema_version').pluck().get()).toBe(3);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(store.findByHash(fixture.records[0]!.hash)).toEqual(upgraded[0]);
  });

  test('every token verifies with its plaintext, with permissions, metadata and previous secret null', async () => {
    const store = sqliteStore({ db });
    const keyward = keywardOn(store);
    for (const r of upgraded) {
      const plaintext = fixture.plaintexts[r.id]!;
      const target = r.scope.kind === 'project' ? { projectId: r.scope.projectId } : { organizationId: r.organizationId };
      const result = await keyward.verify(plaintext, target);
      expect(result.ok, r.name).toBe(true);
      if (!result.ok) continue;
      expect(result.token).toMatchObject({ id: r.id, name: r.name, permissions: null, metadata: null, previousSecret: null });
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
    const page = await keywardOn(store).list(acme);
    expect(page.items.map((item) => item.id)).toEqual(upgraded.filter((r) => r.organizationId === acme.organizationId).map((r) => r.id));
  });

  test('keyward.roll() on an upgraded row: the new and the old plaintext both verify; deleting it stops both', async () => {
    const store = sqliteStore({ db });
    const keyward = keywardOn(store);
    const r = upgraded.find((x) => x.organizationId === acme.organizationId && x.lastUsedAt !== null && x.expiresAt !== null)!;
    const oldPlaintext = fixture.plaintexts[r.id]!;
    const { plaintext: newPlaintext, token } = await keyward.roll(acme, r.id, { previousSecretExpiresIn: '24h' });
    const previous = { hash: r.hash, hint: r.hint, expiresAt: fixture.now + 60_000 + 86_400_000 };
    expect(token.previousSecret).toEqual({ hint: previous.hint, expiresAt: previous.expiresAt });
    const rolled = { ...r, hash: sha256(newPlaintext), hint: token.hint, previous };
    expect(await store.get(r.organizationId, r.id)).toEqual(rolled);
    for (const plaintext of [newPlaintext, oldPlaintext]) {
      const result = await keyward.verify(plaintext, { organizationId: r.organizationId });
      expect(result.ok && result.token.id).toBe(r.id);
    }
    await keyward.delete(acme, r.id);
    for (const plaintext of [newPlaintext, oldPlaintext]) expect(await keyward.verify(plaintext)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(store.findByHash(r.hash)).toBeNull();
    await keyward.close();
  });

  test('store roll() without a grace period on an upgraded row: the v1 secret stops at once', async () => {
    const store = sqliteStore({ db });
    const r = upgraded[0]!;
    const newPlaintext = generateToken();
    const rolled = await store.roll(r.organizationId, r.id, { hash: sha256(newPlaintext), hint: newPlaintext.slice(0, 7), previousExpiresAt: null });
    expect(rolled).toEqual({ ...r, hash: sha256(newPlaintext), hint: newPlaintext.slice(0, 7) });
    expect(store.findByHash(r.hash)).toBeNull();
    expect(store.findByHash(sha256(newPlaintext))).toEqual(rolled);
  });

  test('keyward.update() on upgraded rows: rename, name taken by another v1 token, metadata set', async () => {
    const store = sqliteStore({ db });
    const keyward = keywardOn(store);
    const [first, second] = upgraded.filter((r) => r.organizationId === acme.organizationId);
    await expect(keyward.update(acme, first!.id, { name: second!.name.toUpperCase() })).rejects.toBeInstanceOf(NameTakenError);
    expect(await store.get(first!.organizationId, first!.id)).toEqual(first);
    const info = await keyward.update(acme, first!.id, { name: 'Renamed', metadata: { from: 'v1' } });
    expect(info).toMatchObject({ id: first!.id, name: 'Renamed', metadata: { from: 'v1' } });
    expect(await store.get(first!.organizationId, first!.id)).toEqual({ ...first, name: 'Renamed', nameKey: 'renamed', metadata: { from: 'v1' } });
    const result = await keyward.verify(fixture.plaintexts[first!.id]!, { organizationId: first!.organizationId });
    expect(result.ok && result.token.name).toBe('Renamed');
    await keyward.close();
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
    const service = await keywardOn(store).listExpiring({ within: '90d' });
    expect(service.items.map((token) => token.id)).toEqual(expiring.map((r) => r.id));
  });

  test('a process still running v1 statements keeps working once another process has upgraded the file, and sees rolls fail closed', async () => {
    // The version 1 store's own statements (commit 3481f4b), prepared before the upgrade.
    const old = file.open();
    const v1Columns = 'id, organization_id, name, name_key, scope_kind, project_id, hash, hint, created_at, created_by, expires_at, last_used_at';
    const v1 = {
      insert: old.prepare(`INSERT INTO keyward_tokens (${v1Columns}) VALUES (${v1Columns.split(', ').map(() => '?').join(', ')}) ON CONFLICT (organization_id, name_key) DO NOTHING`),
      findByHash: old.prepare('SELECT id, organization_id, name, name_key, project_id, hint, created_at, created_by, expires_at, last_used_at FROM keyward_tokens WHERE hash = ?').raw(),
      deleteExpired: old.prepare(`DELETE FROM keyward_tokens WHERE expires_at IS NOT NULL AND expires_at <= ? RETURNING ${v1Columns}`),
    };
    const store = sqliteStore({ db });
    const [first, second] = upgraded;
    await store.roll(first!.organizationId, first!.id, { hash: 'rolled_hash', hint: 'kw_roll', previousExpiresAt: Number.MAX_SAFE_INTEGER });

    const v1Lookup = (hash: string) => (v1.findByHash.get(hash) as unknown[] | undefined)?.[0];
    expect(v1Lookup(second!.hash)).toBe(second!.id);
    // v1 does not know previous secrets: the rolled-away one is refused there, never let through.
    expect(v1Lookup(first!.hash)).toBeUndefined();
    expect(v1Lookup('rolled_hash')).toBe(first!.id);
    expect(v1.insert.run('tok_from_v1', 'org_acme', 'From v1', 'from v1', 'organization', null, 'v1_hash', 'kw_v1__', 1, 'user_ada', null, null).changes).toBe(1);
    expect(store.findByHash('v1_hash')).toMatchObject({ id: 'tok_from_v1', permissions: null, metadata: null, previous: null });
    expect(v1.deleteExpired.all(Number.MAX_SAFE_INTEGER)).toHaveLength(upgraded.filter((r) => r.expiresAt !== null).length);
  });
});
