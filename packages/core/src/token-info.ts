import { nextRefillAt, refillIntervalName, type RefillInput } from './credits.js';
import { EXPIRES_SOON_MS, isExpired } from './expiry.js';
import type { TokenLeak } from './leaks/open-leaks.js';
import type { ProjectInfo, TokenScope } from './scope.js';
import type { MaybePromise, TokenRecord } from './store.js';

/** What anyone outside the store sees of a token: the record without its hash or name key. */
export interface TokenInfo {
  id: string;
  organizationId: string;
  name: string;
  scope: TokenScope;
  /** e.g. `kw_4fT0`: enough to recognise a token, useless to use it. */
  hint: string;
  /** Epoch ms. */
  createdAt: number;
  createdBy: string;
  /** Epoch ms, or null for never. */
  expiresAt: number | null;
  /** Epoch ms, or null if never used. */
  lastUsedAt: number | null;
  /** Permission names granted, sorted; null when the host declares no permission catalog. */
  permissions: readonly string[] | null;
  /** The host's own JSON object, or null. */
  metadata: Readonly<Record<string, unknown>> | null;
  /** After a roll with a grace period: the old secret's hint and when it stops (epoch ms); null once it has. */
  previousSecret: { hint: string; expiresAt: number } | null;
  /** false while paused: the token is kept but refused (401 TOKEN_DISABLED) until resumed. */
  enabled: boolean;
  /** At most `limit` requests per `window` (ms), or null for no rate limit. */
  rateLimit: { limit: number; window: number } | null;
  /** Usage credits left, or null for unlimited. After a verification: what that request left. */
  remaining: number | null;
  /** Credits are set back to `amount` every `interval`, or null: never. */
  refill: RefillInput | null;
  /** When the next refill falls due (epoch ms), or null without one. */
  nextRefillAt: number | null;
}

/** `paused` until resumed; an expired token is `expired` whether paused or not (resuming would not help). */
export type TokenStatus = 'active' | 'expired' | 'paused';

/** What `create()` and `roll()` return. */
export interface CreatedToken {
  /** The plaintext token. Shown once: keyward keeps only its hash. */
  plaintext: string;
  token: TokenInfo;
}

/** A row of the tokens table: the token plus what a settings page shows about it. */
export interface TokenListItem extends TokenInfo {
  status: TokenStatus;
  /** "Organization", or the project's name as the host's `resolveProject` gives it. */
  scopeLabel: string;
  /** Active and expiring within 7 days: time to roll or replace it. */
  expiresSoon: boolean;
  /**
   * A leak GitHub's secret scanning reported in a secret of this token that still works (the host
   * flags leaks instead of revoking them): when and where it was found; null when there is none,
   * and always null while the audit trail is off (flag mode records leaks there).
   */
  leak: TokenLeak | null;
}

/**
 * What callers may see of a record at instant `now`: everything but its hashes and name key, as a
 * fresh object (permissions and metadata may be the store's own values: treat them as read-only).
 * @example toTokenInfo(record, Date.now()).hint // 'kw_4fT0'
 */
export function toTokenInfo(record: TokenRecord, now: number): TokenInfo {
  const scope = record.scope;
  const previous = record.previous;
  return {
    id: record.id,
    organizationId: record.organizationId,
    name: record.name,
    scope: scope.kind === 'organization' ? { kind: 'organization' } : { kind: 'project', projectId: scope.projectId },
    hint: record.hint,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    expiresAt: record.expiresAt,
    lastUsedAt: record.lastUsedAt,
    permissions: record.permissions,
    metadata: record.metadata,
    previousSecret: previous !== null && now < previous.expiresAt ? { hint: previous.hint, expiresAt: previous.expiresAt } : null,
    // A store without the limits part leaves these out: the token is then enabled and unlimited.
    enabled: record.enabled !== false,
    rateLimit: record.rateLimit ? { limit: record.rateLimit.limit, window: record.rateLimit.window } : null,
    remaining: record.remaining ?? null,
    refill: record.refill ? { amount: record.refill.amount, interval: refillIntervalName(record.refill.interval) } : null,
    nextRefillAt: nextRefillAt(record.refill, record.refilledAt),
  };
}

/**
 * A row of the tokens table at instant `now`; `projectNames` maps the organization's project ids
 * to their names (a project missing from it is shown as unknown); `leak` is its open leak, if any.
 * @example toTokenListItem(record, Date.now(), new Map([['proj_1', 'Website']])).scopeLabel // 'Website'
 */
export function toTokenListItem(record: TokenRecord, now: number, projectNames: ReadonlyMap<string, string>, leak: TokenLeak | null = null): TokenListItem {
  const scope = record.scope;
  const expired = isExpired(record.expiresAt, now);
  return {
    ...toTokenInfo(record, now),
    status: expired ? 'expired' : record.enabled === false ? 'paused' : 'active',
    expiresSoon: !expired && record.expiresAt !== null && record.expiresAt - now <= EXPIRES_SOON_MS,
    scopeLabel: scope.kind === 'organization' ? 'Organization' : (projectNames.get(scope.projectId) ?? `Unknown project (${scope.projectId})`),
    leak,
  };
}

/**
 * Names of the projects `records` are scoped to, as the host's resolver gives them (one lookup
 * per distinct project; projects of other organizations are left out).
 * @example await projectNamesOf(page.items, 'org_1', resolveProject) // Map { 'proj_1' => 'Website' }
 */
export async function projectNamesOf(
  records: readonly TokenRecord[],
  organizationId: string,
  resolveProject: (projectId: string) => MaybePromise<ProjectInfo | null>,
): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const r of records) if (r.scope.kind === 'project') ids.add(r.scope.projectId);
  const names = new Map<string, string>();
  await Promise.all(
    [...ids].map(async (id) => {
      const project = await resolveProject(id);
      if (project && project.organizationId === organizationId) names.set(id, project.name);
    }),
  );
  return names;
}

/** One page of `list()`. */
export interface TokenPage {
  items: TokenListItem[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

/** One page of `listExpiring()`: tokens of every organization, soonest expiry first. */
export interface ExpiringTokenPage {
  items: TokenInfo[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}
