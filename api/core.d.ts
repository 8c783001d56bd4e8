import { z } from 'zod';
type TokenScope = {
    kind: 'organization';
} | {
    kind: 'project';
    projectId: string;
};
type Role = 'owner' | 'admin' | 'member';
interface Actor {
    userId: string;
    organizationId: string;
    role: Role;
}
interface ProjectInfo {
    id: string;
    organizationId: string;
    name: string;
}
interface TokenRecord {
    id: string;
    organizationId: string;
    name: string;
    nameKey: string;
    scope: TokenScope;
    hash: string;
    hint: string;
    createdAt: number;
    createdBy: string;
    expiresAt: number | null;
    lastUsedAt: number | null;
    permissions: string[] | null;
    metadata: Record<string, unknown> | null;
    previous: PreviousSecret | null;
    enabled?: boolean;
    rateLimit?: RateLimit | null;
    remaining?: number | null;
    refill?: Refill | null;
    refilledAt?: number | null;
}
interface RateLimit {
    limit: number;
    window: number;
}
interface Refill {
    amount: number;
    interval: number;
}
interface PreviousSecret {
    hash: string;
    hint: string;
    expiresAt: number;
}
interface RollChange {
    hash: string;
    hint: string;
    previousExpiresAt: number | null;
}
interface UpdateChange {
    name?: string;
    nameKey?: string;
    metadata?: Record<string, unknown> | null;
    enabled?: boolean;
    rateLimit?: RateLimit | null;
    remaining?: number | null;
    refill?: Refill | null;
    refilledAt?: number | null;
}
type SpendResult = {
    ok: true;
    remaining: number | null;
    refilledAt: number | null;
} | {
    ok: false;
    remaining: number;
    refilledAt: number | null;
} | null;
interface ExpiringCursor {
    expiresAt: number;
    id: string;
}
interface ExpiringPage {
    items: TokenRecord[];
    next: ExpiringCursor | null;
}
interface ListCursor {
    createdAt: number;
    id: string;
}
interface ListPage {
    items: TokenRecord[];
    next: ListCursor | null;
}
type AuditActor = {
    type: 'user';
    userId: string;
    role: Role;
} | {
    type: 'system';
};
type AuditAction = 'created'
 | 'updated'
 | 'paused' | 'resumed' | 'rolled' | 'deleted' | 'bulk_deleted' | 'project_revoked' | 'expired_pruned' | 'leaked';
