import { createHash } from 'node:crypto';
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
}

/** @example statements(location).insert */
export function statements(location: Location): Statements {
  const n = names(location);
  const t = n.tokens;
  const columns = SELECT_COLUMNS;
  const newestFirst = 'ORDER BY created_at DESC, id DESC';
  const soonestFirst = 'ORDER BY expires_at, id';
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
  return {
    names: n,
    findByHashName: `keyward_find_by_hash_${digest}`,
    findByHash,
    // Only a name clash is an answer ('name_taken'); a duplicate id or hash still raises
    // unique_violation, which the contract forbids and core reports as a bug.
    insert: `INSERT INTO ${t} (${TOKEN_COLUMNS.join(', ')}) VALUES (${TOKEN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
      ON CONFLICT (organization_id, name_key) DO NOTHING`,
    get: `SELECT ${columns} FROM ${t} WHERE organization_id = $1 AND id = $2`,
    listFirst: `SELECT ${columns} FROM ${t} WHERE organization_id = $1 ${newestFirst} LIMIT $2`,
    // A row-value comparison is one index condition on (organization_id, created_at, id): a deep
    // page starts where the cursor points instead of skipping the rows before it.
    listAfter: `SELECT ${columns} FROM ${t} WHERE organization_id = $1 AND (created_at, id) < ($2, $3) ${newestFirst} LIMIT $4`,
    deleteIds: `DELETE FROM ${t} WHERE organization_id = $1 AND id = ANY($2::text[]) RETURNING ${columns}`,
    deleteByProject: `DELETE FROM ${t} WHERE project_id = $1 RETURNING ${columns}`,
    deleteExpired: `DELETE FROM ${t} WHERE expires_at IS NOT NULL AND expires_at <= $1 RETURNING ${columns}`,
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
    roll: `UPDATE ${t} SET hash = $3, hint = $4,
        previous_hash = CASE WHEN $5::bigint IS NULL THEN NULL ELSE hash END,
        previous_hint = CASE WHEN $5::bigint IS NULL THEN NULL ELSE hint END,
        previous_expires_at = $5::bigint
      WHERE organization_id = $1 AND id = $2 RETURNING ${columns}`,
    // $3 and $5 say whether the name and the metadata change, so one prepared text serves every
    // combination. A name clash raises unique_violation on nameKeyIndex: the statement writes
    // nothing, and the store answers 'name_taken'.
    update: `UPDATE ${t} SET
        name = CASE WHEN $3::boolean THEN $4::text ELSE name END,
        name_key = CASE WHEN $3::boolean THEN $5::text ELSE name_key END,
        metadata = CASE WHEN $6::boolean THEN $7::jsonb ELSE metadata END
      WHERE organization_id = $1 AND id = $2 RETURNING ${columns}`,
    nameKeyIndex: `${location.tablePrefix}tokens_org_name_key`,
    // Keyset pages on the (expires_at, id) index. After a cursor, the row value alone is the lower
    // bound (the store passes a cursor only when it lies inside the window, so it implies
    // expires_at > expiresAfter): one index condition, and a deep page starts at the cursor.
    listExpiringFirst: `SELECT ${columns} FROM ${t}
      WHERE expires_at IS NOT NULL AND expires_at > $1 AND expires_at <= $2 ${soonestFirst} LIMIT $3`,
    listExpiringAfter: `SELECT ${columns} FROM ${t}
      WHERE expires_at IS NOT NULL AND (expires_at, id) > ($1, $2) AND expires_at <= $3 ${soonestFirst} LIMIT $4`,
  };
}
