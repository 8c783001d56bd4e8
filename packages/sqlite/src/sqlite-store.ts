import type { DeleteManyResult, ExpiringPage, LastUsedUpdate, ListPage, RollChange, TokenRecord, TokenStore, UpdateChange } from '@keyward/core';
import { configureConnection } from './connection.js';
import { watchFile } from './file-identity.js';
import { migrate } from './migrations.js';
import { resolveOptions, type SqliteStoreOptions } from './options.js';
import { fromLookupRow, toJson, toParams, toRecord } from './rows.js';
import { prepareStatements, type UpdateParams } from './statements.js';
import { guard, toStoreError } from './unavailable.js';
import { writer } from './writes.js';

/**
 * A `TokenStore` in SQLite, over the caller's better-sqlite3 handle. Creates (or migrates) its tables
 * on construction and switches the file to WAL, so several processes can share one file. Every
 * operation is synchronous underneath; `findByHash` returns its answer directly. Writes never wait
 * for another process's lock inside SQLite (which would freeze the event loop): they retry on a
 * timer for up to 500 ms. A database that cannot answer (still locked, read-only, I/O error, closed
 * handle, file replaced or deleted under the store…) throws `StoreUnavailableError`, so
 * verification fails closed.
 *
 * @throws ConfigurationError for a bad `db` or `tablePrefix`; StoreUnavailableError when the
 * tables cannot be created
 * @example
 * import Database from 'better-sqlite3';
 * import { createKeyward } from '@keyward/core';
 * import { sqliteStore } from '@keyward/sqlite';
 *
 * const db = new Database('app.db');
 * const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject });
 */
export function sqliteStore(options: SqliteStoreOptions): TokenStore {
  const { db, tablePrefix } = resolveOptions(options);
  const statements = guard('setup', () => {
    configureConnection(db);
    migrate(db, tablePrefix);
    return prepareStatements(db, tablePrefix);
  });

  // One DELETE … RETURNING: a single statement, so one atomic write that reports exactly the rows
  // it removed; an id it did not find (unknown, foreign, or deleted just before) is simply missing.
  const deleteMany = (organizationId: string, ids: readonly string[]): DeleteManyResult => {
    const deleted = statements.deleteIds.all(organizationId, JSON.stringify(ids)).map(toRecord);
    const found = new Set(deleted.map((record) => record.id));
    return { deleted, missing: ids.filter((id) => !found.has(id)) };
  };

  const file = watchFile(db);
  const write = writer(db, file);

  const touch = db.transaction((updates: readonly LastUsedUpdate[]) => {
    for (const update of updates) statements.touch.run(update);
  });

  return {
    async insert(record: TokenRecord) {
      const { changes } = await write('insert', () => statements.insert.run(...toParams(record)));
      return changes === 1 ? 'ok' : 'name_taken';
    },

    findByHash(hash: string) {
      // No guard() closure here: this runs on every authenticated request. The file check reads
      // a flag the background check sets; no file system call on this path.
      file?.assertNotLost('findByHash');
      try {
        const row = statements.findByHash.get(hash, hash);
        return row === undefined ? null : fromLookupRow(row);
      } catch (error) {
        throw toStoreError('findByHash', error);
      }
    },

    async get(organizationId: string, id: string) {
      file?.assertNotLost('get');
      const row = guard('get', () => statements.get.get(organizationId, id));
      return row === undefined ? null : toRecord(row);
    },

    async list(organizationId, { limit, after }): Promise<ListPage> {
      file?.assertNotLost('list');
      // One extra row tells whether another page follows without a COUNT.
      const rows = guard('list', () =>
        after
          ? statements.listAfter.all(organizationId, after.createdAt, after.id, limit + 1)
          : statements.listFirst.all(organizationId, limit + 1),
      );
      const items = rows.slice(0, limit).map(toRecord);
      const last = items[items.length - 1];
      return { items, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
    },

    async deleteMany(organizationId: string, ids: readonly string[]) {
      return write('deleteMany', () => deleteMany(organizationId, ids));
    },

    async deleteByProject(projectId: string) {
      return (await write('deleteByProject', () => statements.deleteByProject.all(projectId))).map(toRecord);
    },

    async deleteExpired(expiredBefore: number) {
      return (await write('deleteExpired', () => statements.deleteExpired.all(expiredBefore))).map(toRecord);
    },

    async touch(updates: readonly LastUsedUpdate[]) {
      if (updates.length > 0) await write('touch', () => touch.immediate(updates));
    },

    async roll(organizationId: string, id: string, change: RollChange) {
      const { hash, hint, previousExpiresAt } = change;
      const row = await write('roll', () => statements.roll.get({ organizationId, id, hash, hint, previousExpiresAt }));
      return row === undefined ? null : toRecord(row);
    },

    async update(organizationId: string, id: string, change: UpdateChange) {
      const params = updateParams(organizationId, id, change);
      const row = await write('update', () => {
        try {
          return statements.update.get(params);
        } catch (error) {
          if (isUniqueViolation(error)) return 'name_taken' as const;
          throw error;
        }
      });
      return row === undefined ? null : row === 'name_taken' ? row : toRecord(row);
    },

    async listExpiring({ expiresAfter, expiresBy, limit, after }): Promise<ExpiringPage> {
      file?.assertNotLost('listExpiring');
      // A cursor at or before the window's start excludes nothing the window does not: first page.
      // (At the start itself too: the window excludes expiresAfter, the row value would not.)
      const rows = guard('listExpiring', () =>
        after && after.expiresAt > expiresAfter
          ? statements.expiringAfter.all(after.expiresAt, after.id, expiresBy, limit + 1)
          : statements.expiringFirst.all(expiresAfter, expiresBy, limit + 1),
      );
      const items = rows.slice(0, limit).map(toRecord);
      const last = items[items.length - 1];
      return { items, next: rows.length > limit && last ? { expiresAt: last.expiresAt!, id: last.id } : null };
    },

    // The handle belongs to the caller and prepared statements are freed with it: only the file
    // check's timer is the store's own.
    async close() {
      file?.stop();
    },
  } satisfies TokenStore;
}

/** The `update` statement's parameters; `name` and `nameKey` must come together. */
function updateParams(organizationId: string, id: string, change: UpdateChange): UpdateParams {
  const { name, nameKey, metadata } = change;
  if ((name === undefined) !== (nameKey === undefined)) {
    throw new TypeError('sqlite store: update(change): change.name and change.nameKey come together, or neither');
  }
  return {
    organizationId,
    id,
    setName: name === undefined ? 0 : 1,
    name: name ?? null,
    nameKey: nameKey ?? null,
    setMetadata: metadata === undefined ? 0 : 1,
    metadata: toJson(metadata),
  };
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}
