import type { Actor } from './scope.js';
import type { TokenInfo } from './token-info.js';

/** Why a token stopped existing. */
export type DeletionReason = 'deleted' | 'bulk_deleted' | 'project_revoked' | 'expired_pruned';

/** Emitted after a token was stored. Never carries the plaintext. */
export interface TokenCreatedEvent {
  type: 'token.created';
  /** Epoch ms. */
  at: number;
  actor: Actor;
  token: TokenInfo;
}

/** Emitted after a token was deleted. `actor` is null for system deletions (project revoked, pruning). */
export interface TokenDeletedEvent {
  type: 'token.deleted';
  /** Epoch ms. */
  at: number;
  actor: Actor | null;
  reason: DeletionReason;
  token: TokenInfo;
}

export type KeywardEvent = TokenCreatedEvent | TokenDeletedEvent;
