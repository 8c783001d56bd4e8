import { USAGE_REFUSAL_CODES, type AuditEntry, type UsageDay } from '@keyward/core';

// The audit and usage tables of migration 3, as rows: shared by this store and @keyward/d1, whose
// tables they are too.

/** A row of `<prefix>audit`. */
export interface AuditRow {
  id: string;
  organization_id: string;
  at: number;
  actor: string;
  action: string;
  token_id: string;
  token_name: string;
  changes: string | null;
  ip: string | null;
  user_agent: string | null;
}

/** Usage columns by refusal code, in USAGE_REFUSAL_CODES order. */
const CODE_COLUMNS = ['disabled', 'expired', 'scope_denied', 'permission_denied', 'rate_limited', 'usage_exhausted'] as const;
/** Every count column of `<prefix>usage`. */
export const COUNT_COLUMNS = ['accepted', ...CODE_COLUMNS] as const;

/**
 * An audit row as the entry it stores.
 *
 * @example toAuditEntry(row).tokenName // 'CI'
 */
export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: JSON.parse(row.actor) as AuditEntry['actor'],
    action: row.action as AuditEntry['action'],
    changes: row.changes === null ? null : (JSON.parse(row.changes) as Record<string, unknown>),
    ip: row.ip,
    userAgent: row.user_agent,
    organizationId: row.organization_id,
    tokenId: row.token_id,
    tokenName: row.token_name,
  };
}

/**
 * A usage row (or a day's sums over an organization) as the day it counts.
 *
 * @example toUsageDay({ day: '2026-12-07', accepted: 3, disabled: 0, … }).accepted // 3
 */
export function toUsageDay(row: Record<string, unknown>): UsageDay {
  return {
    day: row.day as string,
    accepted: row.accepted as number,
    refused: Object.fromEntries(USAGE_REFUSAL_CODES.map((code, i) => [code, row[CODE_COLUMNS[i]!] as number])) as UsageDay['refused'],
  };
}
