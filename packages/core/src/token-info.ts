import type { TokenScope } from './scope.js';
import type { TokenRecord } from './store.js';

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

/** A row of the tokens table: the token plus what a settings page shows about it. */
export interface TokenListItem extends TokenInfo {
  status: TokenStatus;
  /** "Organization", or the project's name as the host's `resolveProject` gives it. */
  scopeLabel: string;
}

const ORGANIZATION_SCOPE: TokenScope = Object.freeze({ kind: 'organization' });

/**
 * What callers may see of a record: everything but its hash and name key. A frozen scope (the
 * memory store keeps them frozen) is shared rather than copied: it cannot be changed through the
 * result, and verification then allocates one object less per request.
 */
export function toTokenInfo(record: TokenRecord): TokenInfo {
  const scope = record.scope;
  return {
    id: record.id,
    organizationId: record.organizationId,
    name: record.name,
    scope:
      scope.kind === 'organization'
        ? ORGANIZATION_SCOPE
        : Object.isFrozen(scope)
          ? scope
          : { kind: 'project', projectId: scope.projectId },
    hint: record.hint,
    createdAt: record.createdAt,
    createdBy: record.createdBy,
    expiresAt: record.expiresAt,
    lastUsedAt: record.lastUsedAt,
  };
}
