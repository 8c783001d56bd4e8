import { createHash } from 'node:crypto';
import { USAGE_REFUSAL_CODES } from '@keyward/core';
import { names, type Names } from './names.js';
import type { Location } from './options.js';
import { SELECT_COLUMNS, TOKEN_COLUMNS } from './rows.js';

/**
 * The SQL of every statement the store runs at one location. Parameters are bound, never spliced;
 * only the checked identifiers are.
 *
 * @example const { text } = statements({ schema: 'public', tablePrefix: 'keyward_' }).get;
 */
export interface Statements {
  names: Names;
  /** Name of the verification lookup's server-side prepared statement (unique per location). */
  findByHashName: string;
  findByHash: string;
  insert: string;
  get: string;
  listFirst: string;
  listAfter: string;
  deleteIds: string;
  deleteByProject: string;
  deleteExpired: string;
  touch: string;
  roll: string;
  update: string;
  /** The unique index whose violation by `update` means the new name is taken. */
  nameKeyIndex: string;
  listExpiringFirst: string;
  listExpiringAfter: string;
  /** Name of the credit spend's server-side prepared statement (run per limited request). */
  spendName: string;
  spend: string;
  /** spend() with the row locked, when `spend`'s unlocked read cannot answer (see spendSql). */
  spendLocked: string;
  auditFirst: string;
  auditAfter: string;
  auditTokenFirst: string;
  auditTokenAfter: string;
  pruneAudit: string;
  addUsage: string;
  readUsageToken: string;
  readUsageOrganization: string;
  pruneUsage: string;
}

/**
 * A CTE that writes one audit entry per row of `source` (a CTE of token rows with `id`,
 * `organization_id` and the name the entry keeps as `nameColumn`) from the draft bound as JSON at
 * `$param`, or nothing when that parameter is null. Part of the action's own statement, so the
 * action and its entries commit together or not at all, and no statement is added.
 */
function logged(n: Names, source: string, nameColumn: string, param: number): string {
  return `logged AS (
    INSERT INTO ${n.audit} (id, organization_id, token_id, token_name, at, actor_type, actor_user_id, actor_role, action, changes, ip, user_agent)
    SELECT (d->>'id') || ':' || ${source}.id, ${source}.organization_id, ${source}.id, ${source}.${nameColumn}, (d->>'at')::bigint,
      d->'actor'->>'type', d->'actor'->>'userId', d->'actor'->>'role', d->>'action', NULLIF(d->'changes', 'null'::jsonb), d->>'ip', d->>'userAgent'
    FROM ${source}, (SELECT $${param}::jsonb AS d) draft WHERE draft.d IS NOT NULL
  )`;
}

/** The columns an audit page reads, in the order `toAuditEntry` takes them. */
export const AUDIT_COLUMNS = 'id, organization_id, token_id, token_name, at, actor_type, actor_user_id, actor_role, action, changes::text, ip, user_agent';

// The usage table's counter columns: `accepted`, then one per refusal code in USAGE_REFUSAL_CODES
// order (the order history-rows.ts binds and reads them in), each named as its code in lower case.
const USAGE_COUNTERS = ['accepted', ...USAGE_REFUSAL_CODES.map((code) => code.toLowerCase())];

// spend()'s refill step, on the row's values as they stand when the statement locks it: the
// credits available, and the refill clock, once every refill due at $4 (now) has been applied.
// Integer division of non-negative bigints is floor.
const REFILL_DUE = 'refill_interval IS NOT NULL AND refilled_at IS NOT NULL AND $4::bigint >= refilled_at + refill_interval';
const AVAILABLE = `CASE WHEN ${REFILL_DUE} THEN refill_amount ELSE remaining END`;
const ANCHOR = `CASE WHEN ${REFILL_DUE} THEN refilled_at + ($4::bigint - refilled_at) / refill_interval * refill_interval ELSE refilled_at END`;

