import { createHash } from 'node:crypto';
import { names, type Names } from './names.js';
import type { Location } from './options.js';
import { TOKEN_COLUMNS } from './rows.js';

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
}

/** @example statements(location).insert */
export function statements(location: Location): Statements {
  const n = names(location);
  const t = n.tokens;
  const columns = TOKEN_COLUMNS.join(', ');
  const newestFirst = 'ORDER BY created_at DESC, id DESC';
  // Prepared statement names live per connection and are cut at 63 bytes by the server, so two
  // stores on one pool need short names that differ by location: a digest of it.
  const digest = createHash('sha256').update(`${location.schema}\0${location.tablePrefix}`).digest('hex').slice(0, 16);
  return {
    names: n,
    findByHashName: `keyward_find_by_hash_${digest}`,
    findByHash: `SELECT ${columns} FROM ${t} WHERE hash = $1`,
    // Only a name clash is an answer ('name_taken'); a duplicate id or hash still raises
    // unique_violation, which the contract forbids and core reports as a bug.
    insert: `INSERT INTO ${t} (${columns}) VALUES (${TOKEN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
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
  };
}
