import { isExpired } from './expiry.js';
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
}

export type TokenStatus = 'active' | 'expired';

/** What `create()` returns. */
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
}

/**
 * What callers may see of a record: everything but its hash and name key, as a fresh object.
 * @example toTokenInfo(record).hint // 'kw_4fT0'
 */
export function toTokenInfo(record: TokenRecord): TokenInfo {
  const scope = record.scope;
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
  };
}

/**
 * A row of the tokens table at instant `now`; `projectNames` maps the organization's project ids
 * to their names (a project missing from it is shown as unknown).
 * @example toTokenListItem(record, Date.now(), new Map([['proj_1', 'Website']])).scopeLabel // 'Website'
 */
export function toTokenListItem(record: TokenRecord, now: number, projectNames: ReadonlyMap<string, string>): TokenListItem {
  const scope = record.scope;
  return {
    ...toTokenInfo(record),
    status: isExpired(record.expiresAt, now) ? 'expired' : 'active',
    scopeLabel: scope.kind === 'organization' ? 'Organization' : (projectNames.get(scope.projectId) ?? `Unknown project (${scope.projectId})`),
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