/** @example statements(location).insert */
export function statements(location: Location): Statements {
  const n = names(location);
  const t = n.tokens;
  const columns = SELECT_COLUMNS;
  const newestFirst = 'ORDER BY created_at DESC, id DESC';
  const soonestFirst = 'ORDER BY expires_at, id';
  const newestEntriesFirst = 'ORDER BY at DESC, id DESC';
  // Each arm is an equality on a unique index. Append runs its arms in order and LIMIT stops it at
  // the first row, so the usual case (the current secret) costs one index probe, and only a
  // previous secret (or an unknown one) probes the second index.
  const findByHash = `(SELECT ${columns} FROM ${t} WHERE hash = $1)
      UNION ALL (SELECT ${columns} FROM ${t} WHERE previous_hash = $1) LIMIT 1`;
  // Prepared statement names live per connection and are cut at 63 bytes by the server, so two
  // stores on one pool need short names that differ by location: a digest of it. It covers the
  // text too: node-postgres refuses one name for two texts on a connection, which two versions of
  // this package sharing a pool would otherwise do.
  const digest = createHash('sha256').update(`${location.schema}\0${location.tablePrefix}\0${findByHash}`).digest('hex').slice(0, 16);
  const spend = spendSql(t);
  const spendDigest = createHash('sha256').update(`${location.schema}\0${location.tablePrefix}\0${spend}`).digest('hex').slice(0, 16);
  const usageSums = USAGE_COUNTERS.map((c) => `sum(${c})::bigint`).join(', ');
  return {
    names: n,
    findByHashName: `keyward_find_by_hash_${digest}`,
    findByHash,
    // Only a name clash is an answer ('name_taken'); a duplicate id or hash still raises
    // unique_violation, which the contract forbids and core reports as a bug.
    // One row back when the token was inserted, none when its name was taken (then no entry either).
    insert: `WITH inserted AS (
        INSERT INTO ${t} (${TOKEN_COLUMNS.join(', ')}) VALUES (${TOKEN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
        ON CONFLICT (organization_id, name_key) DO NOTHING RETURNING id, organization_id, name
      ), ${logged(n, 'inserted', 'name', TOKEN_COLUMNS.length + 1)}
      SELECT 1 FROM inserted`,
    get: `SELECT ${columns} FROM ${t} WHERE organization_id = $1 AND id = $2`,
    listFirst: `SELECT ${columns} FROM ${t} WHERE organization_id = $1 ${newestFirst} LIMIT $2`,
    // A row-value comparison is one index condition on (organization_id, created_at, id): a deep
    // page starts where the cursor points instead of skipping the rows before it.
    listAfter: `SELECT ${columns} FROM ${t} WHERE organization_id = $1 AND (created_at, id) < ($2, $3) ${newestFirst} LIMIT $4`,
    // Each delete writes its entries from the rows it deleted, in the same statement.
    deleteIds: `WITH gone AS (DELETE FROM ${t} WHERE organization_id = $1 AND id = ANY($2::text[]) RETURNING ${columns}),
      ${logged(n, 'gone', 'name', 3)} SELECT * FROM gone`,
    deleteByProject: `WITH gone AS (DELETE FROM ${t} WHERE project_id = $1 RETURNING ${columns}),
      ${logged(n, 'gone', 'name', 2)} SELECT * FROM gone`,
    deleteExpired: `WITH gone AS (DELETE FROM ${t} WHERE expires_at IS NOT NULL AND expires_at <= $1 RETURNING ${columns}),
      ${logged(n, 'gone', 'name', 2)} SELECT * FROM gone`,
    // One statement for the whole batch. The rows are locked in id order first, so two processes
    // flushing overlapping batches queue instead of deadlocking; GREATEST and the WHERE keep it
    // monotonic (an older instant never overwrites a newer one, and an unchanged row is not rewritten).
    touch: `WITH updates AS (
        SELECT u.id, u.organization_id, max(u.last_used_at) AS last_used_at
        FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(id, organization_id, last_used_at)
        GROUP BY u.id, u.organization_id
      ), locked AS (
        SELECT t.id, updates.last_used_at FROM ${t} t JOIN updates USING (id, organization_id)
        WHERE t.last_used_at IS NULL OR t.last_used_at < updates.last_used_at
        ORDER BY t.id FOR UPDATE OF t
      )
      UPDATE ${t} t SET last_used_at = GREATEST(t.last_used_at, locked.last_used_at)
      FROM locked WHERE t.id = locked.id`,
    // One row, one statement: the right-hand sides read the row as it was, so the current secret
    // moves to previous_* (or, with no grace period, is dropped with any earlier previous one).
    // The change trigger announces the old hash and the old previous hash in this statement.
    roll: `WITH changed AS (
        UPDATE ${t} SET hash = $3, hint = $4,
          previous_hash = CASE WHEN $5::bigint IS NULL THEN NULL ELSE hash END,
          previous_hint = CASE WHEN $5::bigint IS NULL THEN NULL ELSE hint END,
          previous_expires_at = $5::bigint
        WHERE organization_id = $1 AND id = $2 RETURNING ${columns}
      ), ${logged(n, 'changed', 'name', 6)} SELECT * FROM changed`,
    // Flags ($3, $6, $9, $12, $14, $16) say which fields change (enabled: null keeps it), so one
    // prepared text serves every combination. A name clash raises unique_violation on
    // nameKeyIndex: the statement writes nothing (no entry either), and the store answers
    // 'name_taken'. The entry keeps the name from before the update: the row is locked in `old`
    // first, so under a concurrent rename it is the latest name, and RETURNING hands it on.
    update: `WITH changed AS (
        UPDATE ${t} SET
          name = CASE WHEN $3::boolean THEN $4::text ELSE name END,
          name_key = CASE WHEN $3::boolean THEN $5::text ELSE name_key END,
          metadata = CASE WHEN $6::boolean THEN $7::jsonb ELSE metadata END,
          enabled = COALESCE($8::boolean, enabled),
          rate_limit = CASE WHEN $9::boolean THEN $10::integer ELSE rate_limit END,
          rate_window = CASE WHEN $9::boolean THEN $11::bigint ELSE rate_window END,
          remaining = CASE WHEN $12::boolean THEN $13::bigint ELSE remaining END,
          refill_amount = CASE WHEN $14::boolean THEN $15::bigint ELSE refill_amount END,
          refill_interval = CASE WHEN $14::boolean THEN $16::bigint ELSE refill_interval END,
          refilled_at = CASE WHEN $17::boolean THEN $18::bigint ELSE refilled_at END
        FROM (SELECT id AS old_id, name AS old_name FROM ${t} WHERE organization_id = $1 AND id = $2 FOR UPDATE) old
        WHERE ${t}.id = old.old_id
        RETURNING ${columns}, old.old_name
      ), ${logged(n, 'changed', 'old_name', 19)} SELECT * FROM changed`,
    nameKeyIndex: `${location.tablePrefix}tokens_org_name_key`,
    // Keyset pages on the (expires_at, id) index. After a cursor, the row value alone is the lower
    // bound (the store passes a cursor only when it lies inside the window, so it implies
    // expires_at > expiresAfter): one index condition, and a deep page starts at the cursor.
    listExpiringFirst: `SELECT ${columns} FROM ${t}
      WHERE expires_at IS NOT NULL AND expires_at > $1 AND expires_at <= $2 ${soonestFirst} LIMIT $3`,
    listExpiringAfter: `SELECT ${columns} FROM ${t}
      WHERE expires_at IS NOT NULL AND (expires_at, id) > ($1, $2) AND expires_at <= $3 ${soonestFirst} LIMIT $4`,
    spendName: `keyward_spend_${spendDigest}`,
    spend,
    spendLocked: spendLockedSql(t),
    // Keyset pages, newest first, on (organization_id[, token_id], at DESC, id DESC).
    auditFirst: `SELECT ${AUDIT_COLUMNS} FROM ${n.audit} WHERE organization_id = $1 ${newestEntriesFirst} LIMIT $2`,
    auditAfter: `SELECT ${AUDIT_COLUMNS} FROM ${n.audit} WHERE organization_id = $1 AND (at, id) < ($2, $3) ${newestEntriesFirst} LIMIT $4`,
    auditTokenFirst: `SELECT ${AUDIT_COLUMNS} FROM ${n.audit} WHERE organization_id = $1 AND token_id = $2 ${newestEntriesFirst} LIMIT $3`,
    auditTokenAfter: `SELECT ${AUDIT_COLUMNS} FROM ${n.audit}
      WHERE organization_id = $1 AND token_id = $2 AND (at, id) < ($3, $4) ${newestEntriesFirst} LIMIT $5`,
    pruneAudit: `DELETE FROM ${n.audit} WHERE at < $1`,
    // The whole batch in one statement. Rows of one (token, day) are summed first (ON CONFLICT may
    // touch a row once per statement), and taken in key order, so two processes adding overlapping
    // batches queue on the rows instead of deadlocking. Each row is an atomic increment.
    addUsage: `INSERT INTO ${n.usage} (token_id, day, organization_id, ${USAGE_COUNTERS.join(', ')})
      SELECT u.token_id, u.day, min(u.organization_id), ${USAGE_COUNTERS.map((c) => `sum(u.${c})`).join(', ')}
      FROM unnest($1::text[], $2::date[], $3::text[], ${USAGE_COUNTERS.map((_, i) => `$${i + 4}::bigint[]`).join(', ')})
        AS u(token_id, day, organization_id, ${USAGE_COUNTERS.join(', ')})
      GROUP BY u.token_id, u.day ORDER BY u.token_id, u.day
      ON CONFLICT (token_id, day) DO UPDATE SET ${USAGE_COUNTERS.map((c) => `${c} = ${n.usage}.${c} + excluded.${c}`).join(', ')}`,
    // to_char, not day::text: the text of a date follows the session's DateStyle, which a host may set.
    readUsageToken: `SELECT to_char(day, 'YYYY-MM-DD'), ${USAGE_COUNTERS.join(', ')} FROM ${n.usage}
      WHERE token_id = $2 AND organization_id = $1 AND day BETWEEN $3::date AND $4::date ORDER BY day`,
    readUsageOrganization: `SELECT to_char(day, 'YYYY-MM-DD'), ${usageSums} FROM ${n.usage}
      WHERE organization_id = $1 AND day BETWEEN $2::date AND $3::date GROUP BY day ORDER BY day`,
    pruneUsage: `DELETE FROM ${n.usage} WHERE day < $1::date`,
  };
}

