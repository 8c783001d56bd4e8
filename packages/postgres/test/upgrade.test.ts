// A database written by @keyward/postgres at schema version 1 (fixtures/v1.sql, a pg_dump made by
// fixtures/generate-v1.ts on the code of commit 3481f4b) upgraded by this version: by one store, by
// many at once in this process, and by two OS processes racing for the migration lock.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createKeyward, type TokenScope, type TokenStore } from '@keyward/core';
import { SCHEMA_VERSION, postgresStore } from '@keyward/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MIGRATIONS } from '../src/schema-sql.js';
import { restoredDatabase, type TestDatabase } from './database.js';
import { raceTwoProcesses, versions } from './upgrade-race.js';

interface FixtureToken {
  plaintext: string;
  id: string;
  organizationId: string;
  name: string;
  scope: TokenScope;
  expiresAt: number | null;
  used: boolean;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/v1-tokens.json', import.meta.url), 'utf8')) as { now: number; tokens: FixtureToken[] };
// The fixture's clock stood at `now` when it was dumped; its expiring tokens are live a minute later.
const now = fixture.now + 60_000;
const projects = new Map([
  ['proj_alpha', { id: 'proj_alpha', organizationId: 'org_acme', name: 'Alpha' }],
  ['proj_beta', { id: 'proj_beta', organizationId: 'org_acme', name: 'Beta' }],
]);
const owner = { userId: 'user_owner', organizationId: 'org_acme', role: 'owner' } as const;
const sha256 = (plaintext: string) => createHash('sha256').update(plaintext).digest('base64url');

/** A fresh database holding the v1 fixture. */
const v1Database = (): Promise<TestDatabase> => restoredDatabase(new URL('./fixtures/v1.sql', import.meta.url));


describe('a v1 database (commit 3481f4b) opened by this version', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let store: TokenStore;

  beforeAll(async () => {
    database = await v1Database();
    pool = database.pool({ max: 4 });
    expect(await versions(pool)).toEqual([1]);
    store = postgresStore({ pool });
  });

  afterAll(async () => {
    await database?.drop();
  });

  const keyward = () => createKeyward({ store, resolveProject: (id) => projects.get(id) ?? null, now: () => now, onError: () => {} });

  test('is migrated to the current version on first use, keeping every row', async () => {
    expect(await store.findByHash('x')).toBeNull();
    expect(await versions(pool)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.length);
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM public.keyward_tokens');
    expect(rows).toEqual([{ n: fixture.tokens.length }]);
  });

  test('list() and get() show the v1 tokens as they were: names, scopes, expiry, last use (before anything here verifies them)', async () => {
    const kw = keyward();
    const acme = fixture.tokens.filter((t) => t.organizationId === 'org_acme');
    const page = await kw.list(owner);
    // Newest first, like every list.
    expect(page.items.map((t) => t.id)).toEqual(acme.map((t) => t.id).reverse());
    for (const token of acme) {
      const info = await kw.get(owner, token.id);
      expect(info).toMatchObject({ id: token.id, name: token.name, scope: token.scope, expiresAt: token.expiresAt, lastUsedAt: token.used ? fixture.now : null });
    }
    await kw.close();
  });

  test('every v1 token still verifies through createKeyward, as the token it was, and nothing else changed', async () => {
    const kw = keyward();
    for (const token of fixture.tokens) {
      const options = token.scope.kind === 'project' ? { projectId: token.scope.projectId } : {};
      const result = await kw.verify(token.plaintext, options);
      expect(result, token.name).toMatchObject({ ok: true, token: { id: token.id, name: token.name, scope: token.scope, expiresAt: token.expiresAt } });
      const record = await store.findByHash(sha256(token.plaintext));
      expect(record).toMatchObject({ id: token.id, permissions: null, metadata: null, previous: null });
    }
    const alpha = fixture.tokens.find((t) => t.name === 'Alpha reader')!;
    expect(await kw.verify(alpha.plaintext, { projectId: 'proj_beta' })).toMatchObject({ ok: false, code: 'SCOPE_DENIED' });
    await kw.close();
  });

  test('keyward.roll(), update() and listExpiring() work on the upgraded rows', async () => {
    const kw = keyward();
    const [deploy, alpha, beta] = fixture.tokens;
    const rolled = await kw.roll(owner, deploy!.id, { previousSecretExpiresIn: '1h' });
    expect(rolled.token).toMatchObject({ id: deploy!.id, name: deploy!.name, scope: deploy!.scope });
    expect(await store.findByHash(sha256(deploy!.plaintext))).toMatchObject({ hash: sha256(rolled.plaintext), previous: { hash: sha256(deploy!.plaintext), expiresAt: now + 3_600_000 } });
    expect((await kw.verify(rolled.plaintext)).ok).toBe(true);
    expect((await kw.verify(deploy!.plaintext)).ok).toBe(true);
    const again = await kw.roll(owner, deploy!.id);
    expect(await kw.verify(deploy!.plaintext)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await kw.verify(rolled.plaintext)).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect((await kw.verify(again.plaintext)).ok).toBe(true);

    await expect(kw.update(owner, alpha!.id, { name: beta!.name.toUpperCase() })).rejects.toMatchObject({ code: 'NAME_TAKEN' });
    const before = await kw.get(owner, alpha!.id);
    const updated = await kw.update(owner, alpha!.id, { name: 'Alpha writer', metadata: { team: 'data' } });
    expect(updated).toEqual({ ...before, name: 'Alpha writer', metadata: { team: 'data' } });
    expect((await kw.verify(alpha!.plaintext, { projectId: 'proj_alpha' })).ok).toBe(true);

    const expiring = fixture.tokens.filter((t) => t.expiresAt !== null).sort((a, b) => a.expiresAt! - b.expiresAt! || (a.id < b.id ? -1 : 1));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await kw.listExpiring({ within: '90d', limit: 1, ...(cursor === undefined ? {} : { cursor }) });
      seen.push(...page.items.map((t) => t.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(expiring.filter((t) => t.expiresAt! <= now + 90 * 86_400_000).map((t) => t.id));
    expect(seen.length).toBeGreaterThanOrEqual(2);
    await kw.close();
  });

  test('the v1 expiry index is replaced by the (expires_at, id) one listExpiring pages on', async () => {
    const { rows } = await pool.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'keyward_tokens' AND indexname LIKE '%expires%'");
    expect(rows).toEqual([{ indexname: 'keyward_tokens_expires_id' }]);
  });
});

describe('upgrading one v1 database from many places at once', () => {
  test('eight stores on four pools starting together apply migrations 2 and 3 exactly once, and all answer', async () => {
    const database = await v1Database();
    try {
      const pools = Array.from({ length: 4 }, () => database.pool({ max: 3 }));
      const stores = pools.flatMap((p) => [postgresStore({ pool: p }), postgresStore({ pool: p })]);
      const hash = sha256(fixture.tokens[0]!.plaintext);
      const found = await Promise.all(stores.flatMap((s) => [s.findByHash(hash), s.get('org_acme', fixture.tokens[0]!.id)]));
      for (const record of found) expect(record?.id).toBe(fixture.tokens[0]!.id);
      expect(await versions(pools[0]!)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await database.drop();
    }
  });

  test('two OS processes: both find version 1, both wait for the migration lock, one migrates, the other applies nothing, and both verify the v1 tokens', async () => {
    const database = await v1Database();
    try {
      const race = await raceTwoProcesses(database, fixture.tokens.map((t) => t.plaintext));
      expect(race.waiting).toBe(2);
      expect(race.versionsWhileWaiting).toEqual([1]);
      // The workers' clock is the real one: a fixture token whose expiry has passed answers EXPIRED, never NOT_FOUND.
      expect(race.answers).toEqual([0, 1].flatMap(() => fixture.tokens.map((t) => (t.expiresAt === null || t.expiresAt > Date.now() ? 'ok' : 'EXPIRED'))));
      expect(race.versionsAfter).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await database.drop();
    }
  });
});
