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
declare const EXPIRY_PRESETS: readonly ["1d", "7d", "30d", "60d", "90d", "never"];
type ExpiryPreset = (typeof EXPIRY_PRESETS)[number];
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
declare const MAX_CREDENTIALS_LENGTH: number;
interface CredentialsInput {
    authorization?: string | null | undefined;
    apiKey?: string | null | undefined;
}
type MalformedReason = 'EMPTY_TOKEN' | 'SEVERAL_CREDENTIALS' | 'SPACE_IN_TOKEN' | 'INVALID_CHARACTERS' | 'TOO_LONG' | 'CONFLICTING_HEADERS';
type ParsedCredentials = {
    kind: 'token';
    token: string;
} | {
    kind: 'missing';
} | {
    kind: 'malformed';
    reason: MalformedReason;
};
declare function parseCredentials(input: CredentialsInput): ParsedCredentials;
declare const REFUSAL_CODES: readonly ["MISSING_CREDENTIALS", "INVALID_REQUEST", "INVALID_TOKEN", "TOKEN_EXPIRED", "TOKEN_DISABLED", "INSUFFICIENT_SCOPE", "MISSING_PERMISSIONS", "RATE_LIMITED", "USAGE_EXHAUSTED", "STORE_UNAVAILABLE", "CLOSED", "STORE_FAILED", "INTERNAL_ERROR"];
type RefusalCode = (typeof REFUSAL_CODES)[number];
declare const MANAGEMENT_PROBLEM_CODES: readonly ["VALIDATION_FAILED", "INVALID_JSON", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "CROSS_SITE_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "TOKEN_NOT_FOUND", "NAME_TAKEN", "FEATURE_UNAVAILABLE", "NOT_FOUND", "METHOD_NOT_ALLOWED", "INTERNAL_ERROR", "STORE_FAILED", "STORE_UNAVAILABLE", "CLOSED"];
type ManagementProblemCode = (typeof MANAGEMENT_PROBLEM_CODES)[number];
declare const SECRET_SCANNING_PROBLEM_CODES: readonly ["SIGNATURE_MISSING", "SIGNATURE_MALFORMED", "SIGNATURE_INVALID", "REPORT_REPLAYED", "INVALID_REPORT", "PAYLOAD_TOO_LARGE", "METHOD_NOT_ALLOWED", "SERVICE_UNAVAILABLE", "INTERNAL_ERROR"];
type SecretScanningProblemCode = (typeof SECRET_SCANNING_PROBLEM_CODES)[number];
type ProblemCode = RefusalCode | ManagementProblemCode | SecretScanningProblemCode;
type HttpStatus = 200 | 201 | 204 | 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 500 | 501 | 503;
interface HttpResponse {
    readonly status: HttpStatus;
    readonly headers: Readonly<Record<string, string>>;
    readonly body?: unknown;
}
interface ProblemDetails {
    type: 'about:blank';
    title: string;
    status: HttpStatus;
    code: ProblemCode;
    detail: string;
    [extension: string]: unknown;
}
declare const NO_STORE_HEADERS: Readonly<Record<string, string>>;
declare const PROBLEM_CONTENT_TYPE = "application/problem+json";
declare const JSON_CONTENT_TYPE = "application/json";
declare function problemResponse(status: HttpStatus, code: ProblemCode, detail: string, extensions?: Record<string, unknown>, headers?: Record<string, string>): HttpResponse;
declare function frozenResponse(response: HttpResponse): HttpResponse;
declare function responseText(response: HttpResponse): string | null;
interface Refusal {
    readonly code: RefusalCode;
    readonly status: HttpStatus;
    readonly reason?: MalformedReason | undefined;
    readonly tokenHint?: string | undefined;
    readonly tokenId?: string | undefined;
    readonly target: RouteTarget | null;
    readonly context: unknown;
    readonly response: HttpResponse;
}
interface RefusalAnswer {
    status?: HttpStatus | undefined;
    headers?: Readonly<Record<string, string>> | undefined;
    body?: unknown;
}
interface RefusalHooks {
    readonly onRefusal?: ((refusal: Refusal) => void) | undefined;
    readonly formatRefusal?: ((refusal: Refusal) => RefusalAnswer) | undefined;
    readonly refusalContext?: ((request: never) => unknown) | undefined;
    readonly onError?: ((error: unknown) => void) | undefined;
}
declare const DEFAULT_REALM = "api";
interface GuardResponses {
    readonly missing: HttpResponse;
    readonly malformed: Readonly<Record<MalformedReason, HttpResponse>>;
    readonly invalidToken: HttpResponse;
    readonly expired: HttpResponse;
    readonly insufficientScope: HttpResponse;
    missingPermissions(missing: readonly string[]): HttpResponse;
    readonly disabled: HttpResponse;
    tooManyRequests(code: 'RATE_LIMITED' | 'USAGE_EXHAUSTED', limits: LimitsState | undefined, retryAfterMs: number | undefined): HttpResponse;
}
declare function assertValidRealm(realm: unknown): asserts realm is string;
declare function guardResponses(realm?: string, header?: string): GuardResponses;
interface AuthenticateOptions extends RefusalHooks {
    readonly responses: GuardResponses;
    readonly onError?: ((error: unknown) => void) | undefined;
    readonly optional?: boolean | undefined;
}
type AuthenticateResult<Optional extends boolean = false> = {
    ok: true;
    token: Optional extends true ? TokenInfo | undefined : TokenInfo;
    headers?: Readonly<Record<string, string>>;
} | {
    ok: false;
    response: HttpResponse;
};
type IsOptional<O> = 'optional' extends keyof O ? ([Exclude<O[keyof O & 'optional'], undefined>] extends [false] ? false : true) : false;
declare function authenticate<O extends AuthenticateOptions>(keyward: Pick<Keyward, 'verify'> & Partial<Pick<Keyward, 'check'>>, credentials: CredentialsInput, target: RouteTarget | null, options: O, request?: unknown): MaybePromise<AuthenticateResult<IsOptional<O>>>;
type RouteIdReader<Ctx> = (ctx: Ctx) => string | readonly string[] | null | undefined;
interface GuardOptions<Ctx> {
    keyward: Keyward;
    project?: RouteIdReader<Ctx> | undefined;
    organization?: RouteIdReader<Ctx> | undefined;
    organizationLevel?: boolean | undefined;
    permissions?: readonly string[] | undefined;
    cost?: number | undefined;
    header?: string | undefined;
    realm?: string | undefined;
    onError?: ((error: unknown) => void) | undefined;
    optional?: boolean | undefined;
    onRefusal?: ((refusal: Refusal) => void) | undefined;
    formatRefusal?: ((refusal: Refusal) => RefusalAnswer) | undefined;
    refusalContext?: ((ctx: Ctx) => unknown) | undefined;
}
interface IncomingHeaders {
    headers: Readonly<Record<string, string | string[] | undefined>>;
    rawHeaders: readonly string[];
}
declare function incomingHeaderValue(req: IncomingHeaders, name: string): string | undefined;
interface Guard<Ctx> extends AuthenticateOptions {
    readonly keyward: Keyward;
    readonly header: string | undefined;
    readonly responses: GuardResponses;
    readonly onError: (error: unknown) => void;
    readonly optional: boolean;
    readonly onRefusal: ((refusal: Refusal) => void) | undefined;
    readonly formatRefusal: ((refusal: Refusal) => RefusalAnswer) | undefined;
    readonly refusalContext: ((ctx: Ctx) => unknown) | undefined;
    target(ctx: Ctx): RouteTarget | null;
}
declare function createGuard<Ctx>(options: GuardOptions<Ctx>, caller?: string): Guard<Ctx>;
declare const RETRY_AFTER_SECONDS = 5;
declare function failureResponse(error: unknown, onError?: (error: unknown) => void): HttpResponse;
interface ManagementHeaders {
    contentType?: string | null | undefined;
    origin?: string | null | undefined;
    secFetchSite?: string | null | undefined;
    host?: string | null | undefined;
}
declare function nodeManagementHeaders(req: IncomingHeaders, host: string | undefined): ManagementHeaders;
interface FetchRequestHeaders {
    readonly url: string;
    readonly headers: {
        get(name: string): string | null;
    };
}
declare function fetchManagementHeaders(request: FetchRequestHeaders): ManagementHeaders;
interface CrossSiteOptions {
    crossSite?: 'refuse' | 'allow' | undefined;
    trustedOrigins?: readonly string[] | undefined;
}
interface CrossSitePolicy {
    readonly refuse: boolean;
    readonly trustedOrigins: ReadonlySet<string>;
}
declare const CROSS_SITE_RESPONSE: HttpResponse;
declare const NOT_JSON_RESPONSE: HttpResponse;
declare function resolveCrossSite(options: CrossSiteOptions, caller: string): CrossSitePolicy;
declare function admit(method: string, request: ManagementHeaders | undefined, policy: CrossSitePolicy): HttpResponse | undefined;
declare const MAX_JSON_BODY_BYTES: number;
declare const BODY_RESPONSES: Readonly<{
    invalidJson: HttpResponse;
    tooLarge: HttpResponse;
    unsupportedMediaType: HttpResponse;
}>;
declare function isJsonContentType(value: string | null | undefined): boolean;
interface BodyHeaders {
    contentType?: string | null | undefined;
    contentEncoding?: string | null | undefined;
    contentLength?: string | null | undefined;
    transferEncoding?: string | null | undefined;
    hasBody?: boolean | undefined;
}
declare function jsonBodyDisposition(headers: BodyHeaders): 'parse' | 'none' | HttpResponse;
type JsonBodyResult = {
    ok: true;
    value: unknown;
} | {
    ok: false;
    response: HttpResponse;
};
declare function parseJsonBody(text: string): JsonBodyResult;
declare const UNAUTHENTICATED_RESPONSE: HttpResponse;
declare function errorResponse(error: unknown, onError?: (error: unknown) => void): HttpResponse;
interface ManagementRequest {
    actor: Actor | null | undefined;
    body?: unknown;
    query?: Readonly<Record<string, unknown>> | undefined;
    params?: Readonly<Record<string, unknown>> | undefined;
    client?: RequestContext | undefined;
}
type ManagementHandler = (keyward: Keyward, request: ManagementRequest, onError?: (error: unknown) => void) => Promise<HttpResponse>;
declare const handleListTokens: ManagementHandler;
declare const handleCreateToken: ManagementHandler;
declare const handlePreviewExpiration: ManagementHandler;
declare const handleGetToken: ManagementHandler;
declare const handleDeleteToken: ManagementHandler;
declare const handleBulkDeleteTokens: ManagementHandler;
declare const handleListPermissions: ManagementHandler;
declare const handleRollToken: ManagementHandler;
declare const handleUpdateToken: ManagementHandler;
declare const handleAuditLog: ManagementHandler;
declare const handleOrganizationUsage: ManagementHandler;
declare const handleTokenUsage: ManagementHandler;
declare function limitHeaders(limits: LimitsState): Record<string, string>;
declare function retryAfter(ms: number): string;
declare const OPENAPI_PATH = "/tokens/openapi.json";
declare const MANAGEMENT_API_VERSION = "1.0.0";
type OpenApiSecurityScheme = {
    type: 'apiKey';
    in: 'header' | 'query' | 'cookie';
    name: string;
    description?: string | undefined;
} | {
    type: 'http';
    scheme: string;
    bearerFormat?: string | undefined;
    description?: string | undefined;
} | {
    type: 'oauth2';
    flows: Record<string, unknown>;
    description?: string | undefined;
} | {
    type: 'openIdConnect';
    openIdConnectUrl: string;
    description?: string | undefined;
} | {
    type: 'mutualTLS';
    description?: string | undefined;
};
interface OpenApiOptions {
    basePath?: string | undefined;
    title?: string | undefined;
    securitySchemes?: Readonly<Record<string, OpenApiSecurityScheme>> | undefined;
}
type OpenApiDocument = Record<string, unknown> & {
    openapi: '3.1.0';
    paths: Record<string, Record<string, unknown>>;
};
declare function createOpenApiDocument(options?: OpenApiOptions): OpenApiDocument;
declare function openApiResponse(basePath: string, options?: Omit<OpenApiOptions, 'basePath'>): HttpResponse;
interface ManagementRoute {
    readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    readonly path: string;
    readonly body: boolean;
    readonly handler: ManagementHandler;
}
declare const MANAGEMENT_ROUTES: readonly ManagementRoute[];
interface ManagementApiOptions<Req> extends CrossSiteOptions {
    keyward: Keyward;
    getActor: (request: Req) => MaybePromise<Actor | null | undefined>;
    onError?: ((error: unknown) => void) | undefined;
    openApi?: Omit<OpenApiOptions, 'basePath'> | undefined;
}
interface ManagementRequestParts extends Omit<ManagementRequest, 'actor'> {
    headers: ManagementHeaders;
}
interface ManagementApi<Req> {
    readonly routes: readonly ManagementRoute[];
    openApi(basePath: string): HttpResponse;
    admit(route: ManagementRoute, headers: ManagementHeaders): HttpResponse | undefined;
    handle(route: ManagementRoute, request: Req, parts: ManagementRequestParts): Promise<HttpResponse>;
}
declare function createManagementApi<Req>(options: ManagementApiOptions<Req>, caller?: string): ManagementApi<Req>;
type PublicKeysFetcher = () => Promise<unknown>;
interface GitHubKeyringOptions {
    fetchKeys?: PublicKeysFetcher | undefined;
    ttlMs?: number | undefined;
    minRefetchMs?: number | undefined;
    now?: (() => number) | undefined;
}
interface ReplayGuard {
    claim(key: string, ttlMs: number): MaybePromise<boolean>;
    release(key: string): MaybePromise<void>;
}
declare const MAX_LEAK_REPORT_BYTES: number;
declare const DEFAULT_REPLAY_WINDOW_MS = 600000;
declare const GITHUB_KEY_ID_HEADER = "github-public-key-identifier";
declare const GITHUB_SIGNATURE_HEADER = "github-public-key-signature";
interface SecretScanningOptions extends LeakHandling, GitHubKeyringOptions {
    keyward: Keyward;
    maxBodyBytes?: number | undefined;
    replayWindowMs?: number | undefined;
    replayGuard?: ReplayGuard | undefined;
    onError?: ((error: unknown) => void) | undefined;
}
interface SecretScanningRequest {
    keyId: string | null | undefined;
    signature: string | null | undefined;
    body: Uint8Array;
}
interface SecretScanningEndpoint {
    readonly maxBodyBytes: number;
    readonly tooLarge: HttpResponse;
    handle(request: SecretScanningRequest): Promise<HttpResponse>;
}
declare function createSecretScanningEndpoint(options: SecretScanningOptions, caller?: string): SecretScanningEndpoint;
export { type AuthenticateOptions, type AuthenticateResult, BODY_RESPONSES, type BodyHeaders, CROSS_SITE_RESPONSE, type CredentialsInput, type CrossSiteOptions, type CrossSitePolicy, DEFAULT_REALM, DEFAULT_REPLAY_WINDOW_MS, type FetchRequestHeaders, GITHUB_KEY_ID_HEADER, GITHUB_SIGNATURE_HEADER, type Guard, type GuardOptions, type GuardResponses, type HttpResponse, type HttpStatus, type IncomingHeaders, type IsOptional, JSON_CONTENT_TYPE, type JsonBodyResult, MANAGEMENT_API_VERSION, MANAGEMENT_PROBLEM_CODES, MANAGEMENT_ROUTES, MAX_CREDENTIALS_LENGTH, MAX_JSON_BODY_BYTES, MAX_LEAK_REPORT_BYTES, type MalformedReason, type ManagementApi, type ManagementApiOptions, type ManagementHandler, type ManagementHeaders, type ManagementProblemCode, type ManagementRequest, type ManagementRequestParts, type ManagementRoute, NOT_JSON_RESPONSE, NO_STORE_HEADERS, OPENAPI_PATH, type OpenApiDocument, type OpenApiOptions, type OpenApiSecurityScheme, PROBLEM_CONTENT_TYPE, type ParsedCredentials, type ProblemCode, type ProblemDetails, REFUSAL_CODES, RETRY_AFTER_SECONDS, type Refusal, type RefusalAnswer, type RefusalCode, type RefusalHooks, type RouteIdReader, SECRET_SCANNING_PROBLEM_CODES, type SecretScanningEndpoint, type SecretScanningOptions, type SecretScanningProblemCode, type SecretScanningRequest, UNAUTHENTICATED_RESPONSE, admit, assertValidRealm, authenticate, createGuard, createManagementApi, createOpenApiDocument, createSecretScanningEndpoint, errorResponse, failureResponse, fetchManagementHeaders, frozenResponse, guardResponses, handleAuditLog, handleBulkDeleteTokens, handleCreateToken, handleDeleteToken, handleGetToken, handleListPermissions, handleListTokens, handleOrganizationUsage, handlePreviewExpiration, handleRollToken, handleTokenUsage, handleUpdateToken, incomingHeaderValue, isJsonContentType, jsonBodyDisposition, limitHeaders, nodeManagementHeaders, openApiResponse, parseCredentials, parseJsonBody, problemResponse, resolveCrossSite, responseText, retryAfter };
