/// <reference lib="dom" />
// The management API client: the only module that talks to the server.

/** An expiry choice, as the management API names it. */
export type ExpiryPreset = '1d' | '7d' | '30d' | '60d' | '90d' | 'never';
export const EXPIRY_PRESETS: readonly ExpiryPreset[] = ['1d', '7d', '30d', '60d', '90d', 'never'];

export type TokenScope = { kind: 'organization' } | { kind: 'project'; projectId: string };

/** How long the old secret keeps working after a roll, as the management API names it. */
export type RollGracePreset = 'now' | '1h' | '24h' | '3d' | '7d';
export const ROLL_GRACE_PRESETS: readonly RollGracePreset[] = ['now', '1h', '24h', '3d', '7d'];

/** A permission of the host's catalog (`GET /tokens/permissions`). */
export interface PermissionInfo {
  name: string;
  description: string;
}

/** A row of `GET /tokens`: instants are epoch ms. */
export interface TokenListItem {
  id: string;
  organizationId: string;
  name: string;
  scope: TokenScope;
  hint: string;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  lastUsedAt: number | null;
  /** Granted permission names; null when the host declares no catalog. */
  permissions: string[] | null;
  metadata: Record<string, unknown> | null;
  /** After a roll with a grace period: the old secret, valid until `expiresAt` (epoch ms). */
  previousSecret: { hint: string; expiresAt: number } | null;
  /** false while paused: the token is kept but refused until resumed. */
  enabled: boolean;
  /** At most `limit` requests per `window` (ms); null: none. */
  rateLimit: { limit: number; window: number } | null;
  /** Usage credits left; null: unlimited. */
  remaining: number | null;
  /** Credits are set back to `amount` every `interval`; null: never. */
  refill: Refill | null;
  nextRefillAt: number | null;
  /** An expired token is `expired`, paused or not. */
  status: 'active' | 'expired' | 'paused';
  /** Active and expiring within 7 days. */
  expiresSoon: boolean;
  scopeLabel: string;
  /** A secret of it that still works was found in public (the host flags leaks); absent from servers before it. */
  leak?: TokenLeak | null;
}

/** A leak GitHub's secret scanning reported: when (epoch ms), where, and whether of the current or the previous secret. */
export interface TokenLeak {
  at: number;
  url: string;
  source: string | null;
  secret: 'current' | 'previous';
}

/** What `PATCH /tokens/:id` and `POST /tokens/:id/roll` answer with: the token without its list-only fields. */
export type TokenInfo = Omit<TokenListItem, 'status' | 'scopeLabel' | 'expiresSoon' | 'leak'>;

/** A rate limit's window as the management API names it. */
export type RateWindow = '1s' | '1m' | '1h' | '1d';
export const RATE_WINDOWS: Readonly<Record<RateWindow, number>> = { '1s': 1000, '1m': 60_000, '1h': 3_600_000, '1d': 86_400_000 };
export type RefillInterval = '1d' | '7d' | '30d';
export const REFILL_INTERVALS: readonly RefillInterval[] = ['1d', '7d', '30d'];
export interface Refill {
  amount: number;
  interval: RefillInterval;
}

/** The limit fields of create and update: null removes a limit (on update). */
export interface LimitFields {
  rateLimit?: { limit: number; window: RateWindow | number } | null;
  remaining?: number | null;
  refill?: Refill | null;
}

/** A UTC day of a token's requests (`GET /tokens/:id/usage`). */
export interface UsageDay {
  day: string;
  accepted: number;
  refused: Record<string, number>;
}

/** `GET /tokens/:id/usage`: every day of the range, oldest first, and their sums. */
export interface UsageReport {
  tokenId: string | null;
  days: UsageDay[];
  total?: Omit<UsageDay, 'day'>;
}

/** What an audit entry names as its author: a signed-in user, or keyward itself (pruning, leaks). */
export type AuditActor = { type: 'user'; userId: string; role: string } | { type: 'system' };

/** An entry of the organization's audit trail (`GET /tokens/audit`). */
export interface AuditEntry {
  id: string;
  /** Epoch ms. */
  at: number;
  actor: AuditActor;
  /** `created`, `updated`, `paused`, `resumed`, `rolled`, `deleted`, `bulk_deleted`, `project_revoked`, `expired_pruned`, `leaked`. */
  action: string;
  tokenId: string;
  /** The token's name just before the action. */
  tokenName: string;
  /** What changed (never a secret); for `leaked`: `{ url, source, revoked, secret }`. */
  changes: Record<string, unknown> | null;
  /** The client's address and user agent, when the host's adapter knows them. */
  ip?: string | null;
  userAgent?: string | null;
}

export interface TokenPage {
  items: TokenListItem[];
  nextCursor: string | null;
}

export interface CreateTokenBody {
  name: string;
  scope: TokenScope;
  expiresIn: ExpiryPreset;
  /** Required (non-empty) when the host declares a catalog; left out when it does not. */
  permissions?: string[];
  metadata?: Record<string, unknown>;
  rateLimit?: LimitFields['rateLimit'];
  remaining?: number;
  refill?: Refill;
}

/** `POST /tokens` and `POST /tokens/:id/roll` answer: the only ones that carry a secret. */
export interface CreatedToken {
  plaintext: string;
  token: TokenInfo;
}

