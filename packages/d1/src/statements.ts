import { LOOKUP_COLUMNS, TOKEN_COLUMNS } from '../../sqlite/src/rows.js';

/** Columns an audit entry is made of, in the order `auditFrom` binds them (?1 … ?7). */
const AUDIT_DRAFT_PARAMS = 7;

/**
 * The SQL of every statement the store runs, written once per table prefix. D1 binds parameters by
 * position only: `?N` numbers them, so one value can be used twice. Mirrors @keyward/sqlite's
 * statements.ts; where SQLite runs a transaction, D1 runs a batch (see d1-store.ts).
 *
 * @example const sql = d1Sql('keyward_'); db.prepare(sql.findByHash).bind(hash).raw();
 */
export function d1Sql(prefix: string) {
  const table = `${prefix}tokens`;
  const audit = `${prefix}audit`;
  const columns = TOKEN_COLUMNS.join(', ');
  const newestFirst = 'ORDER BY created_at DESC, id DESC LIMIT';
  const soonestFirst = 'ORDER BY expires_at, id LIMIT';
  // A refill is due once a whole interval has passed since the last one (LimitsStore.spend); ?4 is now.
  const due = 'refill_interval IS NOT NULL AND refilled_at IS NOT NULL AND ?4 >= refilled_at + refill_interval';
  const refilledAt = 'refilled_at + ((CAST(?4 AS INTEGER) - refilled_at) / refill_interval) * refill_interval';
  const n = (i: number) => `?${AUDIT_DRAFT_PARAMS + i}`;

  /**
   * One audit entry per token row `where` selects (its parameters numbered from ?8 on, see `n`),
   * named as the row is when the statement runs: put it before the write in the same batch.
   */
  const auditFrom = (where: string) =>
    `INSERT INTO ${audit} (id, organization_id, at, actor, action, token_id, token_name, changes, ip, user_agent)
     SELECT ?1 || ':' || id, organization_id, ?2, ?3, ?4, id, name, ?5, ?6, ?7 FROM ${table} WHERE ${where}`;

  const byIds = `organization_id = ${n(1)} AND id IN (SELECT value FROM json_each(${n(2)}))`;
  // The rename guard: a name key another token of the organization holds matches no row. The
  // unique index stays the last word (an error there is a bug, never a silent overwrite).
  const updatable = `organization_id = ${n(1)} AND id = ${n(2)} AND NOT (${n(3)} AND EXISTS (SELECT 1 FROM ${table} other WHERE other.organization_id = ${n(1)} AND other.name_key = ${n(5)} AND other.id <> ${n(2)}))`;

  return {
    insert: `INSERT INTO ${table} (${columns}) VALUES (${TOKEN_COLUMNS.map((_, i) => `?${i + 1}`).join(', ')}) ON CONFLICT (organization_id, name_key) DO NOTHING`,
    /** The inserted row's entry: the id and the hash name the row this insert wrote, never an older one. */
    auditInsert: auditFrom(`id = ${n(1)} AND hash = ${n(2)}`),
    // Raw arrays, as @keyward/sqlite reads them: two unique-index lookups (MULTI-INDEX OR).
    findByHash: `SELECT ${LOOKUP_COLUMNS.join(', ')} FROM ${table} WHERE hash = ?1 OR previous_hash = ?1`,
    get: `SELECT ${columns} FROM ${table} WHERE organization_id = ?1 AND id = ?2`,
    listFirst: `SELECT ${columns} FROM ${table} WHERE organization_id = ?1 ${newestFirst} ?2`,
    // A row value bounds the index range: a deep page costs what the first one does.
    listAfter: `SELECT ${columns} FROM ${table} WHERE organization_id = ?1 AND (created_at, id) < (?2, ?3) ${newestFirst} ?4`,
    expiringFirst: `SELECT ${columns} FROM ${table} WHERE expires_at > ?1 AND expires_at <= ?2 ${soonestFirst} ?3`,
    expiringAfter: `SELECT ${columns} FROM ${table} WHERE (expires_at, id) > (?1, ?2) AND expires_at <= ?3 ${soonestFirst} ?4`,
    // Id lists travel as one JSON array: a 1000-id delete is one statement with two parameters.
    deleteIds: `DELETE FROM ${table} WHERE organization_id = ?1 AND id IN (SELECT value FROM json_each(?2)) RETURNING ${columns}`,
    auditDeleteIds: auditFrom(byIds),
    deleteByProject: `DELETE FROM ${table} WHERE project_id = ?1 RETURNING ${columns}`,
    auditDeleteByProject: auditFrom(`project_id = ${n(1)}`),
    deleteExpired: `DELETE FROM ${table} WHERE expires_at IS NOT NULL AND expires_at <= ?1 RETURNING ${columns}`,
    auditDeleteExpired: auditFrom(`expires_at IS NOT NULL AND expires_at <= ${n(1)}`),
    // The whole flush in one statement (D1 counts every statement of a batch against a Worker
    // invocation's query limit): ?1 is a JSON array of [id, organizationId, lastUsedAt]. Monotonic
    // by the WHERE clause: an older instant matches no row.
    touch: `UPDATE ${table} SET last_used_at = used.at
       FROM (SELECT value ->> 0 AS id, value ->> 1 AS organization_id, MAX(value ->> 2) AS at FROM json_each(?1) GROUP BY 1, 2) AS used
       WHERE ${table}.id = used.id AND ${table}.organization_id = used.organization_id AND (${table}.last_used_at IS NULL OR ${table}.last_used_at < used.at)`,
    // One statement: the right-hand sides read the row as it was, so the current secret moves to
    // previous_* (or is dropped when ?5 is null) and an older previous secret stops at once.
    roll: `UPDATE ${table} SET
         hash = ?3, hint = ?4,
         previous_hash = IIF(?5 IS NULL, NULL, hash),
         previous_hint = IIF(?5 IS NULL, NULL, hint),
         previous_expires_at = ?5
       WHERE organization_id = ?1 AND id = ?2
       RETURNING ${columns}`,
    auditRoll: auditFrom(`organization_id = ${n(1)} AND id = ${n(2)}`),
    // ?3…?19 as UpdateParams' order (flags 0/1 say whether a field changes).
    update: `UPDATE ${table} SET
         name = IIF(?3, ?4, name),
         name_key = IIF(?3, ?5, name_key),
         metadata = IIF(?6, ?7, metadata),
         enabled = IIF(?8, ?9, enabled),
         rate_limit = IIF(?10, ?11, rate_limit),
         rate_window = IIF(?10, ?12, rate_window),
         remaining = IIF(?13, ?14, remaining),
         refill_amount = IIF(?15, ?16, refill_amount),
         refill_interval = IIF(?15, ?17, refill_interval),
         refilled_at = IIF(?18, ?19, refilled_at)
       WHERE organization_id = ?1 AND id = ?2 AND NOT (?3 AND EXISTS (SELECT 1 FROM ${table} other WHERE other.organization_id = ?1 AND other.name_key = ?5 AND other.id <> ?2))
       RETURNING ${columns}`,
    /** The entry of an update, from the row before it; the same guard as `update`, so it is written exactly when the update is. */
    auditUpdate: auditFrom(updatable),
    /** Whether the token exists: tells `null` from `'name_taken'` when the update matched no row. */
    exists: `SELECT 1 AS found FROM ${table} WHERE organization_id = ?1 AND id = ?2`,
    // The three statements of a spend, one batch: the refill that fell due and the conditional
    // spend in one write; else only the due refill (a refused spend keeps it); then what is left.
    spend: `UPDATE ${table} SET
         remaining = IIF(${due}, refill_amount, remaining) - ?3,
         refilled_at = IIF(${due}, ${refilledAt}, refilled_at)
       WHERE organization_id = ?1 AND id = ?2 AND remaining IS NOT NULL AND IIF(${due}, refill_amount, remaining) >= ?3
       RETURNING remaining, refilled_at`,
    refillDue: `UPDATE ${table} SET remaining = refill_amount, refilled_at = ${refilledAt}
       WHERE organization_id = ?1 AND id = ?2 AND remaining IS NOT NULL AND ?3 > 0 AND ${due}`,
    credits: `SELECT remaining, refilled_at FROM ${table} WHERE organization_id = ?1 AND id = ?2`,
  };
}

/** The SQL of `d1Sql(prefix)`. */
export type D1Sql = ReturnType<typeof d1Sql>;
