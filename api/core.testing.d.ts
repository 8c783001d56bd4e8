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
type UsageRefusalCode = 'DISABLED' | 'EXPIRED' | 'SCOPE_DENIED' | 'PERMISSION_DENIED' | 'RATE_LIMITED' | 'USAGE_EXHAUSTED';
interface UsageDay {
    day: string;
    accepted: number;
    refused: Record<UsageRefusalCode, number>;
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
declare const EXPIRY_PRESETS: readonly ["1d", "7d", "30d", "60d", "90d", "never"];
type ExpiryPreset = (typeof EXPIRY_PRESETS)[number];
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
interface RouteTarget {
    organizationId?: string | undefined;
    projectId?: string | undefined;
    organizationLevel?: boolean | undefined;
    permissions?: readonly string[] | undefined;
    cost?: number | undefined;
}
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
interface TestClock {
    now(): number;
    set(at: number): void;
    advance(by: number | Exclude<ExpiryPreset, 'never'>): void;
}
interface TestKeywardOptions extends Partial<Omit<KeywardOptions, 'now' | 'resolveProject'>> {
    actor?: Actor;
    projects?: readonly ProjectInfo[];
    start?: number;
}
interface TestKeyward {
    keyward: Keyward;
    store: TokenStore;
    clock: TestClock;
    events: KeywardEvent[];
    actor: Actor;
    mint(input?: Partial<CreateTokenInput>, actor?: Actor): Promise<CreatedToken>;
}
declare function createTestKeyward(options?: TestKeywardOptions): TestKeyward;
declare function generateToken(prefix?: string): string;
export { type TestClock, type TestKeyward, type TestKeywardOptions, createTestKeyward, generateToken };
