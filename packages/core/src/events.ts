import type { Actor } from './scope.js';
import type { TokenRecord } from './store.js';
import { toTokenInfo, type TokenInfo } from './token-info.js';

/** Why a token stopped existing. */
export type DeletionReason = 'deleted' | 'bulk_deleted' | 'project_revoked' | 'expired_pruned' | 'leaked';

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

/** Emitted after a token's secret was replaced. The old secret verifies until `previousSecretExpiresAt` (null: not at all). */
export interface TokenRolledEvent {
  type: 'token.rolled';
  /** Epoch ms. */
  at: number;
  actor: Actor;
  token: TokenInfo;
  /** Epoch ms, or null when the old secret stopped at once. */
  previousSecretExpiresAt: number | null;
}

/** Emitted after a token was renamed, paused or resumed, or its metadata or limits changed; `changed` names what. */
export interface TokenUpdatedEvent {
  type: 'token.updated';
  /** Epoch ms. */
  at: number;
  actor: Actor;
  token: TokenInfo;
  changed: UpdatedField[];
}

/** What an update can change. */
export type UpdatedField = 'name' | 'metadata' | 'enabled' | 'rateLimit' | 'remaining' | 'refill';

export type KeywardEvent = TokenCreatedEvent | TokenDeletedEvent | TokenRolledEvent | TokenUpdatedEvent;

/** Delivers audit events to the host's `onEvent`; a hook that throws is reported, never propagated. */
export class EventEmitter {
  constructor(
    private readonly onEvent: ((event: KeywardEvent) => void) | undefined,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => number,
  ) {}

  created(actor: Actor, token: TokenInfo, at: number): void {
    this.emit({ type: 'token.created', at, actor, token });
  }

  rolled(actor: Actor, token: TokenInfo, at: number, previousSecretExpiresAt: number | null): void {
    this.emit({ type: 'token.rolled', at, actor, token, previousSecretExpiresAt });
  }

  updated(actor: Actor, token: TokenInfo, at: number, changed: UpdatedField[]): void {
    this.emit({ type: 'token.updated', at, actor, token, changed });
  }

  /** One event per record actually removed, so overlapping deletions never report a token twice. */
  deleted(records: readonly TokenRecord[], actor: Actor | null, reason: DeletionReason): void {
    if (!this.onEvent) return;
    const at = this.now();
    for (const record of records) this.emit({ type: 'token.deleted', at, actor, reason, token: toTokenInfo(record, at) });
  }

  private emit(event: KeywardEvent): void {
    if (!this.onEvent) return;
    try {
      this.onEvent(event);
    } catch (error) {
      this.onError(error);
    }
  }
}