/**
 * spend()'s statement. The usual case is the first UPDATE alone: it takes the credits when enough
 * are left once a due refill is applied, and READ COMMITTED re-checks its WHERE on the row's latest
 * version after waiting for a concurrent spend, so N spends against C credits take exactly
 * min(N, C / cost) whatever their interleaving. When it takes nothing, `seen` reads the row without
 * locking it, so a refusal (a client calling on with no credits left) writes nothing and commits
 * nothing: no transaction id, no WAL flush. Its values are the statement's snapshot: when they say
 * the spend should have passed (a concurrent change the UPDATE saw and this read cannot) or that a
 * refill fell due (which must be kept), the store runs `spendLocked` instead.
 * Answers (spent, remaining, refilled_at, available, anchor): one `spent` row, or the row as seen.
 */
function spendSql(t: string): string {
  return `WITH spent AS (
      ${SPEND_UPDATE(t)}
    ), seen AS (
      SELECT remaining, refilled_at, ${AVAILABLE} AS available, ${ANCHOR} AS anchor FROM ${t}
      WHERE organization_id = $1 AND id = $2 AND NOT EXISTS (SELECT FROM spent)
    )
    SELECT true, remaining, refilled_at, NULL::bigint, NULL::bigint FROM spent
    UNION ALL
    SELECT false, remaining, refilled_at, available, anchor FROM seen`;
}

