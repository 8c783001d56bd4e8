// The D1 store's own tests, beyond the conformance suite: read replicas, migrations, options, and
// what real D1 errors become. Declared with mini-vitest and run inside workerd by suite-worker.ts.
import { ConfigurationError, StoreUnavailableError, createKeyward } from '@keyward/core';
import { d1SchemaStatements, d1Store, type D1DatabaseLike, type D1QueryableLike } from '@keyward/d1';
import { describe, expect, test } from 'vitest';
import { dropTables } from './tables.js';

export interface Env {
  /** The database: its primary. */
  DB: D1DatabaseLike;
  /** A second database standing for a read replica of DB, copied from it only when a test says so. */
  REPLICA: D1DatabaseLike;
}

const admin = { userId: 'u_admin', organizationId: 'org_edge', role: 'owner' } as const;
let sequence = 0;
const freshPrefix = () => `s${++sequence}_`;

/**
 * A binding with read replication, as D1's Sessions API routes it: a session opened
 * 'first-primary' starts on the primary; any other session (unconstrained, or from a bookmark the
 * replica has reached) may be served by the replica, which lags until `sync()`. Queries outside a
 * session go to the primary. Every session's constraint is logged.
 */
function replicated(primary: D1DatabaseLike, replica: D1DatabaseLike, prefix: string) {
  const sessions: string[] = [];
  const binding: D1DatabaseLike = {
    prepare: (sql) => primary.prepare(sql),
    batch: (statements) => primary.batch(statements),
    withSession(constraint = 'first-unconstrained'): D1QueryableLike {
      sessions.push(constraint);
      return constraint === 'first-primary' ? primary.withSession!('first-primary') : replica;
    },
  };
  /** The replica catches up: the primary's rows, copied table by table. */
  async function sync(): Promise<void> {
    const { results } = await primary.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, length(?1)) = ?1`).bind(prefix).all<{ name: string }>();
    for (const { name } of results) {
      const rows = (await primary.prepare(`SELECT * FROM "${name}"`).all()).results;
      const copies = rows.map((row) => {
        const columns = Object.keys(row);
        return replica.prepare(`INSERT INTO "${name}" (${columns.join(', ')}) VALUES (${columns.map((_, i) => `?${i + 1}`).join(', ')})`).bind(...Object.values(row));
      });
      await replica.batch([replica.prepare(`DELETE FROM "${name}"`), ...copies]);
    }
  }
  return { binding, sessions, sync };
}

async function outcome(call: () => unknown): Promise<unknown> {
  try {
    return { answered: await call() };
  } catch (error) {
    return error;
  }
}

export function describeD1Specifics(env: Env): void {
  describe('d1Store on D1', () => {
    test('a token deleted on the primary is refused at once, while a lagging replica still holds it: every store call reads the primary', async () => {
      const prefix = freshPrefix();
      const { binding, sessions, sync } = replicated(env.DB, env.REPLICA, prefix);
      // The replica has the same tables (D1 replicates the schema too).
      await d1Store({ db: env.REPLICA, tablePrefix: prefix }).list('org_none', { limit: 1 });
      const keyward = createKeyward({ store: d1Store({ db: binding, tablePrefix: prefix }), resolveProject: () => null });
      try {
        const { plaintext, token } = await keyward.create(admin, { name: 'Edge', scope: { kind: 'organization' }, expiresIn: '30d' });
        await sync();
        expect((await keyward.verify(plaintext)).ok).toBe(true);
        await keyward.delete(admin, token.id);
        // The replica has not caught up: a read served there still finds the token.
        const stale = await binding.withSession!('first-unconstrained').prepare(`SELECT id FROM ${prefix}tokens WHERE id = ?1`).bind(token.id).all();
        expect(stale.results).toHaveLength(1);
        sessions.length = 0;
        // The next verification, from any location, asks the primary: refused.
        expect(await keyward.verify(plaintext)).toEqual({ ok: false, code: 'NOT_FOUND' });
        expect(sessions).toEqual(['first-primary']);
      } finally {
        await keyward.close();
        await dropTables(env.DB, prefix);
        await dropTables(env.REPLICA, prefix);
      }
    });

    test('every store method opens its own first-primary session, never a replica one', async () => {
      const prefix = freshPrefix();
      const { binding, sessions } = replicated(env.DB, env.REPLICA, prefix);
      const keyward = createKeyward({ store: d1Store({ db: binding, tablePrefix: prefix }), resolveProject: () => null, audit: true, usage: true });
      try {
        const { plaintext, token } = await keyward.create(admin, { name: 'Every call', scope: { kind: 'organization' }, expiresIn: '1d' });
        await keyward.verify(plaintext);
        await keyward.list(admin);
        await keyward.update(admin, token.id, { name: 'Renamed' });
        await keyward.roll(admin, token.id, {});
        await keyward.delete(admin, token.id);
        expect(sessions.length).toBeGreaterThan(6);
        expect([...new Set(sessions)]).toEqual(['first-primary']);
      } finally {
        await keyward.close();
        await dropTables(env.DB, prefix);
      }
    });

    test('a D1 session passed as db is refused by name: the store must choose the primary itself', () => {
      const session = Object.assign(env.DB.withSession!('first-unconstrained'), {});
      let error: unknown;
      try {
        d1Store({ db: session as D1DatabaseLike });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toContain('pass the binding itself (env.DB)');
    });

    test('migrate: false refuses tables never migrated, naming the migration files; after they are applied it works', async () => {
      const prefix = 'keyward_';
      await dropTables(env.DB, prefix);
      try {
        const error = await outcome(() => d1Store({ db: env.DB, migrate: false }).list('org_1', { limit: 1 }));
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as Error).message).toContain('0001_keyward_v1.sql, 0002_keyward_v2.sql, 0003_keyward_v3.sql');
        // What `wrangler d1 migrations apply` runs: the files' statements, file by file.
        for (const statements of d1SchemaStatements(prefix)) await env.DB.batch(statements.map((sql) => env.DB.prepare(sql)));
        expect(await d1Store({ db: env.DB, migrate: false }).list('org_1', { limit: 1 })).toEqual({ items: [], next: null });
      } finally {
        await dropTables(env.DB, prefix);
      }
    });

    test('a v2 schema (migrations 1 and 2 only) is upgraded in place by the first call, its tokens kept and read as enabled and unlimited', async () => {
      const prefix = freshPrefix();
      try {
        const [v1, v2] = d1SchemaStatements(prefix);
        await env.DB.batch([...v1!, ...v2!].map((sql) => env.DB.prepare(sql)));
        await env.DB.prepare(
          `INSERT INTO ${prefix}tokens (id, organization_id, name, name_key, scope_kind, project_id, hash, hint, created_at, created_by) VALUES ('tok_old', 'org_1', 'Old', 'old', 'organization', NULL, 'hash_old', 'kw_old_', 1, 'u1')`,
        ).run();
        const found = await d1Store({ db: env.DB, tablePrefix: prefix }).findByHash('hash_old');
        expect(found).toMatchObject({ id: 'tok_old', enabled: true, rateLimit: null, remaining: null, refill: null });
        const version = await env.DB.prepare(`SELECT MAX(version) AS v FROM ${prefix}schema_version`).all<{ v: number }>();
        expect(version.results[0]!.v).toBe(3);
      } finally {
        await dropTables(env.DB, prefix);
      }
    });

    test('ten stores on one new database set up the tables at once: every first call answers', async () => {
      const prefix = freshPrefix();
      try {
        const answers = await Promise.all(Array.from({ length: 10 }, () => outcome(() => d1Store({ db: env.DB, tablePrefix: prefix }).list('org_1', { limit: 1 }))));
        expect(answers).toEqual(Array.from({ length: 10 }, () => ({ answered: { items: [], next: null } })));
      } finally {
        await dropTables(env.DB, prefix);
      }
    });

    test('a real D1 error about the question (tables dropped under the store) is a bug, not an outage: never null, never StoreUnavailableError', async () => {
      const prefix = freshPrefix();
      const store = d1Store({ db: env.DB, tablePrefix: prefix });
      await store.list('org_1', { limit: 1 });
      await dropTables(env.DB, prefix);
      const error = await outcome(() => store.findByHash('any'));
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message).toContain('no such table');
    });

    test('a name taken by a rename is answered name_taken, and neither the rename nor its audit entry is written', async () => {
      const prefix = freshPrefix();
      const keyward = createKeyward({ store: d1Store({ db: env.DB, tablePrefix: prefix }), resolveProject: () => null, audit: true });
      try {
        await keyward.create(admin, { name: 'Alpha', scope: { kind: 'organization' }, expiresIn: '1d' });
        const { token } = await keyward.create(admin, { name: 'Beta', scope: { kind: 'organization' }, expiresIn: '1d' });
        expect(await outcome(() => keyward.update(admin, token.id, { name: 'ALPHA' }))).toMatchObject({ code: 'NAME_TAKEN' });
        const entries = await env.DB.prepare(`SELECT action FROM ${prefix}audit WHERE token_id = ?1`).bind(token.id).all<{ action: string }>();
        expect(entries.results.map((r) => r.action)).toEqual(['created']);
      } finally {
        await keyward.close();
        await dropTables(env.DB, prefix);
      }
    });
  });
}
