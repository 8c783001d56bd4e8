// A database written by @keyward/postgres at schema version 2 (fixtures/v2.sql, a pg_dump made by
// fixtures/generate-v2.ts on the code of commit eb35b77) upgraded in place by migration 3: every
// token keeps what it had (permissions, metadata, a rolled token's previous secret, last use) and
// reads as enabled without limits; the v3 features then work on the upgraded rows; and two OS
// processes opening it at once migrate it once.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigurationError, createKeyward, type TokenRecord, type TokenScope } from '@keyward/core';
import { SCHEMA_VERSION, postgresInvalidationChannel, postgresStore } from '@keyward/postgres';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MIGRATIONS } from '../src/schema-sql.js';
import { restoredDatabase, type TestDatabase } from './database.js';
import { raceTwoProcesses, versions } from './upgrade-race.js';

interface FixtureToken {
  plaintext: string;
  previousPlaintext: string | null;
  id: string;
  organizationId: string;
  name: string;
  scope: TokenScope;
  expiresAt: number | null;
  permissions: string[] | null;
  metadata: Record<string, unknown> | null;
  used: boolean;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/v2-tokens.json', import.meta.url), 'utf8')) as { now: number; tokens: FixtureToken[] };
// The fixture's clock stood at `now` when it was dumped; its expiring tokens and the rolled token's
// previous secret are live a minute later.
const now = fixture.now + 60_000;
const projects = new Map([
  ['proj_alpha', { id: 'proj_alpha', organizationId: 'org_acme', name: 'Alpha' }],
  ['proj_beta', { id: 'proj_beta', organizationId: 'org_acme', name: 'Beta' }],
]);
const permissions = { 'builds:read': 'Read builds', 'builds:write': 'Start builds' };
const owner = { userId: 'user_owner', organizationId: 'org_acme', role: 'owner' } as const;
const sha256 = (plaintext: string) => createHash('sha256').update(plaintext).digest('base64url');
const v2Database = (): Promise<TestDatabase> => restoredDatabase(new URL('./fixtures/v2.sql', import.meta.url));
const targetOf = (token: FixtureToken) => (token.scope.kind === 'project' ? { projectId: token.scope.projectId } : {});

describe('a v2 database (commit eb35b77) opened by this version', () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let store: ReturnType<typeof postgresStore>;

  beforeAll(async () => {
    database = await v2Database();
    pool = database.pool({ max: 4 });
    expect(await versions(pool)).toEqual([1, 2]);
    store = postgresStore({ pool });
  });

  afterAll(async () => {
    await database?.drop();
  });

  // The clock moves a millisecond per reading, so the trail's entries are in the order of their actions.
  let clock = now;
  const keyward = (usage = true) =>
    createKeyward({ store, resolveProject: (id) => projects.get(id) ?? null, permissions, now: () => (clock += 1), onError: () => {}, usage: usage && { flushIntervalMs: 60_000 } });

  test('with migrate: false, a store refuses the v2 tables by name: apply sql/003_limits_audit_usage.sql, and only it', async () => {
    const error = await Promise.resolve(postgresStore({ pool, migrate: false }).findByHash('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('is at schema version 2 of 3: apply @keyward/postgres/sql/003_limits_audit_usage.sql in that order');
    expect((error as Error).message).not.toContain('002_');
    expect(await versions(pool)).toEqual([1, 2]);
  });

  test('is migrated to version 3 on first use, keeping every row; each reads as it was, enabled and without limits', async () => {
    expect(await store.findByHash('x')).toBeNull();
    expect(await versions(pool)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(SCHEMA_VERSION).toBe(3);
    for (const token of fixture.tokens) {
      const record = await store.get(token.organizationId, token.id);
      expect(record).toMatchObject({
        name: token.name,
        scope: token.scope,
        expiresAt: token.expiresAt,
        permissions: token.permissions,
        metadata: token.metadata,
        lastUsedAt: token.used ? fixture.now : null,
        enabled: true,
        rateLimit: null,
        remaining: null,
        refill: null,
        refilledAt: null,
      } satisfies Partial<TokenRecord>);
      expect(record!.previous === null).toBe(token.previousPlaintext === null);
    }
  });

  test('every v2 token still verifies through createKeyward, the rolled one by its previous secret too', async () => {
    // Uncounted: the next test counts one token's usage from zero.
    const kw = keyward(false);
    for (const token of fixture.tokens) {
      for (const plaintext of [token.plaintext, token.previousPlaintext].filter((p) => p !== null)) {
        const result = await kw.verify(plaintext, { ...targetOf(token), permissions: token.permissions ?? [] });
        expect(result, token.name).toMatchObject({ ok: true, token: { id: token.id, name: token.name, permissions: token.permissions, metadata: token.metadata, enabled: true, remaining: null } });
      }
    }
    await kw.close();
  });

  test('pause, credits and rate limits work on an upgraded token, and the audit trail and usage record them', async () => {
    const kw = keyward();
    const token = fixture.tokens.find((t) => t.name === 'Alpha reader')!;
    const target = targetOf(token);
    await kw.update(owner, token.id, { enabled: false });
    expect(await kw.verify(token.plaintext, target)).toMatchObject({ ok: false, code: 'DISABLED' });
    await kw.update(owner, token.id, { enabled: true, remaining: 2, rateLimit: { limit: 10, window: '1m' } });
    expect((await kw.verify(token.plaintext, target)).ok).toBe(true);
    expect(await kw.verify(token.plaintext, target)).toMatchObject({ ok: true, limits: { credits: { remaining: 0 }, rateLimit: { remaining: 8 } } });
    expect(await kw.verify(token.plaintext, target)).toMatchObject({ ok: false, code: 'USAGE_EXHAUSTED' });
    expect((await kw.auditLog(owner, { tokenId: token.id })).items.map((e) => [e.action, e.tokenName])).toEqual([
      ['updated', token.name],
      ['paused', token.name],
    ]);
    await kw.flush();
    expect((await kw.usage(owner, token.id, { days: 1 })).total).toMatchObject({ accepted: 2, refused: { DISABLED: 1, USAGE_EXHAUSTED: 1 } });
    await kw.close();
  });

  test('a pause of an upgraded token announces both of its secrets on the channel; a spend announces nothing', async () => {
    const rolled = fixture.tokens.find((t) => t.previousPlaintext !== null)!;
    const listener = await pool.connect();
    const heard: string[] = [];
    listener.on('notification', (message) => heard.push(message.payload ?? ''));
    try {
      await listener.query(`LISTEN ${postgresInvalidationChannel()}`);
      await store.update(rolled.organizationId, rolled.id, { remaining: 5 });
      await store.update(rolled.organizationId, rolled.id, { enabled: false });
      // A round trip on the listening connection delivers anything sent before it.
      await listener.query('SELECT 1');
      expect(heard).toHaveLength(2);
      heard.length = 0;
      expect(await store.spend(rolled.organizationId, rolled.id, 1, now)).toMatchObject({ ok: true, remaining: 4 });
      await store.update(rolled.organizationId, rolled.id, { enabled: true });
      await listener.query('SELECT 1');
      expect(heard).toEqual([`${sha256(rolled.plaintext)} ${sha256(rolled.previousPlaintext!)}`]);
    } finally {
      await listener.query('UNLISTEN *');
      listener.release();
    }
  });
});

describe('upgrading one v2 database from two OS processes at once', () => {
  test('both find version 2, both wait for the migration lock, one applies migration 3, the other nothing, and both verify the v2 tokens', async () => {
    const database = await v2Database();
    try {
      const race = await raceTwoProcesses(database, fixture.tokens.map((t) => t.plaintext));
      expect(race.waiting).toBe(2);
      expect(race.versionsWhileWaiting).toEqual([1, 2]);
      // The workers' clock is the real one: a fixture token whose expiry has passed answers EXPIRED, never NOT_FOUND.
      expect(race.answers).toEqual([0, 1].flatMap(() => fixture.tokens.map((t) => (t.expiresAt === null || t.expiresAt > Date.now() ? 'ok' : 'EXPIRED'))));
      expect(race.versionsAfter).toEqual([1, 2, 3]);
      const pool = database.pool({ max: 1 });
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM public.keyward_tokens WHERE enabled AND remaining IS NULL AND rate_limit IS NULL');
      expect(rows).toEqual([{ n: fixture.tokens.length }]);
    } finally {
      await database.drop();
    }
  });
});
