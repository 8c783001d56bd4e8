import type { AuditDraft, DeleteManyResult, ExpiringPage, FullTokenStore, LastUsedUpdate, ListPage, RollChange, SpendResult, TokenRecord, UpdateChange } from '@keyward/core';
import { RateLimiterSQLite } from 'rate-limiter-flexible';
import { sqliteHistory } from './history.js';
import { configureConnection } from './connection.js';
import { sqliteDriver } from './drivers/index.js';
import { watchFile } from './file-identity.js';
import { migrate } from './migrations.js';
import { resolveOptions, type SqliteStoreOptions } from './options.js';
import { fromLookupRow, toJson, toParams, toRecord, type LookupRow } from './rows.js';
import { prepareStatements, type SpendParams, type UpdateParams } from './statements.js';
import { guard, sqliteCode, toStoreError } from './unavailable.js';
import { writer } from './writes.js';

/**
 * A `TokenStore` in SQLite, over the caller's handle — better-sqlite3, `node:sqlite` (Node 22.5+,
 * Deno) or `bun:sqlite` (Bun), told apart by shape; the same SQL on each — carrying every part of store
 * contract v3: limits (a spend is one conditional UPDATE … RETURNING), rate limits
 * (rate-limiter-flexible's RateLimiterSQLite on the same database), the audit trail (each entry
 * written in its action's transaction) and daily usage counts (INSERT … ON CONFLICT increments). Creates (or migrates) its tables
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
 * const db = new Database('app.db'); // or new DatabaseSync('app.db') from 'node:sqlite', new Database('app.db') from 'bun:sqlite'
 * const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject });
 */
