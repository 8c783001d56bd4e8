import type { DeleteManyResult, ExpiringPage, LastUsedUpdate, ListPage, RollChange, TokenRecord, TokenStore, UpdateChange } from '@keyward/core';
import type { QueryArrayConfig } from 'pg';
import { guard } from './errors.js';
import { prepare } from './migrate.js';
import { resolveOptions, type PostgresStoreOptions } from './options.js';
import { jsonParam, toParams, toRecord, type TokenRow } from './rows.js';
import { statements } from './statements.js';

/**
 * A `TokenStore` in PostgreSQL, over the caller's node-postgres Pool (on the primary: see the
 * README on read replicas). Applies its migrations on first use unless `migrate: false`.
 * Verification is one round trip: a named prepared statement on the unique indexes of the current
 * and the previous secret. Every statement that deletes a token, rolls its secret or changes what
 * a verification answers publishes the token's old hashes on `postgresInvalidationChannel()` in
 * the same transaction. A server that cannot answer (unreachable, connection lost, statement,
 * lock or connect timeout, shutting down, read-only, out of connections) makes every method throw
 * `StoreUnavailableError`; a serialization failure or deadlock is run again (3 attempts in all)
 * before it counts as one; any other error is a bug and is rethrown as it is (docs/stores.md,
 * "PostgreSQL errors", lists every code).
 *
 * @throws ConfigurationError for a bad `pool`, `schema`, `tablePrefix` or `migrate`
 * @example
 * import pg from 'pg';
 * import { createKeyward } from '@keyward/core';
 * import { postgresStore } from '@keyward/postgres';
 *
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * pool.on('error', (error) => console.error('idle PostgreSQL connection failed', error));
 * const keyward = createKeyward({ store: postgresStore({ pool }), resolveProject });
 */
export function postgresStore(options: PostgresStoreOptions): TokenStore {
  const { pool, migrate, ...location } = resolveOptions(options);
  const sql = statements(location);

  // The first call checks the server (and migrates) once, shared by every caller that arrives
  // meanwhile. A failure (the server is down at startup) is not remembered: the next call tries again.
  let ready = false;
  let starting: Promise<void> | undefined;
  function start(): Promise<void> {
    starting ??= prepare(pool, location, migrate).then(
      () => {
        ready = true;
      },
      (error: unknown) => {
        starting = undefined;
        throw error;
      },
    );
    return starting;
  }

  async function rows(operation: string, text: string, values: unknown[]): Promise<TokenRow[]> {
    return guard(operation, async () => {
      if (!ready) await start();
      return (await pool.query<TokenRow>({ text, values, rowMode: 'array' })).rows;
    });
  }
  const first = (found: TokenRow[]): TokenRecord | null => (found.length === 0 ? null : toRecord(found[0]!));

  // One config object per hash: node-postgres parses the statement once per connection under this
  // name and afterwards sends only Bind/Execute.
  const findByHashQuery = (hash: string): QueryArrayConfig => ({
    name: sql.findByHashName,
    text: sql.findByHash,
    values: [hash],
    rowMode: 'array',
  });

  return {
    async insert(record: TokenRecord) {
      return guard('insert', async () => {
        if (!ready) await start();
        const { rowCount } = await pool.query(sql.insert, toParams(record));
        return rowCount === 1 ? 'ok' : 'name_taken';
      });
    },

    async findByHash(hash: string) {
      return guard('findByHash', async () => {
        if (!ready) await start();
        return first((await pool.query<TokenRow>(findByHashQuery(hash))).rows);
      });
    },

    async get(organizationId: string, id: string) {
      return first(await rows('get', sql.get, [organizationId, id]));
    },

    async list(organizationId, { limit, after }): Promise<ListPage> {
      // One extra row tells whether another page follows without a COUNT.
      const found = after
        ? await rows('list', sql.listAfter, [organizationId, after.createdAt, after.id, limit + 1])
        : await rows('list', sql.listFirst, [organizationId, limit + 1]);
      const items = found.slice(0, limit).map(toRecord);
      const last = items[items.length - 1];
      return { items, next: found.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
    },

    async deleteMany(organizationId: string, ids: readonly string[]): Promise<DeleteManyResult> {
      if (ids.length === 0) return { deleted: [], missing: [] };
      // One autocommitted DELETE … RETURNING: atomic on its own, and it returns exactly the rows it
      // removed (a row another transaction deleted first is simply not returned), so each token is
      // reported by one call; the rest of the ids are missing.
      const deleted = (await rows('deleteMany', sql.deleteIds, [organizationId, ids])).map(toRecord);
      const found = new Set(deleted.map((record) => record.id));
      return { deleted, missing: ids.filter((id) => !found.has(id)) };
    },

    async deleteByProject(projectId: string) {
      return (await rows('deleteByProject', sql.deleteByProject, [projectId])).map(toRecord);
    },

    async deleteExpired(expiredBefore: number) {
      return (await rows('deleteExpired', sql.deleteExpired, [expiredBefore])).map(toRecord);
    },

    async touch(updates: readonly LastUsedUpdate[]) {
      if (updates.length === 0) return;
      await guard('touch', async () => {
        if (!ready) await start();
        await pool.query(sql.touch, [updates.map((u) => u.id), updates.map((u) => u.organizationId), updates.map((u) => u.lastUsedAt)]);
      });
    },

    async roll(organizationId: string, id: string, change: RollChange) {
      return first(await rows('roll', sql.roll, [organizationId, id, change.hash, change.hint, change.previousExpiresAt]));
    },

    async update(organizationId: string, id: string, change: UpdateChange) {
      const renaming = change.name !== undefined;
      const replacingMetadata = change.metadata !== undefined;
      if (!renaming && !replacingMetadata) return first(await rows('update', sql.get, [organizationId, id]));
      return guard('update', async () => {
        if (!ready) await start();
        try {
          const values = [organizationId, id, renaming, change.name ?? null, change.nameKey ?? null, replacingMetadata, jsonParam(change.metadata)];
          return first((await pool.query<TokenRow>({ text: sql.update, values, rowMode: 'array' })).rows);
        } catch (error) {
          if (isUniqueViolationOf(error, sql.nameKeyIndex)) return 'name_taken' as const;
          throw error;
        }
      });
    },

    async listExpiring({ expiresAfter, expiresBy, limit, after }): Promise<ExpiringPage> {
      // A cursor at or before the window's start bounds nothing the window does not (see statements.ts).
      const found =
        after && after.expiresAt > expiresAfter
          ? await rows('listExpiring', sql.listExpiringAfter, [after.expiresAt, after.id, expiresBy, limit + 1])
          : await rows('listExpiring', sql.listExpiringFirst, [expiresAfter, expiresBy, limit + 1]);
      const items = found.slice(0, limit).map(toRecord);
      const last = items[items.length - 1];
      return { items, next: found.length > limit && last ? { expiresAt: last.expiresAt!, id: last.id } : null };
    },

    // The pool belongs to the caller; prepared statements die with its connections.
    async close() {},
  } satisfies TokenStore;
}

/** Whether `error` is PostgreSQL's unique_violation on the index (or constraint) named `index`. */
function isUniqueViolationOf(error: unknown, index: string): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === index;
}
