import type { AuditDraft, DeleteManyResult, ExpiringPage, FullTokenStore, LastUsedUpdate, ListPage, RollChange, TokenRecord, UpdateChange } from '@keyward/core';
import type { QueryArrayConfig } from 'pg';
import { auditPart } from './audit-log.js';
import type { StoreContext } from './context.js';
import { guard } from './errors.js';
import { draftParam } from './history-rows.js';
import { prepare } from './migrate.js';
import { resolveOptions, type PostgresStoreOptions } from './options.js';
import { rateLimiterPart } from './rate-limiter.js';
import { jsonParam, toParams, toRecord, type TokenRow } from './rows.js';
import { limitsPart } from './spend.js';
import { statements } from './statements.js';
import { usagePart } from './usage.js';
import { assertPoolOfThisRequest, inWorkerd } from './workerd.js';

/**
 * A `TokenStore` in PostgreSQL, over the caller's node-postgres Pool (on the primary: see the
 * README on read replicas), with every part of contract v3: limits (`spend()` is one statement),
 * a rate limiter (rate-limiter-flexible's `RateLimiterPostgres` on the same pool), the audit trail
 * (each entry written by its action's own statement) and usage counts. Applies its migrations on
 * first use unless `migrate: false`.
 * Verification is one round trip: a named prepared statement on the unique indexes of the current
 * and the previous secret. Every statement that deletes a token, rolls its secret or changes what
 * a verification answers publishes the token's old hashes on `postgresInvalidationChannel()` in
 * the same transaction. A server that cannot answer (unreachable, connection lost, statement,
 * lock or connect timeout, shutting down, read-only, out of connections) makes every method throw
 * `StoreUnavailableError`; a serialization failure or deadlock is run again (3 attempts in all)
 * before it counts as one; any other error is a bug and is rethrown as it is (docs/stores.md,
 * "PostgreSQL errors", lists every code).
 *
 * In Cloudflare Workers (workerd with `nodejs_compat`), node-postgres connects through
 * `cloudflare:sockets` (or Hyperdrive) and every connection belongs to the request that opened it:
 * build the pool and the store per request. A pool first used by an earlier request is refused with
 * a `ConfigurationError` naming `pool` (its queries would never be answered).
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
export function postgresStore(options: PostgresStoreOptions): FullTokenStore {
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

  // In workerd a pool kept from an earlier request never answers: refuse it by name before querying.
  const checkRequest = inWorkerd() ? () => assertPoolOfThisRequest(pool, 'postgresStore') : undefined;

  function run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return guard(operation, async () => {
      checkRequest?.();
      if (!ready) await start();
      return work();
    });
  }
  const context: StoreContext = { pool, location, sql, run };

  async function rows(operation: string, text: string, values: unknown[]): Promise<TokenRow[]> {
    return run(operation, async () => (await pool.query<TokenRow>({ text, values, rowMode: 'array' })).rows);
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
    async insert(record: TokenRecord, audit?: AuditDraft) {
      const { rowCount } = await run('insert', () => pool.query(sql.insert, [...toParams(record), draftParam(audit)]));
      return rowCount === 1 ? 'ok' : 'name_taken';
    },

    // The hot path: guard()'s own promise, straight over one async function (run()'s extra layer,
    // or this method being async too, would cost the verification microtasks).
    findByHash(hash: string) {
      return guard('findByHash', async () => {
        checkRequest?.();
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

    async deleteMany(organizationId: string, ids: readonly string[], audit?: AuditDraft): Promise<DeleteManyResult> {
      if (ids.length === 0) return { deleted: [], missing: [] };
      // One autocommitted DELETE … RETURNING: atomic on its own (with its NOTIFY and its audit
      // entries, one per token it actually deleted), and it returns exactly the rows it removed (a
      // row another transaction deleted first is simply not returned), so each token is reported by
      // one call; the rest of the ids are missing.
      const deleted = (await rows('deleteMany', sql.deleteIds, [organizationId, ids, draftParam(audit)])).map(toRecord);
      const found = new Set(deleted.map((record) => record.id));
      return { deleted, missing: ids.filter((id) => !found.has(id)) };
    },

    async deleteByProject(projectId: string, audit?: AuditDraft) {
      return (await rows('deleteByProject', sql.deleteByProject, [projectId, draftParam(audit)])).map(toRecord);
    },

    async deleteExpired(expiredBefore: number, audit?: AuditDraft) {
      return (await rows('deleteExpired', sql.deleteExpired, [expiredBefore, draftParam(audit)])).map(toRecord);
    },

    async touch(updates: readonly LastUsedUpdate[]) {
      if (updates.length === 0) return;
      await run('touch', () => pool.query(sql.touch, [updates.map((u) => u.id), updates.map((u) => u.organizationId), updates.map((u) => u.lastUsedAt)]));
    },

    async roll(organizationId: string, id: string, change: RollChange, audit?: AuditDraft) {
      return first(await rows('roll', sql.roll, [organizationId, id, change.hash, change.hint, change.previousExpiresAt, draftParam(audit)]));
    },

    async update(organizationId: string, id: string, change: UpdateChange, audit?: AuditDraft) {
      if (audit === undefined && !changesAnything(change)) return first(await rows('update', sql.get, [organizationId, id]));
      return run('update', async () => {
        try {
          return first((await pool.query<TokenRow>({ text: sql.update, values: updateParams(organizationId, id, change, audit), rowMode: 'array' })).rows);
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

    ...limitsPart(context),
    ...rateLimiterPart(context),
    ...auditPart(context),
    ...usagePart(context),

    // The pool belongs to the caller; prepared statements die with its connections.
    async close() {},
  } satisfies FullTokenStore;
}

const CHANGE_FIELDS = ['name', 'metadata', 'enabled', 'rateLimit', 'remaining', 'refill', 'refilledAt'] as const;

/** Whether `change` sets any field (without a draft, an empty change is a read). */
function changesAnything(change: UpdateChange): boolean {
  return CHANGE_FIELDS.some((field) => change[field] !== undefined);
}

/** The update statement's parameters: each field's flag (does it change?) and new value, then the draft. */
function updateParams(organizationId: string, id: string, change: UpdateChange, audit: AuditDraft | undefined): unknown[] {
  const { rateLimit, refill } = change;
  return [
    organizationId,
    id,
    change.name !== undefined,
    change.name ?? null,
    change.nameKey ?? null,
    change.metadata !== undefined,
    jsonParam(change.metadata),
    change.enabled ?? null,
    rateLimit !== undefined,
    rateLimit?.limit ?? null,
    rateLimit?.window ?? null,
    change.remaining !== undefined,
    change.remaining ?? null,
    refill !== undefined,
    refill?.amount ?? null,
    refill?.interval ?? null,
    change.refilledAt !== undefined,
    change.refilledAt ?? null,
    draftParam(audit),
  ];
}

/** Whether `error` is PostgreSQL's unique_violation on the index (or constraint) named `index`. */
function isUniqueViolationOf(error: unknown, index: string): boolean {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && constraint === index;
}