export function sqliteStore(options: SqliteStoreOptions): FullTokenStore {
  const { db, driver: driverName, tablePrefix } = resolveOptions(options);
  const { driver, statements, history } = guard('setup', () => {
    const driver = sqliteDriver(db, driverName);
    configureConnection(driver);
    migrate(driver, tablePrefix);
    return { driver, statements: prepareStatements(driver, tablePrefix), history: sqliteHistory(driver, tablePrefix) };
  });
  // Each action runs as one IMMEDIATE transaction (see below); an action inside another joins it.
  const transaction =
    <A extends unknown[], T>(fn: (...args: A) => T) =>
    (...args: A): T =>
      driver.immediate(() => fn(...args));

  // Read-then-write transactions are IMMEDIATE: in WAL, upgrading a read transaction to a write
  // fails with SQLITE_BUSY_SNAPSHOT without waiting when another process committed in between.
  // Each write and its audit entries are one transaction: both are stored, or neither.
  // One DELETE … RETURNING reports exactly the rows it removed (an id it did not find — unknown,
  // foreign, or deleted just before — is missing); their audit entries go in the same transaction.
  const deleteMany = transaction((organizationId: string, ids: readonly string[], draft: AuditDraft | undefined): DeleteManyResult => {
    const deleted = statements.deleteIds.all(organizationId, JSON.stringify(ids)).map(toRecord);
    history.writeAudit(draft, deleted);
    const found = new Set(deleted.map((record) => record.id));
    return { deleted, missing: ids.filter((id) => !found.has(id)) };
  });
  const insert = transaction((record: TokenRecord, draft: AuditDraft | undefined): boolean => {
    if (Number(statements.insert.run(...toParams(record)).changes) !== 1) return false;
    history.writeAudit(draft, [record]);
    return true;
  });
  const audited = transaction((records: TokenRecord[], draft: AuditDraft | undefined): TokenRecord[] => {
    history.writeAudit(draft, records);
    return records;
  });
  const deleteByProject = transaction((projectId: string, draft: AuditDraft | undefined) => audited(statements.deleteByProject.all(projectId).map(toRecord), draft));
  const deleteExpired = transaction((before: number, draft: AuditDraft | undefined) => audited(statements.deleteExpired.all(before).map(toRecord), draft));
  const roll = transaction((organizationId: string, id: string, change: RollChange, draft: AuditDraft | undefined): TokenRecord | null => {
    const row = statements.roll.get({ organizationId, id, ...change });
    if (row === undefined) return null;
    const record = toRecord(row);
    // A roll keeps the name: the entry's name is the one before it.
    history.writeAudit(draft, [record]);
    return record;
  });
  const update = transaction((params: UpdateParams, draft: AuditDraft | undefined): TokenRecord | 'name_taken' | null => {
    // The entry names the token as it was before a rename: read it first, in the same transaction.
    const before = draft && params.setName ? statements.get.get(params.organizationId, params.id) : undefined;
    let row;
    try {
      row = statements.update.get(params);
    } catch (error) {
      if (isUniqueViolation(error)) return 'name_taken';
      throw error;
    }
    if (row === undefined) return null;
    const record = toRecord(row);
    history.writeAudit(draft, [before ? toRecord(before) : record]);
    return record;
  });
  const spend = transaction((params: SpendParams): SpendResult => {
    const spent = statements.spend.get(params);
    if (spent !== undefined) return { ok: true, remaining: spent.remaining, refilledAt: spent.refilled_at };
    const row = statements.credits.get(params.organizationId, params.id);
    if (row === undefined) return null;
    if (row.remaining === null) return { ok: true, remaining: null, refilledAt: row.refilled_at };
    const due = row.refill_interval !== null && row.refilled_at !== null && params.now >= row.refilled_at + row.refill_interval;
    if (!due) return { ok: false, remaining: row.remaining, refilledAt: row.refilled_at };
    // Refused even after the refill (cost above the amount): the refill is kept all the same.
    const refilledAt = row.refilled_at! + Math.floor((params.now - row.refilled_at!) / row.refill_interval!) * row.refill_interval!;
    statements.refill.run({ organizationId: params.organizationId, id: params.id, remaining: row.refill_amount!, refilledAt });
    return { ok: false, remaining: row.refill_amount!, refilledAt };
  });
  const limiters = new Map<string, RateLimiterSQLite>();

  const file = watchFile(driver.path);
  const write = writer(driver, file);

  const touch = transaction((updates: readonly LastUsedUpdate[]) => {
    for (const { id, organizationId, lastUsedAt } of updates) statements.touch.run({ id, organizationId, lastUsedAt });
  });

  return {
    async insert(record: TokenRecord, draft?: AuditDraft) {
      return (await write('insert', () => insert(record, draft))) ? 'ok' : 'name_taken';
    },

    findByHash(hash: string) {
      // No guard() closure here: this runs on every authenticated request. The file check reads
      // a flag the background check sets; no file system call on this path.
      file?.assertNotLost('findByHash');
      try {
        const row = statements.findByHash.get(hash, hash);
        return row === undefined ? null : fromLookupRow(row as LookupRow);
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

    async deleteMany(organizationId: string, ids: readonly string[], draft?: AuditDraft) {
      return write('deleteMany', () => deleteMany(organizationId, ids, draft));
    },

    async deleteByProject(projectId: string, draft?: AuditDraft) {
      return write('deleteByProject', () => deleteByProject(projectId, draft));
    },

    async deleteExpired(expiredBefore: number, draft?: AuditDraft) {
      return write('deleteExpired', () => deleteExpired(expiredBefore, draft));
    },

    async touch(updates: readonly LastUsedUpdate[]) {
      if (updates.length > 0) await write('touch', () => touch(updates));
    },

    async roll(organizationId: string, id: string, change: RollChange, draft?: AuditDraft) {
      const { hash, hint, previousExpiresAt } = change;
      return write('roll', () => roll(organizationId, id, { hash, hint, previousExpiresAt }, draft));
    },

    async update(organizationId: string, id: string, change: UpdateChange, draft?: AuditDraft) {
      const params = updateParams(organizationId, id, change);
      return write('update', () => update(params, draft));
    },

    spend(organizationId: string, id: string, cost: number, now: number) {
      return write('spend', () => spend({ organizationId, id, cost, now }));
    },

    rateLimiter(options) {
      // One limiter per options, shared by every keyward on this store; the table is migration 3's.
      const key = `${options.keyPrefix}|${options.points}|${options.duration}`;
      let limiter = limiters.get(key);
      if (limiter === undefined) {
        // rate-limiter-flexible knows better-sqlite3 only: other drivers pass a client of that shape.
        limiter = new RateLimiterSQLite({ storeClient: driver.rateLimiterClient(), storeType: 'better-sqlite3', tableName: `${tablePrefix}rate_limits`, tableCreated: true, ...options });
        limiters.set(key, limiter);
      }
      return limiter;
    },

    async auditLog(organizationId, options) {
      file?.assertNotLost('auditLog');
      return guard('auditLog', () => history.auditPage(organizationId, options));
    },

    async pruneAudit(before: number) {
      return write('pruneAudit', () => history.pruneAudit(before));
    },

    async addUsage(counts) {
      if (counts.length > 0) await write('addUsage', () => history.addUsage(counts));
    },

    async readUsage(organizationId, options) {
      file?.assertNotLost('readUsage');
      return guard('readUsage', () => history.readUsage(organizationId, options));
    },

    async pruneUsage(beforeDay: string) {
      return write('pruneUsage', () => history.pruneUsage(beforeDay));
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
  } satisfies FullTokenStore;
}

/** The `update` statement's parameters; `name` and `nameKey` must come together. */
function updateParams(organizationId: string, id: string, change: UpdateChange): UpdateParams {
  const { name, nameKey, metadata } = change;
  if ((name === undefined) !== (nameKey === undefined)) {
    throw new TypeError('sqlite store: update(change): change.name and change.nameKey come together, or neither');
  }
  const flag = (value: unknown): 0 | 1 => (value === undefined ? 0 : 1);
  return {
    organizationId,
    id,
    setName: flag(name),
    name: name ?? null,
    nameKey: nameKey ?? null,
    setMetadata: flag(metadata),
    metadata: toJson(metadata),
    setEnabled: flag(change.enabled),
    enabled: change.enabled === undefined ? null : change.enabled ? 1 : 0,
    setRateLimit: flag(change.rateLimit),
    rateLimit: change.rateLimit?.limit ?? null,
    rateWindow: change.rateLimit?.window ?? null,
    setRemaining: flag(change.remaining),
    remaining: change.remaining ?? null,
    setRefill: flag(change.refill),
    refillAmount: change.refill?.amount ?? null,
    refillInterval: change.refill?.interval ?? null,
    setRefilledAt: flag(change.refilledAt),
    refilledAt: change.refilledAt ?? null,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE';
}