/** `GET /tokens/expiration-preview` answers: `expiresAt` in epoch ms, as tokens carry it; null for `never`. */
export interface ExpirationPreview {
  expiresIn: ExpiryPreset;
  expiresAt: number | null;
}

/** An RFC 9457 problem as the management API sends it. */
export interface Problem {
  status?: number;
  code?: string;
  title?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
  ids?: string[];
}

/** Extra request headers (e.g. a CSRF token): an object, or a function called before every request. */
export type HeadersOption = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>) | null | undefined;

/**
 * A refused or failed request. `status` is 0 when the server could not be reached; `problem` is
 * the RFC 9457 body when the server sent one.
 * @example
 * try { await api.create(body); } catch (error) { if (error instanceof ApiError && error.code === 'NAME_TAKEN') showNameTaken(); }
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly problem: Problem | null,
    message: string,
  ) {
    super(message);
  }
  get code(): string | undefined {
    return this.problem?.code;
  }
}

export interface ApiClientOptions {
  /** Where the host mounted the management API, e.g. `/settings` (routes are `${base}/tokens…`). */
  base: string;
  headers?: HeadersOption;
}

export interface ApiClient {
  list(options: { limit?: number; cursor?: string | null }): Promise<TokenPage>;
  create(body: CreateTokenBody): Promise<CreatedToken>;
  preview(expiresIn: ExpiryPreset): Promise<ExpirationPreview>;
  remove(id: string): Promise<void>;
  removeMany(ids: string[]): Promise<{ deleted: number; notFound: string[] }>;
  /** The host's permission catalog; empty when it declares none. */
  permissions(): Promise<{ permissions: PermissionInfo[] }>;
  /** Renames, pauses (`enabled: false`) or resumes, or changes the limits (null removes one). */
  update(id: string, body: { name?: string; metadata?: Record<string, unknown> | null; enabled?: boolean } & LimitFields): Promise<TokenInfo>;
  /** The token's requests per UTC day, oldest first. */
  usage(id: string, days: number): Promise<UsageReport>;
  /** The organization's audit trail, newest first. */
  audit(options: { limit?: number; cursor?: string | null }): Promise<{ items: AuditEntry[]; nextCursor: string | null }>;
  /** A new secret for the same token; the old one keeps working for the grace period. */
  roll(id: string, body: { previousSecretExpiresIn: RollGracePreset }): Promise<CreatedToken>;
}

/**
 * A fetch client for keyward's management API. Cookies go along (`credentials: 'same-origin'`),
 * so the host's session authenticates; `headers` adds anything else the host needs.
 * @example
 * const api = createApiClient({ base: '/settings', headers: () => ({ 'x-csrf-token': csrf() }) });
 * const { items } = await api.list({ limit: 20 });
 */
export function createApiClient({ base, headers }: ApiClientOptions): ApiClient {
  const root = `${base.replace(/\/+$/, '')}/tokens`;

  async function request<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const extra = typeof headers === 'function' ? await headers() : (headers ?? {});
    const sent: Record<string, string> = { accept: 'application/json, application/problem+json', ...extra };
    // Every change says JSON, body or not: the server refuses a change without it (a page on
    // another site could send that one without asking first).
    if (init.method !== undefined && init.method !== 'GET') sent['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(root + path, {
        method: init.method ?? 'GET',
        headers: sent,
        credentials: 'same-origin',
        // The create answer holds a secret: never let the HTTP cache keep it (the server says so too).
        cache: 'no-store',
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    } catch (error) {
      throw new ApiError(0, null, error instanceof Error ? error.message : String(error));
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON (a proxy's HTML error page, say): keep the status, drop the body.
    }
    if (!response.ok) {
      const problem = parsed !== null && typeof parsed === 'object' ? (parsed as Problem) : null;
      throw new ApiError(response.status, problem, problem?.detail ?? problem?.title ?? `HTTP ${response.status}`);
    }
    return parsed as T;
  }

  const paged = <T>(path: string, { limit, cursor }: { limit?: number; cursor?: string | null }) => {
    const query = new URLSearchParams();
    if (limit !== undefined) query.set('limit', String(limit));
    if (cursor) query.set('cursor', cursor);
    const qs = query.toString();
    return request<T>(qs ? `${path}?${qs}` : path);
  };

  return {
    list: (options) => paged<TokenPage>('', options),
    audit: (options) => paged('/audit', options),
    usage: (id, days) => request<UsageReport>(`/${encodeURIComponent(id)}/usage?days=${days}`),
    create: (body) => request<CreatedToken>('', { method: 'POST', body }),
    preview: (expiresIn) => request<ExpirationPreview>(`/expiration-preview?expiresIn=${encodeURIComponent(expiresIn)}`),
    remove: (id) => request<void>(`/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    removeMany: (ids) => request<{ deleted: number; notFound: string[] }>('/bulk-delete', { method: 'POST', body: { ids } }),
    permissions: () => request<{ permissions: PermissionInfo[] }>('/permissions'),
    update: (id, body) => request<TokenInfo>(`/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
    roll: (id, body) => request<CreatedToken>(`/${encodeURIComponent(id)}/roll`, { method: 'POST', body }),
  };
}
