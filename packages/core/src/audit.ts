import { nanoid } from 'nanoid';
import { decodeAuditCursor, encodeAuditCursor } from './cursor.js';
import { refillIntervalName } from './credits.js';
import { FeatureUnavailableError } from './errors.js';
import { openLeaks, type TokenLeak } from './leaks/open-leaks.js';
import type { Actor } from './scope.js';
import { fromStore } from './store-errors.js';
import type { AuditAction, AuditActor, AuditDraft, AuditEntry, AuditStore, TokenRecord, UpdateChange } from './store.js';

/** What an adapter knows about the client behind a management request, for its audit entry. */
export interface RequestContext {
  /** The client's IP address, as the framework (and its proxy settings) reports it. */
  ip?: string | null | undefined;
  userAgent?: string | null | undefined;
}

/** One page of `auditLog()`, newest first. */
export interface AuditLogPage {
  items: AuditEntry[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  nextCursor: string | null;
}

const MAX_USER_AGENT = 512;
const MAX_IP = 64;

function clip(value: string | null | undefined, max: number): string | null {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null;
}

/**
 * The audit actor for a signed-in actor, or `system` for keyward's own actions.
 * @example auditActor(null) // { type: 'system' }
 */
export function auditActor(actor: Actor | null): AuditActor {
  return actor === null ? { type: 'system' } : { type: 'user', userId: actor.userId, role: actor.role };
}

/**
 * What `update()` records as changed: each field's new value (metadata as its keys only, since the
 * host's data may be personal), never a secret.
 * @example updateChanges({ enabled: false }) // { enabled: false }
 */
export function updateChanges(change: UpdateChange): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (change.name !== undefined) changes.name = change.name;
  if (change.metadata !== undefined) changes.metadata = change.metadata === null ? null : { keys: Object.keys(change.metadata).sort() };
  if (change.enabled !== undefined) changes.enabled = change.enabled;
  if (change.rateLimit !== undefined) changes.rateLimit = change.rateLimit;
  if (change.remaining !== undefined) changes.remaining = change.remaining;
  if (change.refill !== undefined) changes.refill = change.refill && { amount: change.refill.amount, interval: refillIntervalName(change.refill.interval) };
  return changes;
}

/**
 * The action an update is recorded as: `paused` / `resumed` when that was all it did.
 * @example updateAction({ enabled: false }) // 'paused'
 */
export function updateAction(change: UpdateChange): AuditAction {
  const fields = Object.keys(updateChanges(change));
  if (fields.length === 1 && change.enabled !== undefined) return change.enabled ? 'resumed' : 'paused';
  return 'updated';
}

/**
 * The settings a new token is recorded with (no secret, no hash, no metadata values).
 * @example createdChanges(record).scope // { kind: 'organization' }
 */
export function createdChanges(record: TokenRecord): Record<string, unknown> {
  return {
    scope: record.scope,
    expiresAt: record.expiresAt,
    permissions: record.permissions,
    metadata: record.metadata === null ? null : { keys: Object.keys(record.metadata).sort() },
    rateLimit: record.rateLimit ?? null,
    remaining: record.remaining ?? null,
    refill: record.refill ? { amount: record.refill.amount, interval: refillIntervalName(record.refill.interval) } : null,
  };
}

/**
 * The audit trail: drafts for the store's write methods (undefined when the trail is off, so a
 * store writes nothing more), and the reads. The entries themselves are written by the store in
 * the same atomic step as the action.
 */
export class AuditTrail {
  constructor(
    /** The store's audit part, or undefined when the trail is off. */
    private readonly store: AuditStore | undefined,
    private readonly now: () => number,
  ) {}

  get enabled(): boolean {
    return this.store !== undefined;
  }

  /**
   * The draft for one action, or undefined when the trail is off.
   * @example trail.draft(actor, 'deleted', null, { ip: '203.0.113.9' })
   */
  draft(actor: Actor | null, action: AuditAction, changes: Record<string, unknown> | null, context: RequestContext | undefined, at = Math.floor(this.now())): AuditDraft | undefined {
    if (this.store === undefined) return undefined;
    return { id: `aud_${nanoid()}`, at, actor: auditActor(actor), action, changes, ip: clip(context?.ip, MAX_IP), userAgent: clip(context?.userAgent, MAX_USER_AGENT) };
  }

  /**
   * The flagged leaks of `records` (an organization's) whose secret still works at `now`, by token
   * id: read from each token's trail (see openLeak). Empty when the trail is off: flag mode records
   * leaks nowhere else.
   */
  async leaks(organizationId: string, records: readonly TokenRecord[], now: number): Promise<Map<string, TokenLeak>> {
    const store = this.store;
    if (store === undefined) return new Map();
    return openLeaks(records, now, (tokenId, after) => fromStore(() => store.auditLog(organizationId, { tokenId, limit: 20, after })));
  }

  /** One page of an organization's trail (of one token with `tokenId`), newest first. */
  async page(organizationId: string, options: { tokenId?: string | undefined; cursor?: string | undefined; limit: number }): Promise<AuditLogPage> {
    const store = this.required();
    const after = options.cursor === undefined ? undefined : decodeAuditCursor(options.cursor);
    const page = await fromStore(() => store.auditLog(organizationId, { tokenId: options.tokenId, limit: options.limit, after }));
    return { items: page.items, nextCursor: page.next ? encodeAuditCursor(page.next) : null };
  }

  /**
   * Every entry of an organization's trail, newest first, as JSON lines (one entry per line, each
   * ending in "\n"), paged from the store 100 at a time: for a SIEM export.
   */
  async *lines(organizationId: string, tokenId?: string): AsyncGenerator<string> {
    let cursor: string | undefined;
    do {
      const page = await this.page(organizationId, { tokenId, cursor, limit: 100 });
      for (const entry of page.items) yield `${JSON.stringify(entry)}\n`;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  /** Deletes entries older than `retentionDays`; returns how many. */
  async prune(retentionDays: number): Promise<number> {
    if (this.store === undefined) return 0;
    const store = this.store;
    return fromStore(() => store.pruneAudit(Math.floor(this.now()) - retentionDays * 86_400_000));
  }

  private required(): AuditStore {
    if (this.store === undefined) throw new FeatureUnavailableError('audit');
    return this.store;
  }
}