interface AuditDraft {
    id: string;
    at: number;
    actor: AuditActor;
    action: AuditAction;
    changes: Record<string, unknown> | null;
    ip: string | null;
    userAgent: string | null;
}
interface AuditEntry extends AuditDraft {
    organizationId: string;
    tokenId: string;
    tokenName: string;
}
interface AuditCursor {
    at: number;
    id: string;
}
interface AuditPage {
    items: AuditEntry[];
    next: AuditCursor | null;
}
declare function auditEntryId(draft: Pick<AuditDraft, 'id'>, tokenId: string): string;
type UsageRefusalCode = 'DISABLED' | 'EXPIRED' | 'SCOPE_DENIED' | 'PERMISSION_DENIED' | 'RATE_LIMITED' | 'USAGE_EXHAUSTED';
declare const USAGE_REFUSAL_CODES: readonly UsageRefusalCode[];
interface UsageCount {
    tokenId: string;
    organizationId: string;
    day: string;
    accepted: number;
    refused: Partial<Record<UsageRefusalCode, number>>;
}
interface UsageDay {
    day: string;
    accepted: number;
    refused: Record<UsageRefusalCode, number>;
}
interface AddUsageOptions {
    retentionDays?: number | undefined;
}
interface UsageStore {
    addUsage(counts: readonly UsageCount[], options?: AddUsageOptions): Promise<void>;
    readUsage(organizationId: string, options: {
        tokenId: string | null;
        fromDay: string;
        toDay: string;
    }): Promise<UsageDay[]>;
    pruneUsage(beforeDay: string): Promise<number>;
}
interface RateLimiterOptions {
    keyPrefix: string;
    points: number;
    duration: number;
}
interface RateLimiterLike {
    consume(key: string, points: number): Promise<RateLimiterAnswer>;
    consumeSync?(key: string, points: number): RateLimiterAnswer;
    reward?(key: string, points: number): Promise<unknown>;
}
interface RateLimiterAnswer {
    remainingPoints: number;
    msBeforeNext: number;
    consumedPoints: number;
}
interface LastUsedUpdate {
    id: string;
    organizationId: string;
    lastUsedAt: number;
}
interface DeleteManyResult {
    deleted: TokenRecord[];
    missing: string[];
}
type MaybePromise<T> = T | Promise<T>;
interface TokenStore {
    insert(record: TokenRecord, audit?: AuditDraft): Promise<'ok' | 'name_taken'>;
    findByHash(hash: string): MaybePromise<TokenRecord | null>;
    get(organizationId: string, id: string): Promise<TokenRecord | null>;
    list(organizationId: string, options: {
        limit: number;
        after?: ListCursor | undefined;
    }): Promise<ListPage>;
    deleteMany(organizationId: string, ids: readonly string[], audit?: AuditDraft): Promise<DeleteManyResult>;
    deleteByProject(projectId: string, audit?: AuditDraft): Promise<TokenRecord[]>;
    deleteExpired(expiredBefore: number, audit?: AuditDraft): Promise<TokenRecord[]>;
    touch(updates: readonly LastUsedUpdate[]): Promise<void>;
    roll(organizationId: string, id: string, change: RollChange, audit?: AuditDraft): Promise<TokenRecord | null>;
    update(organizationId: string, id: string, change: UpdateChange, audit?: AuditDraft): Promise<TokenRecord | 'name_taken' | null>;
    listExpiring(options: {
        expiresAfter: number;
        expiresBy: number;
        limit: number;
        after?: ExpiringCursor | undefined;
    }): Promise<ExpiringPage>;
    close?(): Promise<void>;
}
interface LimitsStore {
    spend(organizationId: string, id: string, cost: number, now: number): MaybePromise<SpendResult>;
}
interface RateLimiterStore {
    rateLimiter(options: RateLimiterOptions): RateLimiterLike;
}
interface AuditStore {
    auditLog(organizationId: string, options: {
        tokenId?: string | undefined;
        limit: number;
        after?: AuditCursor | undefined;
    }): Promise<AuditPage>;
    pruneAudit(before: number): Promise<number>;
}
type FullTokenStore = TokenStore & LimitsStore & RateLimiterStore & AuditStore & UsageStore;
interface TokenLeak {
    at: number;
    url: string;
    source: string | null;
    secret: 'current' | 'previous';
}
interface RequestContext {
    ip?: string | null | undefined;
    userAgent?: string | null | undefined;
}
interface AuditLogPage {
    items: AuditEntry[];
    nextCursor: string | null;
}
interface BulkDeleteResult {
    deleted: number;
    notFound: string[];
}
type StoreFeature = 'pause' | 'credits' | 'rateLimits' | 'audit' | 'usage';
type StoreFeatures = Readonly<Record<StoreFeature, boolean>>;
declare function storeFeatures(store: TokenStore): StoreFeatures;
declare const DAY_MS = 86400000;
declare const EXPIRY_PRESETS: readonly ["1d", "7d", "30d", "60d", "90d", "never"];
type ExpiryPreset = (typeof EXPIRY_PRESETS)[number];
declare const EXPIRY_PRESET_LABELS: Record<ExpiryPreset, string>;
declare function previewExpiration(preset: ExpiryPreset, now: number): number | null;
declare const ROLL_GRACE_PRESETS: readonly ["now", "1h", "24h", "3d", "7d"];
type RollGracePreset = (typeof ROLL_GRACE_PRESETS)[number];
type PermissionCatalog = Readonly<Record<string, string>>;
interface PermissionInfo {
    name: string;
    description: string;
}
interface InvalidationListener {
    invalidate(hashes: readonly string[] | null): void;
    proven(sentAt: number): void;
    lost(): void;
}
interface InvalidationChannel {
    subscribe(listener: InvalidationListener, options: {
        heartbeatMs: number;
        onError: (error: unknown) => void;
    }): {
        close(): Promise<void>;
    };
}
interface CacheOptions {
    channel: InvalidationChannel;
    maxStalenessMs?: number;
    heartbeatMs?: number;
    ttlMs?: number;
    maxEntries?: number;
}
declare const REFILL_INTERVALS: Readonly<{
    '1d': 86400000;
    '7d': number;
    '30d': number;
}>;
type RefillInterval = keyof typeof REFILL_INTERVALS;
interface RefillInput {
    amount: number;
    interval: RefillInterval;
}
interface CreditsState {
    remaining: number;
    refill: Refill | null;
    nextRefillAt: number | null;
    refillInMs: number | null;
}
interface TokenInfo {
    id: string;
    organizationId: string;
    name: string;
    scope: TokenScope;
    hint: string;
    createdAt: number;
    createdBy: string;
    expiresAt: number | null;
    lastUsedAt: number | null;
    permissions: readonly string[] | null;
    metadata: Readonly<Record<string, unknown>> | null;
    previousSecret: {
        hint: string;
        expiresAt: number;
    } | null;
    enabled: boolean;
    rateLimit: {
        limit: number;
        window: number;
    } | null;
    remaining: number | null;
    refill: RefillInput | null;
    nextRefillAt: number | null;
}
type TokenStatus = 'active' | 'expired' | 'paused';
interface CreatedToken {
    plaintext: string;
    token: TokenInfo;
}
interface TokenListItem extends TokenInfo {
    status: TokenStatus;
    scopeLabel: string;
    expiresSoon: boolean;
    leak: TokenLeak | null;
}
interface TokenPage {
    items: TokenListItem[];
    nextCursor: string | null;
}
interface ExpiringTokenPage {
    items: TokenInfo[];
    nextCursor: string | null;
}
type DeletionReason = 'deleted' | 'bulk_deleted' | 'project_revoked' | 'expired_pruned' | 'leaked';
interface TokenCreatedEvent {
    type: 'token.created';
    at: number;
    actor: Actor;
    token: TokenInfo;
}
interface TokenDeletedEvent {
    type: 'token.deleted';
    at: number;
    actor: Actor | null;
    reason: DeletionReason;
    token: TokenInfo;
}
interface TokenRolledEvent {
    type: 'token.rolled';
    at: number;
    actor: Actor;
    token: TokenInfo;
    previousSecretExpiresAt: number | null;
}
interface TokenUpdatedEvent {
    type: 'token.updated';
    at: number;
    actor: Actor;
    token: TokenInfo;
    changed: UpdatedField[];
}
type UpdatedField = 'name' | 'metadata' | 'enabled' | 'rateLimit' | 'remaining' | 'refill';
type KeywardEvent = TokenCreatedEvent | TokenDeletedEvent | TokenRolledEvent | TokenUpdatedEvent;
interface PepperOptions {
    current: string;
    previous?: readonly (string | null)[];
}
declare const RATE_LIMIT_WINDOWS: Readonly<{
    '1s': 1000;
    '1m': 60000;
    '1h': 3600000;
    '1d': 86400000;
}>;
type RateLimitWindowPreset = keyof typeof RATE_LIMIT_WINDOWS;
interface RateLimitInput {
    limit: number;
    window: RateLimitWindowPreset | number;
}
interface RateLimitsOptions {
    default?: RateLimitInput | undefined;
    max?: RateLimitInput | undefined;
    onLimiterError?: 'refuse' | 'allow' | undefined;
}
interface RateLimitState {
    limit: number;
    window: number;
    remaining: number;
    resetMs: number;
}
interface KeywardOptions {
    store: TokenStore;
    resolveProject: (projectId: string) => MaybePromise<ProjectInfo | null>;
    prefix?: string;
    permissions?: PermissionCatalog;
    pepper?: string | PepperOptions;
    lastUsedIntervalMs?: number;
    lastUsedFlushDelayMs?: number;
    closeTimeoutMs?: number;
    now?: () => number;
    onEvent?: (event: KeywardEvent) => void;
    onError?: (error: unknown) => void;
    cache?: CacheOptions;
    rateLimits?: RateLimitsOptions;
    audit?: boolean | {
        retentionDays?: number;
    };
    usage?: boolean | {
        retentionDays?: number;
        flushIntervalMs?: number;
    };
}
interface LeakReport {
    token: string;
    type: string;
    url: string;
    source?: string | undefined;
}
type LeakLabel = 'true_positive' | 'false_positive';
interface LeakNotice {
    tokenId: string;
    organizationId: string;
    tokenName: string;
    action: 'revoked' | 'flagged';
    url: string;
    source: string | null;
    at: number;
}
interface LeakHandling {
    mode: 'revoke' | 'flag';
    onLeak?: ((notice: LeakNotice) => MaybePromise<void>) | undefined;
    concurrency?: number | undefined;
}
declare function canManageTokens(role: Role): boolean;
interface RouteTarget {
    organizationId?: string | undefined;
    projectId?: string | undefined;
    organizationLevel?: boolean | undefined;
    permissions?: readonly string[] | undefined;
    cost?: number | undefined;
}
declare const KEYWARD_ERROR_CODES: readonly ["VALIDATION_FAILED", "INVALID_CONFIGURATION", "FORBIDDEN", "TOKEN_NOT_FOUND", "NAME_TAKEN", "FEATURE_UNAVAILABLE", "STORE_UNAVAILABLE", "STORE_FAILED", "CLOSED", "KEYS_UNAVAILABLE", "CLOSE_TIMED_OUT"];
type KeywardErrorCode = (typeof KEYWARD_ERROR_CODES)[number];
declare class KeywardError extends Error {
    readonly code: KeywardErrorCode;
    constructor(code: KeywardErrorCode, message: string, options?: {
        cause?: unknown;
    });
}
interface FieldIssue {
    path: string;
    message: string;
}
declare class ValidationError extends KeywardError {
    readonly code: 'VALIDATION_FAILED';
    readonly field: string;
    readonly issues: readonly FieldIssue[];
    constructor(issues: readonly FieldIssue[], options?: {
        cause?: unknown;
    });
    static of(path: string, message: string): ValidationError;
}
declare class ConfigurationError extends KeywardError {
    readonly code: 'INVALID_CONFIGURATION';
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
declare class ForbiddenError extends KeywardError {
    readonly code: 'FORBIDDEN';
    constructor(message?: string);
}
declare class TokenNotFoundError extends KeywardError {
    readonly code: 'TOKEN_NOT_FOUND';
    readonly ids: readonly string[];
    constructor(ids: readonly string[]);
}
declare class NameTakenError extends KeywardError {
    readonly code: 'NAME_TAKEN';
    readonly field = "name";
    constructor(name: string);
}
declare class StoreUnavailableError extends KeywardError {
    readonly code: 'STORE_UNAVAILABLE';
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
declare class StoreFailedError extends KeywardError {
    readonly code: 'STORE_FAILED';
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
declare class FeatureUnavailableError extends KeywardError {
    readonly code: 'FEATURE_UNAVAILABLE';
    readonly feature: string;
    constructor(feature: string);
}
declare class ClosedError extends KeywardError {
    readonly code: 'CLOSED';
    constructor();
}
type CloseStep = 'writes' | 'cache' | 'store';
declare class CloseTimeoutError extends KeywardError {
    readonly code: 'CLOSE_TIMED_OUT';
    readonly step: CloseStep;
    readonly timeoutMs: number;
    readonly lastUsedUpdates: number;
    readonly usageCounts: number;
    constructor(step: CloseStep, timeoutMs: number, dropped?: {
        lastUsedUpdates: number;
        usageCounts: number;
    });
}
declare const MAX_BULK_IDS = 1000;
declare const tokenScopeSchema: z.ZodDiscriminatedUnion<[z.ZodObject<{
    kind: z.ZodLiteral<"organization">;
}, z.core.$strict>, z.ZodObject<{
    kind: z.ZodLiteral<"project">;
    projectId: z.ZodString;
}, z.core.$strict>], "kind">;
declare const tokenNameSchema: z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>;
declare const expiryPresetSchema: z.ZodEnum<{
    "1d": "1d";
    "7d": "7d";
    "30d": "30d";
    "60d": "60d";
    "90d": "90d";
    never: "never";
}>;
declare const tokenMetadataSchema: z.ZodPreprocess<z.ZodRecord<z.ZodString, z.ZodUnknown>, Record<string, unknown>>;
declare const rateLimitSchema: z.ZodObject<{
    limit: z.ZodNumber;
    window: z.ZodUnion<readonly [z.ZodEnum<{
        "1d": "1d";
        "1h": "1h";
        "1s": "1s";
        "1m": "1m";
    }>, z.ZodNumber]>;
}, z.core.$strict>;
declare const creditsSchema: z.ZodNumber;
declare const refillSchema: z.ZodObject<{
    amount: z.ZodNumber;
    interval: z.ZodEnum<{
        "1d": "1d";
        "7d": "7d";
        "30d": "30d";
    }>;
}, z.core.$strict>;
declare const createTokenInputSchema: z.ZodObject<{
    rateLimit: z.ZodOptional<z.ZodNullable<z.ZodObject<{
        limit: z.ZodNumber;
        window: z.ZodUnion<readonly [z.ZodEnum<{
            "1d": "1d";
            "1h": "1h";
            "1s": "1s";
            "1m": "1m";
        }>, z.ZodNumber]>;
    }, z.core.$strict>>>;
    remaining: z.ZodOptional<z.ZodNullable<z.ZodNumber>>;
    refill: z.ZodOptional<z.ZodNullable<z.ZodObject<{
        amount: z.ZodNumber;
        interval: z.ZodEnum<{
            "1d": "1d";
            "7d": "7d";
            "30d": "30d";
        }>;
    }, z.core.$strict>>>;
    name: z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>;
    scope: z.ZodDiscriminatedUnion<[z.ZodObject<{
        kind: z.ZodLiteral<"organization">;
    }, z.core.$strict>, z.ZodObject<{
        kind: z.ZodLiteral<"project">;
        projectId: z.ZodString;
    }, z.core.$strict>], "kind">;
    expiresIn: z.ZodEnum<{
        "1d": "1d";
        "7d": "7d";
        "30d": "30d";
        "60d": "60d";
        "90d": "90d";
        never: "never";
    }>;
    permissions: z.ZodOptional<z.ZodArray<z.ZodString & z.ZodType<string, string, z.core.$ZodTypeInternals<string, string>>>>;
    metadata: z.ZodOptional<z.ZodPreprocess<z.ZodRecord<z.ZodString, z.ZodUnknown>, Record<string, unknown>>>;
}, z.core.$strict>;
type CreateTokenInput = z.input<typeof createTokenInputSchema>;
declare const rollTokenInputSchema: z.ZodObject<{
    previousSecretExpiresIn: z.ZodDefault<z.ZodEnum<{
        "7d": "7d";
        now: "now";
        "1h": "1h";
        "24h": "24h";
        "3d": "3d";
    }>>;
}, z.core.$strict>;
type RollTokenInput = z.input<typeof rollTokenInputSchema>;
declare const updateTokenInputSchema: z.ZodObject<{
    rateLimit: z.ZodOptional<z.ZodNullable<z.ZodObject<{
        limit: z.ZodNumber;
        window: z.ZodUnion<readonly [z.ZodEnum<{
            "1d": "1d";
            "1h": "1h";
            "1s": "1s";
            "1m": "1m";
        }>, z.ZodNumber]>;
    }, z.core.$strict>>>;
    remaining: z.ZodOptional<z.ZodNullable<z.ZodNumber>>;
    refill: z.ZodOptional<z.ZodNullable<z.ZodObject<{
        amount: z.ZodNumber;
        interval: z.ZodEnum<{
            "1d": "1d";
            "7d": "7d";
            "30d": "30d";
        }>;
    }, z.core.$strict>>>;
    name: z.ZodOptional<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>>;
    metadata: z.ZodOptional<z.ZodNullable<z.ZodPreprocess<z.ZodRecord<z.ZodString, z.ZodUnknown>, Record<string, unknown>>>>;
    enabled: z.ZodOptional<z.ZodBoolean>;
}, z.core.$strict>;
type UpdateTokenInput = z.input<typeof updateTokenInputSchema>;
declare const deleteManyInputSchema: z.ZodObject<{
    ids: z.ZodPipe<z.ZodArray<z.ZodString>, z.ZodTransform<string[], string[]>>;
}, z.core.$strict>;
declare const listOptionsSchema: z.ZodObject<{
    limit: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    cursor: z.ZodOptional<z.ZodString>;
}, z.core.$strict>;
type ListOptions = z.input<typeof listOptionsSchema>;
declare const listExpiringOptionsSchema: z.ZodObject<{
    limit: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    cursor: z.ZodOptional<z.ZodString>;
    within: z.ZodUnion<readonly [z.ZodNumber, z.ZodEnum<{
        "1d": "1d";
        "7d": "7d";
        "30d": "30d";
        "60d": "60d";
        "90d": "90d";
    }>]>;
}, z.core.$strict>;
type ListExpiringOptions = z.input<typeof listExpiringOptionsSchema>;
declare const auditLogOptionsSchema: z.ZodObject<{
    limit: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    cursor: z.ZodOptional<z.ZodString>;
    tokenId: z.ZodOptional<z.ZodString>;
}, z.core.$strict>;
type AuditLogOptions = z.input<typeof auditLogOptionsSchema>;
declare const usageOptionsSchema: z.ZodObject<{
    days: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
}, z.core.$strict>;
type UsageOptions = z.input<typeof usageOptionsSchema>;
declare const VERIFY_FAILURE_CODES: readonly ["MALFORMED", "NOT_FOUND", "DISABLED", "EXPIRED", "SCOPE_DENIED", "PERMISSION_DENIED", "RATE_LIMITED", "USAGE_EXHAUSTED"];
type VerifyFailureCode = (typeof VERIFY_FAILURE_CODES)[number];
interface LimitsState {
    rateLimit?: RateLimitState | undefined;
    credits?: CreditsState | undefined;
}
interface VerifyFailure {
    ok: false;
    code: VerifyFailureCode;
    tokenId?: string;
    missingPermissions?: string[];
    retryAfterMs?: number;
    limits?: LimitsState;
}
interface VerifySuccess {
    ok: true;
    token: TokenInfo;
    limits?: LimitsState;
}
type VerifyResult = VerifySuccess | VerifyFailure;
interface UsageReport {
    tokenId: string | null;
    days: UsageDay[];
    total: Omit<UsageDay, 'day'>;
}
declare class Keyward {
    readonly prefix: string;
    private readonly options;
    private readonly lastUsed;
    private readonly usageRecorder;
    private readonly audit;
    private readonly history;
    private readonly verifier;
    private readonly events;
    private closed;
    private closing;
    constructor(options: KeywardOptions);
    get features(): StoreFeatures;
    get permissions(): readonly PermissionInfo[];
    private deleted;
    private assertOpen;
    private manager;
    previewExpiration(expiresIn: ExpiryPreset, now?: number): number | null;
    create(actor: Actor, input: CreateTokenInput, context?: RequestContext): Promise<CreatedToken>;
    list(actor: Actor, options?: ListOptions): Promise<TokenPage>;
    get(actor: Actor, id: string): Promise<TokenInfo>;
    roll(actor: Actor, id: string, input?: RollTokenInput, context?: RequestContext): Promise<CreatedToken>;
    update(actor: Actor, id: string, input: UpdateTokenInput, context?: RequestContext): Promise<TokenInfo>;
    listExpiring(options: ListExpiringOptions): Promise<ExpiringTokenPage>;
    delete(actor: Actor, id: string, context?: RequestContext): Promise<void>;
    deleteMany(actor: Actor, ids: readonly string[], context?: RequestContext): Promise<BulkDeleteResult>;
    private deleteIds;
    revokeProject(projectId: string): Promise<{
        deleted: number;
    }>;
    pruneExpired(options?: {
        olderThanMs?: number;
    }): Promise<{
        deleted: number;
    }>;
    auditLog(actor: Actor, options?: AuditLogOptions): Promise<AuditLogPage>;
    auditLines(actor: Actor, options?: {
        tokenId?: string;
    }): AsyncGenerator<string>;
    usage(actor: Actor, tokenId: string, options?: UsageOptions): Promise<UsageReport>;
    organizationUsage(actor: Actor, options?: UsageOptions): Promise<UsageReport>;
    pruneHistory(): Promise<{
        auditEntries: number;
        usageRows: number;
    }>;
    reportLeaks(reports: readonly LeakReport[], handling: LeakHandling): Promise<LeakLabel[]>;
    verify(token: string, target?: RouteTarget): Promise<VerifyResult>;
    check(token: string, target?: RouteTarget): MaybePromise<VerifyResult>;
    flush(): Promise<void>;
    close(): Promise<void>;
}
declare function createKeyward(options: KeywardOptions): Keyward;
declare function memoryStore(): FullTokenStore;
declare function isWellFormedToken(token: unknown, prefix?: string): token is string;
type PublicKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
declare const GITHUB_SECRET_SCANNING_KEYS_URL = "https://api.github.com/meta/public_keys/secret_scanning";
declare class KeysUnavailableError extends KeywardError {
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
type PublicKeysFetcher = () => Promise<unknown>;
interface GitHubKeyringOptions {
    fetchKeys?: PublicKeysFetcher | undefined;
    ttlMs?: number | undefined;
    minRefetchMs?: number | undefined;
    now?: (() => number) | undefined;
}
declare class GitHubKeyring {
    private readonly fetchKeys;
    private readonly ttlMs;
    private readonly minRefetchMs;
    private readonly now;
    private keys;
    private fetchedAt;
    private inFlight;
    constructor(options?: GitHubKeyringOptions);
    key(id: string): Promise<PublicKey | null>;
    private refresh;
}
declare function secretScanningPattern(prefix: string): string;
interface ReplayGuard {
    claim(key: string, ttlMs: number): MaybePromise<boolean>;
    release(key: string): MaybePromise<void>;
}
declare function memoryReplayGuard(options?: {
    maxEntries?: number;
    now?: () => number;
}): ReplayGuard;
export { type Actor, type AddUsageOptions, type AuditAction, type AuditActor, type AuditCursor, type AuditDraft, type AuditEntry, type AuditLogOptions, type AuditLogPage, type AuditPage, type AuditStore, type BulkDeleteResult, type CacheOptions, type CloseStep, CloseTimeoutError, ClosedError, ConfigurationError, type CreateTokenInput, type CreatedToken, type CreditsState, DAY_MS, type DeleteManyResult, type DeletionReason, EXPIRY_PRESETS, EXPIRY_PRESET_LABELS, type ExpiringCursor, type ExpiringPage, type ExpiringTokenPage, type ExpiryPreset, FeatureUnavailableError, type FieldIssue, ForbiddenError, type FullTokenStore, GITHUB_SECRET_SCANNING_KEYS_URL, GitHubKeyring, type GitHubKeyringOptions, type InvalidationChannel, type InvalidationListener, KEYWARD_ERROR_CODES, KeysUnavailableError, Keyward, KeywardError, type KeywardErrorCode, type KeywardEvent, type KeywardOptions, type LastUsedUpdate, type LeakHandling, type LeakLabel, type LeakNotice, type LeakReport, type LimitsState, type LimitsStore, type ListCursor, type ListExpiringOptions, type ListOptions, type ListPage, MAX_BULK_IDS, type MaybePromise, NameTakenError, type PepperOptions, type PermissionCatalog, type PermissionInfo, type PreviousSecret, type ProjectInfo, type PublicKeysFetcher, RATE_LIMIT_WINDOWS, REFILL_INTERVALS, ROLL_GRACE_PRESETS, type RateLimit, type RateLimitInput, type RateLimitState, type RateLimitWindowPreset, type RateLimiterAnswer, type RateLimiterLike, type RateLimiterOptions, type RateLimiterStore, type RateLimitsOptions, type Refill, type RefillInput, type RefillInterval, type ReplayGuard, type RequestContext, type Role, type RollChange, type RollGracePreset, type RollTokenInput, type RouteTarget, type SpendResult, StoreFailedError, type StoreFeature, type StoreFeatures, StoreUnavailableError, type TokenCreatedEvent, type TokenDeletedEvent, type TokenInfo, type TokenLeak, type TokenListItem, TokenNotFoundError, type TokenPage, type TokenRecord, type TokenRolledEvent, type TokenScope, type TokenStatus, type TokenStore, type TokenUpdatedEvent, USAGE_REFUSAL_CODES, type UpdateChange, type UpdateTokenInput, type UpdatedField, type UsageCount, type UsageDay, type UsageOptions, type UsageRefusalCode, type UsageReport, type UsageStore, VERIFY_FAILURE_CODES, ValidationError, type VerifyFailure, type VerifyFailureCode, type VerifyResult, type VerifySuccess, auditEntryId, canManageTokens, createKeyward, createTokenInputSchema, creditsSchema, deleteManyInputSchema, expiryPresetSchema, isWellFormedToken, memoryReplayGuard, memoryStore, previewExpiration, rateLimitSchema, refillSchema, rollTokenInputSchema, secretScanningPattern, storeFeatures, tokenMetadataSchema, tokenNameSchema, tokenScopeSchema, updateTokenInputSchema };
