import type { AuditDraft, DeleteManyResult, ExpiringPage, FullTokenStore, LastUsedUpdate, ListPage, RollChange, SpendResult, TokenRecord, UpdateChange } from '@keyward/core';
import { fromLookupRow, toJson, toParams, toRecord, type LookupRow, type TokenRow } from '../../sqlite/src/rows.js';
import type { D1QueryableLike, D1StatementLike } from './d1-types.js';
import { toStoreError } from './errors.js';
import { d1History, draftParams } from './history.js';
import { assertCurrent, migrate } from './migrate.js';
import { resolveOptions, type D1StoreOptions } from './options.js';
import { RateLimiterD1 } from './rate-limiter.js';
import { d1Sql } from './statements.js';

/**
 * A `TokenStore` on Cloudflare D1, carrying every part of store contract v3 with @keyward/sqlite's
 * schema and SQL. D1 has no interactive transaction, so each obligation is one statement or one
 * `batch()` (one transaction): a spend is a conditional `UPDATE … RETURNING`; a write and its audit
 * entries are one batch (the entries selected from the rows just before the write); a delete
 * reports exactly the rows its `DELETE … RETURNING` removed.
 *
 * Every call runs on the primary, in a session of its own opened `'first-primary'` (D1's Sessions
 * API): a read replica may still hold a token deleted a moment ago from another location, and no
 * bookmark of that deletion reaches the verifying request, so only the primary can make a deletion
 * immediate everywhere.
 *
 * The first call creates or upgrades the tables (`migrate: true`, the default) or checks that the
 * package's `migrations/` were applied with wrangler (`migrate: false`). An error that means D1
 * could not answer (connection lost, database reset or overloaded…) throws `StoreUnavailableError`,
 * so verification fails closed.
 *
 * @throws ConfigurationError for a bad `db`, `tablePrefix` or `migrate`
 * @example
 * import { createKeyward } from '@keyward/core';
 * import { d1Store } from '@keyward/d1';
 *
 * export default {
 *   async fetch(request: Request, env: { DB: D1Database }) {
 *     const keyward = createKeyward({ store: d1Store({ db: env.DB }), resolveProject });
 *     // …
 *   },
 * };
 */
