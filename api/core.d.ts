import { z } from 'zod';
declare const DAY_MS = 86400000;
declare const EXPIRY_PRESETS: readonly ["1d", "7d", "30d", "60d", "90d", "never"];
type ExpiryPreset = (typeof EXPIRY_PRESETS)[number];
declare const EXPIRY_PRESET_LABELS: Record<ExpiryPreset, string>;
declare function previewExpiration(preset: ExpiryPreset, now: number): number | null;
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
type DeleteManyResult = {
    ok: true;
    deleted: TokenRecord[];
} | {
    ok: false;
    missing: string[];
};
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
    close?(): Promise<void>;
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
}
type TokenStatus = 'active' | 'expired';
interface CreatedToken {
    plaintext: string;
    token: TokenInfo;
}
interface TokenListItem extends TokenInfo {
    status: TokenStatus;
    scopeLabel: string;
}
interface TokenPage {
    items: TokenListItem[];
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
type KeywardEvent = TokenCreatedEvent | TokenDeletedEvent;
interface PepperOptions {
    current: string;
    previous?: readonly (string | null)[];
}
interface KeywardOptions {
    store: TokenStore;
    resolveProject: (projectId: string) => MaybePromise<ProjectInfo | null>;
    prefix?: string;
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
}
declare class KeywardError extends Error {
    readonly code: string;
    constructor(code: string, message: string, options?: {
        cause?: unknown;
    });
}
interface FieldIssue {
    path: string;
    message: string;
}
declare class ValidationError extends KeywardError {
    readonly field: string;
    readonly issues: readonly FieldIssue[];
    constructor(issues: readonly FieldIssue[], options?: {
        cause?: unknown;
    });
    static of(path: string, message: string): ValidationError;
}
declare class ConfigurationError extends KeywardError {
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
declare class ForbiddenError extends KeywardError {
    constructor(message?: string);
}
declare class TokenNotFoundError extends KeywardError {
    readonly ids: readonly string[];
    constructor(ids: readonly string[]);
}
declare class NameTakenError extends KeywardError {
    readonly field = "name";
    constructor(name: string);
}
declare class StoreUnavailableError extends KeywardError {
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
declare class StoreFailedError extends KeywardError {
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
declare class ClosedError extends KeywardError {
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
}, z.core.$strip>;
type CreateTokenInput = z.input<typeof createTokenInputSchema>;
declare const deleteManyInputSchema: z.ZodObject<{
    ids: z.ZodPipe<z.ZodArray<z.ZodString>, z.ZodTransform<string[], string[]>>;
}, z.core.$strip>;
declare const listOptionsSchema: z.ZodObject<{
    limit: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    cursor: z.ZodOptional<z.ZodString>;
}, z.core.$strip>;
type ListOptions = z.input<typeof listOptionsSchema>;
type VerifyFailureCode = 'MALFORMED' | 'NOT_FOUND' | 'EXPIRED' | 'SCOPE_DENIED';
type VerifyResult = {
    ok: true;
    token: TokenInfo;
} | {
    ok: false;
    code: VerifyFailureCode;
};
declare class Keyward {
    readonly prefix: string;
    private readonly options;
    private readonly lastUsed;
    private readonly verifier;
    private readonly events;
    private closed;
    constructor(options: KeywardOptions);
    private deleted;
    private assertOpen;
    private manager;
    previewExpiration(expiresIn: ExpiryPreset, now?: number): number | null;
    create(actor: Actor, input: CreateTokenInput): Promise<CreatedToken>;
    list(actor: Actor, options?: ListOptions): Promise<TokenPage>;
    get(actor: Actor, id: string): Promise<TokenInfo>;
    delete(actor: Actor, id: string): Promise<void>;
    deleteMany(actor: Actor, ids: readonly string[]): Promise<{
        deleted: number;
    }>;
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
export { type Actor, type CacheOptions, ClosedError, ConfigurationError, type CreateTokenInput, type CreatedToken, DAY_MS, type DeleteManyResult, type DeletionReason, EXPIRY_PRESETS, EXPIRY_PRESET_LABELS, type ExpiryPreset, type FieldIssue, ForbiddenError, type InvalidationChannel, type InvalidationListener, Keyward, KeywardError, type KeywardEvent, type KeywardOptions, type LastUsedUpdate, type ListCursor, type ListOptions, type ListPage, MAX_BULK_IDS, type MaybePromise, NameTakenError, type PepperOptions, type ProjectInfo, type Role, type RouteTarget, StoreFailedError, StoreUnavailableError, type TokenCreatedEvent, type TokenDeletedEvent, type TokenInfo, type TokenListItem, TokenNotFoundError, type TokenPage, type TokenRecord, type TokenScope, type TokenStatus, type TokenStore, ValidationError, type VerifyFailureCode, type VerifyResult, canManageTokens, createKeyward, createTokenInputSchema, deleteManyInputSchema, expiryPresetSchema, isWellFormedToken, memoryStore, previewExpiration, tokenNameSchema, tokenScopeSchema };
