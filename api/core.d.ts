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
    insert(record: TokenRecord): Promise<'ok' | 'name_taken'>;
    findByHash(hash: string): MaybePromise<TokenRecord | null>;
    get(organizationId: string, id: string): Promise<TokenRecord | null>;
    list(organizationId: string, options: {
        limit: number;
        after?: ListCursor | undefined;
    }): Promise<ListPage>;
    deleteMany(organizationId: string, ids: readonly string[]): Promise<DeleteManyResult>;
    deleteByProject(projectId: string): Promise<TokenRecord[]>;
    deleteExpired(expiredBefore: number): Promise<TokenRecord[]>;
    touch(updates: readonly LastUsedUpdate[]): Promise<void>;
    roll(organizationId: string, id: string, change: RollChange): Promise<TokenRecord | null>;
    update(organizationId: string, id: string, change: UpdateChange): Promise<TokenRecord | 'name_taken' | null>;
    listExpiring(options: {
        expiresAfter: number;
        expiresBy: number;
        limit: number;
        after?: ExpiringCursor | undefined;
    }): Promise<ExpiringPage>;
    close?(): Promise<void>;
}
interface BulkDeleteResult {
    deleted: number;
    notFound: string[];
}
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
}
type TokenStatus = 'active' | 'expired';
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
type DeletionReason = 'deleted' | 'bulk_deleted' | 'project_revoked' | 'expired_pruned';
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
    changed: Array<'name' | 'metadata'>;
}
type KeywardEvent = TokenCreatedEvent | TokenDeletedEvent | TokenRolledEvent | TokenUpdatedEvent;
interface PepperOptions {
    current: string;
    previous?: readonly (string | null)[];
}
interface KeywardOptions {
    store: TokenStore;
    resolveProject: (projectId: string) => MaybePromise<ProjectInfo | null>;
    prefix?: string;
    permissions?: PermissionCatalog;
    pepper?: string | PepperOptions;
    lastUsedIntervalMs?: number;
    lastUsedFlushDelayMs?: number;
    now?: () => number;
    onEvent?: (event: KeywardEvent) => void;
    onError?: (error: unknown) => void;
    cache?: CacheOptions;
}
declare function canManageTokens(role: Role): boolean;
interface RouteTarget {
    organizationId?: string | undefined;
    projectId?: string | undefined;
    organizationLevel?: boolean | undefined;
    permissions?: readonly string[] | undefined;
}
declare const KEYWARD_ERROR_CODES: readonly ["VALIDATION_FAILED", "INVALID_CONFIGURATION", "FORBIDDEN", "TOKEN_NOT_FOUND", "NAME_TAKEN", "STORE_UNAVAILABLE", "STORE_FAILED", "CLOSED"];
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
declare class ClosedError extends KeywardError {
    readonly code: 'CLOSED';
    constructor();
}
declare const MAX_BULK_IDS = 1000;
declare const tokenScopeSchema: z.ZodDiscriminatedUnion<[z.ZodObject<{
    kind: z.ZodLiteral<"organization">;
}, z.core.$strip>, z.ZodObject<{
    kind: z.ZodLiteral<"project">;
    projectId: z.ZodString;
}, z.core.$strip>], "kind">;
declare const tokenNameSchema: z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>;
declare const expiryPresetSchema: z.ZodEnum<{
    "1d": "1d";
    "7d": "7d";
    "30d": "30d";
    "60d": "60d";
    "90d": "90d";
    never: "never";
}>;
declare const tokenMetadataSchema: z.ZodRecord<z.ZodString, z.ZodUnknown>;
declare const createTokenInputSchema: z.ZodObject<{
    name: z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>;
    scope: z.ZodDiscriminatedUnion<[z.ZodObject<{
        kind: z.ZodLiteral<"organization">;
    }, z.core.$strip>, z.ZodObject<{
        kind: z.ZodLiteral<"project">;
        projectId: z.ZodString;
    }, z.core.$strip>], "kind">;
    expiresIn: z.ZodEnum<{
        "1d": "1d";
        "7d": "7d";
        "30d": "30d";
        "60d": "60d";
        "90d": "90d";
        never: "never";
    }>;
    permissions: z.ZodOptional<z.ZodArray<z.ZodString & z.ZodType<string, string, z.core.$ZodTypeInternals<string, string>>>>;
    metadata: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodUnknown>>;
}, z.core.$strip>;
type CreateTokenInput = z.input<typeof createTokenInputSchema>;
declare const rollTokenInputSchema: z.ZodObject<{
    previousSecretExpiresIn: z.ZodDefault<z.ZodEnum<{
        "7d": "7d";
        now: "now";
        "1h": "1h";
        "24h": "24h";
        "3d": "3d";
    }>>;
}, z.core.$strip>;
type RollTokenInput = z.input<typeof rollTokenInputSchema>;
declare const updateTokenInputSchema: z.ZodObject<{
    name: z.ZodOptional<z.ZodPipe<z.ZodString, z.ZodTransform<string, string>>>;
    metadata: z.ZodOptional<z.ZodNullable<z.ZodRecord<z.ZodString, z.ZodUnknown>>>;
}, z.core.$strip>;
type UpdateTokenInput = z.input<typeof updateTokenInputSchema>;
declare const deleteManyInputSchema: z.ZodObject<{
    ids: z.ZodPipe<z.ZodArray<z.ZodString>, z.ZodTransform<string[], string[]>>;
}, z.core.$strip>;
declare const listOptionsSchema: z.ZodObject<{
    limit: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    cursor: z.ZodOptional<z.ZodString>;
}, z.core.$strip>;
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
}, z.core.$strip>;
type ListExpiringOptions = z.input<typeof listExpiringOptionsSchema>;
declare const VERIFY_FAILURE_CODES: readonly ["MALFORMED", "NOT_FOUND", "EXPIRED", "SCOPE_DENIED", "PERMISSION_DENIED"];
type VerifyFailureCode = (typeof VERIFY_FAILURE_CODES)[number];
interface VerifyFailure {
    ok: false;
    code: VerifyFailureCode;
    tokenId?: string;
    missingPermissions?: string[];
}
type VerifyResult = {
    ok: true;
    token: TokenInfo;
} | VerifyFailure;
declare class Keyward {
    readonly prefix: string;
    private readonly options;
    private readonly lastUsed;
    private readonly verifier;
    private readonly events;
    private closed;
    constructor(options: KeywardOptions);
    get permissions(): readonly PermissionInfo[];
    private grantable;
    private deleted;
    private assertOpen;
    private manager;
    previewExpiration(expiresIn: ExpiryPreset, now?: number): number | null;
    create(actor: Actor, input: CreateTokenInput): Promise<CreatedToken>;
    list(actor: Actor, options?: ListOptions): Promise<TokenPage>;
    get(actor: Actor, id: string): Promise<TokenInfo>;
    roll(actor: Actor, id: string, input?: RollTokenInput): Promise<CreatedToken>;
    update(actor: Actor, id: string, input: UpdateTokenInput): Promise<TokenInfo>;
    listExpiring(options: ListExpiringOptions): Promise<ExpiringTokenPage>;
    delete(actor: Actor, id: string): Promise<void>;
    deleteMany(actor: Actor, ids: readonly string[]): Promise<BulkDeleteResult>;
    private deleteIds;
    revokeProject(projectId: string): Promise<{
        deleted: number;
    }>;
    pruneExpired(options?: {
        olderThanMs?: number;
    }): Promise<{
        deleted: number;
    }>;
    verify(token: string, target?: RouteTarget): Promise<VerifyResult>;
    check(token: string, target?: RouteTarget): MaybePromise<VerifyResult>;
    flush(): Promise<void>;
    close(): Promise<void>;
}
declare function createKeyward(options: KeywardOptions): Keyward;
declare function memoryStore(): TokenStore;
declare function isWellFormedToken(token: unknown, prefix?: string): token is string;
export { type Actor, type BulkDeleteResult, type CacheOptions, ClosedError, ConfigurationError, type CreateTokenInput, type CreatedToken, DAY_MS, type DeleteManyResult, type DeletionReason, EXPIRY_PRESETS, EXPIRY_PRESET_LABELS, type ExpiringCursor, type ExpiringPage, type ExpiringTokenPage, type ExpiryPreset, type FieldIssue, ForbiddenError, type InvalidationChannel, type InvalidationListener, KEYWARD_ERROR_CODES, Keyward, KeywardError, type KeywardErrorCode, type KeywardEvent, type KeywardOptions, type LastUsedUpdate, type ListCursor, type ListExpiringOptions, type ListOptions, type ListPage, MAX_BULK_IDS, type MaybePromise, NameTakenError, type PepperOptions, type PermissionCatalog, type PermissionInfo, type PreviousSecret, type ProjectInfo, ROLL_GRACE_PRESETS, type Role, type RollChange, type RollGracePreset, type RollTokenInput, type RouteTarget, StoreFailedError, StoreUnavailableError, type TokenCreatedEvent, type TokenDeletedEvent, type TokenInfo, type TokenListItem, TokenNotFoundError, type TokenPage, type TokenRecord, type TokenRolledEvent, type TokenScope, type TokenStatus, type TokenStore, type TokenUpdatedEvent, type UpdateChange, type UpdateTokenInput, VERIFY_FAILURE_CODES, ValidationError, type VerifyFailure, type VerifyFailureCode, type VerifyResult, canManageTokens, createKeyward, createTokenInputSchema, deleteManyInputSchema, expiryPresetSchema, isWellFormedToken, memoryStore, previewExpiration, rollTokenInputSchema, tokenMetadataSchema, tokenNameSchema, tokenScopeSchema, updateTokenInputSchema };
