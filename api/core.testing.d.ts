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
declare const EXPIRY_PRESETS: readonly ["1d", "7d", "30d", "60d", "90d", "never"];
type ExpiryPreset = (typeof EXPIRY_PRESETS)[number];
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
interface RouteTarget {
    organizationId?: string | undefined;
    projectId?: string | undefined;
    organizationLevel?: boolean | undefined;
}
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
