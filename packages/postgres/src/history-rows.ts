import { USAGE_REFUSAL_CODES, type AuditActor, type AuditDraft, type AuditEntry, type UsageCount, type UsageDay, type UsageRefusalCode } from '@keyward/core';

/**
 * A row of `AUDIT_COLUMNS` (statements.ts) in array mode: `at` (bigint) arrives as a string,
 * `changes` as its JSON text.
 */
export type AuditRow = [
  id: string,
  organizationId: string,
  tokenId: string,
  tokenName: string,
  at: string,
  actorType: 'user' | 'system',
  actorUserId: string | null,
  actorRole: string | null,
  action: AuditEntry['action'],
  changes: string | null,
  ip: string | null,
  userAgent: string | null,
];

/**
 * The entry a row holds.
 * @example const entry = toAuditEntry(result.rows[0]); // entry.at is a number
 */
export function toAuditEntry(row: AuditRow): AuditEntry {
  // The table's CHECK keeps a user actor's id and role present, a system actor's absent.
  const actor: AuditActor = row[5] === 'system' ? { type: 'system' } : ({ type: 'user', userId: row[6]!, role: row[7]! } as AuditActor);
  return {
    id: row[0],
    at: Number(row[4]),
    actor,
    action: row[8],
    changes: row[9] === null ? null : (JSON.parse(row[9]) as Record<string, unknown>),
    ip: row[10],
    userAgent: row[11],
    organizationId: row[1],
    tokenId: row[2],
    tokenName: row[3],
  };
}

/**
 * A write method's draft as the bound parameter its statement's `logged` step reads (JSON text),
 * or null: no draft, no entry.
 * @example await pool.query(sql.deleteIds, [organizationId, ids, draftParam(audit)]);
 */
export function draftParam(draft: AuditDraft | undefined): string | null {
  return draft === undefined ? null : JSON.stringify(draft);
}

/**
 * A batch of counts as the arrays `addUsage` unnests: token ids, days, organization ids, then one
 * array per counter (accepted, then each refusal code in `USAGE_REFUSAL_CODES` order).
 * @example await pool.query(sql.addUsage, usageParams(counts));
 */
export function usageParams(counts: readonly UsageCount[]): unknown[] {
  return [
    counts.map((c) => c.tokenId),
    counts.map((c) => c.day),
    counts.map((c) => c.organizationId),
    counts.map((c) => c.accepted),
    ...USAGE_REFUSAL_CODES.map((code) => counts.map((c) => c.refused[code] ?? 0)),
  ];
}

/** A row of a usage read in array mode: the day, then the counters as bigint strings. */
export type UsageRow = [day: string, accepted: string, ...refused: string[]];

/**
 * The day a usage row holds, every refusal code present.
 * @example toUsageDay(['2026-01-02', '5', '0', '3', '0', '0', '4', '0']).refused.RATE_LIMITED // 4
 */
export function toUsageDay(row: UsageRow): UsageDay {
  const refused = {} as Record<UsageRefusalCode, number>;
  USAGE_REFUSAL_CODES.forEach((code, i) => {
    refused[code] = Number(row[i + 2]);
  });
  return { day: row[0], accepted: Number(row[1]), refused };
}