const SPEND_UPDATE = (t: string) => `UPDATE ${t} SET remaining = ${AVAILABLE} - $3::bigint, refilled_at = ${ANCHOR}
      WHERE organization_id = $1 AND id = $2 AND remaining IS NOT NULL AND ${AVAILABLE} >= $3::bigint
      RETURNING remaining, refilled_at`;

/**
 * spend() when `spendSql`'s unlocked read cannot answer (rare): the same UPDATE, then `latest` locks
 * the row and reads it as it stands now, and `refilled` keeps a refill that fell due. Answers like
 * `spendSql`, with `available` and `anchor` already written.
 */
function spendLockedSql(t: string): string {
  return `WITH spent AS (
      ${SPEND_UPDATE(t)}
    ), latest AS (
      SELECT id, remaining, refilled_at, ${AVAILABLE} AS available, ${ANCHOR} AS anchor FROM ${t}
      WHERE organization_id = $1 AND id = $2 AND NOT EXISTS (SELECT FROM spent)
      FOR UPDATE
    ), refilled AS (
      UPDATE ${t} SET remaining = latest.available, refilled_at = latest.anchor FROM latest
      WHERE ${t}.id = latest.id AND latest.remaining IS NOT NULL AND latest.anchor IS DISTINCT FROM latest.refilled_at
    )
    SELECT true, remaining, refilled_at, NULL::bigint, NULL::bigint FROM spent
    UNION ALL
    SELECT false, CASE WHEN remaining IS NULL THEN NULL ELSE available END, CASE WHEN remaining IS NULL THEN refilled_at ELSE anchor END, available, anchor FROM latest`;
}
