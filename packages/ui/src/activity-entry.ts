// One entry of the organization's audit trail as a row of the Activity table (a labelled card
// below 760 px): when, what, which token, by whom, and what changed. A token revoked (or only
// reported) as leaked carries a "Leaked" badge. Pure builder.
import type { AuditEntry } from './api.js';
import { h } from './dom.js';
import type { Localizer } from './i18n.js';
import { foundAt, leakedBadge } from './leak.js';
import type { StringKey } from './strings.js';
import { cell } from './templates.js';

/** The Activity table's columns after the row header (When): the header's text and each cell's card label. */
export const ACTIVITY_COLUMNS = [
  ['action', 'columnAction'],
  ['token', 'columnToken'],
  ['by', 'columnBy'],
  ['details', 'columnDetails'],
] as const satisfies readonly (readonly [string, StringKey])[];

const ACTIONS: Record<string, StringKey> = {
  created: 'actionCreated',
  updated: 'actionUpdated',
  paused: 'actionPaused',
  resumed: 'actionResumed',
  rolled: 'actionRolled',
  deleted: 'actionDeleted',
  bulk_deleted: 'actionBulkDeleted',
  project_revoked: 'actionProjectRevoked',
  expired_pruned: 'actionExpiredPruned',
};
const ROLES: Record<string, StringKey> = { owner: 'roleOwner', admin: 'roleAdmin', member: 'roleMember' };

/** What the entry's `changes` say, one line each; never a secret (the server records none). */
function details(entry: AuditEntry, l10n: Localizer): Node[] {
  const t = l10n.text;
  const changes = entry.changes ?? {};
  const lines: (Node | string)[][] = [];
  if (typeof changes.name === 'string' && entry.action === 'updated') lines.push(l10n.nodes('detailRenamed', { name: changes.name }));
  if (entry.action === 'updated' && ['rateLimit', 'remaining', 'refill'].some((key) => key in changes)) lines.push([t('detailLimits')]);
  if (entry.action === 'updated' && 'metadata' in changes) lines.push([t('detailMetadata')]);
  if (entry.action === 'rolled' && typeof changes.previousSecretExpiresAt === 'number' && changes.previousSecretExpiresAt > entry.at) {
    lines.push([t('detailRolledUntil', { date: l10n.dates.dateTime(changes.previousSecretExpiresAt) })]);
  }
  if (entry.ip) lines.push(l10n.nodes('detailFrom', { ip: entry.ip }));
  const found = entry.action === 'leaked' && foundAt(changes.url, l10n);
  return [...(found ? [found] : []), ...lines.map((parts) => h('span', { class: 'line' }, ...parts))];
}

/**
 * One Activity row. Its row header (the time) takes the focus after "Load more", so it is focusable from script.
 * @example body.append(activityRow(entry, l10n, Date.now()))
 */
export function activityRow(entry: AuditEntry, l10n: Localizer, now: number): HTMLTableRowElement {
  const t = l10n.text;
  const leaked = entry.action === 'leaked';
  const revoked = leaked && entry.changes?.revoked !== false;
  const action = leaked
    ? [leakedBadge(l10n), ' ', t(revoked ? 'actionLeakedRevoked' : 'actionLeakedFlagged')]
    : [ACTIONS[entry.action] ? t(ACTIONS[entry.action]!) : entry.action];
  const by = entry.actor.type === 'system' ? t('bySystem') : t('byUser', { user: entry.actor.userId, role: ROLES[entry.actor.role] ? t(ROLES[entry.actor.role]!) : entry.actor.role });
  const values: Record<(typeof ACTIVITY_COLUMNS)[number][0], (Node | string)[]> = {
    action,
    token: [h('strong', {}, h('bdi', {}, entry.tokenName))],
    by: [h('bdi', {}, by)],
    details: details(entry, l10n),
  };
  return h(
    'tr',
    { role: 'row', part: 'activity-row', 'data-entry': entry.id, 'data-action': entry.action, 'data-leaked': leaked ? (revoked ? 'revoked' : 'flagged') : null },
    h(
      'th',
      { scope: 'row', role: 'rowheader', tabindex: '-1', 'data-col': 'when', 'data-label': t('columnWhen') },
      h('time', { datetime: new Date(entry.at).toISOString(), title: l10n.dates.dateTime(entry.at) }, l10n.dates.relative(entry.at, now, t('justNow'))),
    ),
    ...ACTIVITY_COLUMNS.map(([col, key]) => cell(col, t(key), ...values[col])),
  );
}