export function d1Store(options: D1StoreOptions): FullTokenStore {
  const { db, tablePrefix, migrate: migrates } = resolveOptions(options);
  const sql = d1Sql(tablePrefix);
  const history = d1History(tablePrefix);
  const limiters = new Map<string, RateLimiterD1>();

  /** A fresh session on the primary for one store call (the binding itself where D1 has no sessions). */
  const primary = (): D1QueryableLike => (db.withSession ? db.withSession('first-primary') : db);

  // Workers forbid I/O at global scope, where a store is often built: the schema is set up by the
  // first call instead, once (a failed setup is tried again by the next call).
  let ready = false;
  let setup: Promise<void> | null = null;
  const prepareTables = (): Promise<void> =>
    (setup ??= (async () => {
      const session = primary();
      if (migrates) await migrate(session, tablePrefix);
      else await assertCurrent(session, tablePrefix);
      ready = true;
    })().catch((error: unknown) => {
      setup = null;
      throw toStoreError('setup', error);
    }));

  /** Runs one store call on the primary, once the tables are there, translating outages. */
  async function run<T>(operation: string, call: (session: D1QueryableLike) => Promise<T>): Promise<T> {
    if (!ready) await prepareTables();
    try {
      return await call(primary());
    } catch (error) {
      throw toStoreError(operation, error);
    }
  }

  const rows = async (statement: D1StatementLike) => (await statement.all<TokenRow>()).results;

  /** A write and, with a draft, its audit entries (selected by `auditSql` just before it), as one batch. */
  async function audited(session: D1QueryableLike, write: D1StatementLike, draft: AuditDraft | undefined, auditSql: string, where: unknown[]): Promise<TokenRow[]> {
    if (draft === undefined) return rows(write);
    const [, result] = await session.batch<TokenRow>([session.prepare(auditSql).bind(...draftParams(draft), ...where), write]);
    return result!.results;
  }

  return {
    insert: (record: TokenRecord, draft?: AuditDraft) =>
      run('insert', async (session) => {
        const insert = session.prepare(sql.insert).bind(...toParams(record));
        const statements = draft ? [insert, session.prepare(sql.auditInsert).bind(...draftParams(draft), record.id, record.hash)] : [insert];
        const [result] = await session.batch(statements);
        return result!.meta.changes === 1 ? 'ok' : 'name_taken';
      }),

    findByHash: (hash: string) =>
      run('findByHash', async (session) => {
        const [row] = await session.prepare(sql.findByHash).bind(hash).raw<LookupRow>();
        return row === undefined ? null : fromLookupRow(row);
      }),

    get: (organizationId: string, id: string) =>
      run('get', async (session) => {
        const [row] = await rows(session.prepare(sql.get).bind(organizationId, id));
        return row === undefined ? null : toRecord(row);
      }),

    list: (organizationId, { limit, after }): Promise<ListPage> =>
      run('list', async (session) => {
        // One extra row tells whether another page follows without a COUNT.
        const found = await rows(
          after ? session.prepare(sql.listAfter).bind(organizationId, after.createdAt, after.id, limit + 1) : session.prepare(sql.listFirst).bind(organizationId, limit + 1),
        );
        const items = found.slice(0, limit).map(toRecord);
        const last = items[items.length - 1];
        return { items, next: found.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
      }),

    // One DELETE … RETURNING reports exactly the rows it removed; an id it did not find (unknown,
    // foreign, or deleted just before by an overlapping call, which D1 ran first) is missing.
    deleteMany: (organizationId: string, ids: readonly string[], draft?: AuditDraft): Promise<DeleteManyResult> =>
      run('deleteMany', async (session) => {
        const idsJson = JSON.stringify(ids);
        const removed = await audited(session, session.prepare(sql.deleteIds).bind(organizationId, idsJson), draft, sql.auditDeleteIds, [organizationId, idsJson]);
        const deleted = removed.map(toRecord);
        const found = new Set(deleted.map((record) => record.id));
        return { deleted, missing: ids.filter((id) => !found.has(id)) };
      }),

    deleteByProject: (projectId: string, draft?: AuditDraft) =>
      run('deleteByProject', async (session) =>
        (await audited(session, session.prepare(sql.deleteByProject).bind(projectId), draft, sql.auditDeleteByProject, [projectId])).map(toRecord),
      ),

    deleteExpired: (expiredBefore: number, draft?: AuditDraft) =>
      run('deleteExpired', async (session) =>
        (await audited(session, session.prepare(sql.deleteExpired).bind(expiredBefore), draft, sql.auditDeleteExpired, [expiredBefore])).map(toRecord),
      ),

    async touch(updates: readonly LastUsedUpdate[]) {
      if (updates.length === 0) return;
      const rows = JSON.stringify(updates.map((u) => [u.id, u.organizationId, u.lastUsedAt]));
      await run('touch', (session) => session.prepare(sql.touch).bind(rows).run());
    },

    roll: (organizationId: string, id: string, change: RollChange, draft?: AuditDraft) =>
      run('roll', async (session) => {
        const write = session.prepare(sql.roll).bind(organizationId, id, change.hash, change.hint, change.previousExpiresAt);
        // A roll keeps the name: the entry's name is the token's.
        const [row] = await audited(session, write, draft, sql.auditRoll, [organizationId, id]);
        return row === undefined ? null : toRecord(row);
      }),

    update: (organizationId: string, id: string, change: UpdateChange, draft?: AuditDraft) => {
      const params = updateParams(organizationId, id, change);
      return run('update', async (session): Promise<TokenRecord | 'name_taken' | null> => {
        // The entry first, from the row as it is before a rename, guarded as the update is; then the
        // update; then whether the token exists, to tell "no such token" from "name taken". One batch.
        const statements = [
          ...(draft ? [session.prepare(sql.auditUpdate).bind(...draftParams(draft), organizationId, id, params[2], params[3], params[4])] : []),
          session.prepare(sql.update).bind(...params),
          session.prepare(sql.exists).bind(organizationId, id),
        ];
        const results = await session.batch<TokenRow & { found?: number }>(statements);
        const [updated, exists] = results.slice(-2);
        const [row] = updated!.results;
        if (row !== undefined) return toRecord(row);
        return exists!.results.length > 0 ? 'name_taken' : null;
      });
    },

    spend: (organizationId: string, id: string, cost: number, now: number) =>
      run('spend', async (session): Promise<SpendResult> => {
        const [spent, , left] = await session.batch<{ remaining: number | null; refilled_at: number | null }>([
          session.prepare(sql.spend).bind(organizationId, id, cost, now),
          session.prepare(sql.refillDue).bind(organizationId, id, cost, now),
          session.prepare(sql.credits).bind(organizationId, id),
        ]);
        const taken = spent!.results[0];
        if (taken !== undefined) return { ok: true, remaining: taken.remaining!, refilledAt: taken.refilled_at };
        const row = left!.results[0];
        if (row === undefined) return null;
        // Without credits nothing was written; refused, what is left (after a refill that fell due).
        return row.remaining === null ? { ok: true, remaining: null, refilledAt: row.refilled_at } : { ok: false, remaining: row.remaining, refilledAt: row.refilled_at };
      }),

    rateLimiter(options) {
      // One limiter per options, shared by every keyward on this store; no I/O until the first consume.
      const key = `${options.keyPrefix}|${options.points}|${options.duration}`;
      let limiter = limiters.get(key);
      if (limiter === undefined) {
        limiter = new RateLimiterD1({
          db: primary,
          tableName: `${tablePrefix}rate_limits`,
          toError: (operation, error) => toStoreError(operation, error),
          ...options,
        });
        limiters.set(key, limiter);
        // The table exists once the store is set up: the limiter's first consume waits for that.
        const consume = limiter.consume.bind(limiter);
        limiter.consume = async (...args: Parameters<typeof consume>) => {
          if (!ready) await prepareTables();
          return consume(...args);
        };
      }
      return limiter;
    },

    auditLog: (organizationId, options) => run('auditLog', (session) => history.auditPage(session, organizationId, options)),
    pruneAudit: (before: number) => run('pruneAudit', (session) => history.pruneAudit(session, before)),
    async addUsage(counts) {
      if (counts.length > 0) await run('addUsage', (session) => history.addUsage(session, counts));
    },
    readUsage: (organizationId, options) => run('readUsage', (session) => history.readUsage(session, organizationId, options)),
    pruneUsage: (beforeDay: string) => run('pruneUsage', (session) => history.pruneUsage(session, beforeDay)),

    listExpiring: ({ expiresAfter, expiresBy, limit, after }): Promise<ExpiringPage> =>
      run('listExpiring', async (session) => {
        // A cursor at or before the window's start excludes nothing the window does not: first page.
        const found = await rows(
          after && after.expiresAt > expiresAfter
            ? session.prepare(sql.expiringAfter).bind(after.expiresAt, after.id, expiresBy, limit + 1)
            : session.prepare(sql.expiringFirst).bind(expiresAfter, expiresBy, limit + 1),
        );
        const items = found.slice(0, limit).map(toRecord);
        const last = items[items.length - 1];
        return { items, next: found.length > limit && last ? { expiresAt: last.expiresAt!, id: last.id } : null };
      }),

    // The binding belongs to the Worker; the store holds nothing open.
    async close() {},
  } satisfies FullTokenStore;
}

/**
 * The `update` statement's parameters, ?1…?19 (each flag 0/1 says whether its field changes);
 * `name` and `nameKey` must come together.
 */
function updateParams(organizationId: string, id: string, change: UpdateChange): unknown[] {
  const { name, nameKey, metadata } = change;
  if ((name === undefined) !== (nameKey === undefined)) {
    throw new TypeError('d1 store: update(change): change.name and change.nameKey come together, or neither');
  }
  const flag = (value: unknown): 0 | 1 => (value === undefined ? 0 : 1);
  return [
    organizationId,
    id,
    flag(name),
    name ?? null,
    nameKey ?? null,
    flag(metadata),
    toJson(metadata),
    flag(change.enabled),
    change.enabled === undefined ? null : change.enabled ? 1 : 0,
    flag(change.rateLimit),
    change.rateLimit?.limit ?? null,
    change.rateLimit?.window ?? null,
    flag(change.remaining),
    change.remaining ?? null,
    flag(change.refill),
    change.refill?.amount ?? null,
    change.refill?.interval ?? null,
    flag(change.refilledAt),
    change.refilledAt ?? null,
  ];
}
