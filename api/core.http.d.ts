import { z } from 'zod';
declare const EXPIRY_PRESETS: readonly ["1d", "7d", "30d", "60d", "90d", "never"];
type ExpiryPreset = (typeof EXPIRY_PRESETS)[number];
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
interface TokenListItem extends TokenInfo {
    status: TokenStatus;
    scopeLabel: string;
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
interface CreatedToken {
    plaintext: string;
    token: TokenInfo;
}
interface TokenPage {
    items: TokenListItem[];
    nextCursor: string | null;
}
declare class Keyward {
    readonly prefix: string;
    private readonly store;
    private readonly hasher;
    private readonly now;
    private readonly resolveProject;
    private readonly lastUsed;
    private readonly verifier;
    private readonly events;
    private readonly cache;
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
type HttpStatus = 200 | 201 | 204 | 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500 | 503;
interface HttpResponse {
    readonly status: HttpStatus;
    readonly headers: Readonly<Record<string, string>>;
    readonly body?: unknown;
}
interface ProblemDetails {
    type: 'about:blank';
    title: string;
    status: HttpStatus;
    code: string;
    detail: string;
    [extension: string]: unknown;
}
declare const NO_STORE_HEADERS: Readonly<Record<string, string>>;
declare const PROBLEM_CONTENT_TYPE = "application/problem+json";
declare const JSON_CONTENT_TYPE = "application/json";
declare function problemResponse(status: HttpStatus, code: string, detail: string, extensions?: Record<string, unknown>, headers?: Record<string, string>): HttpResponse;
declare function frozenResponse(response: HttpResponse): HttpResponse;
declare function responseText(response: HttpResponse): string | null;
declare const DEFAULT_REALM = "api";
interface GuardResponses {
    readonly missing: HttpResponse;
    readonly malformed: Readonly<Record<MalformedReason, HttpResponse>>;
    readonly invalidToken: HttpResponse;
    readonly expired: HttpResponse;
    readonly insufficientScope: HttpResponse;
}
declare function assertValidRealm(realm: unknown): asserts realm is string;
declare function guardResponses(realm?: string, header?: string): GuardResponses;
interface AuthenticateOptions {
    readonly responses: GuardResponses;
    readonly onError?: ((error: unknown) => void) | undefined;
}
type AuthenticateResult = {
    ok: true;
    token: TokenInfo;
} | {
    ok: false;
    response: HttpResponse;
};
declare function authenticate(keyward: Pick<Keyward, 'verify'> & Partial<Pick<Keyward, 'check'>>, credentials: CredentialsInput, target: RouteTarget | null, options: AuthenticateOptions): MaybePromise<AuthenticateResult>;
type RouteIdReader<Ctx> = (ctx: Ctx) => string | readonly string[] | null | undefined;
interface GuardOptions<Ctx> {
    keyward: Keyward;
    project?: RouteIdReader<Ctx> | undefined;
    organization?: RouteIdReader<Ctx> | undefined;
    organizationLevel?: boolean | undefined;
    header?: string | undefined;
    realm?: string | undefined;
    onError?: ((error: unknown) => void) | undefined;
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
    target(ctx: Ctx): RouteTarget | null;
}
declare function createGuard<Ctx>(options: GuardOptions<Ctx>, caller?: string): Guard<Ctx>;
declare const RETRY_AFTER_SECONDS = 5;
declare function failureResponse(error: unknown, onError?: (error: unknown) => void): HttpResponse;
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
}
type ManagementHandler = (keyward: Keyward, request: ManagementRequest, onError?: (error: unknown) => void) => Promise<HttpResponse>;
declare const handleListTokens: ManagementHandler;
declare const handleCreateToken: ManagementHandler;
declare const handlePreviewExpiration: ManagementHandler;
declare const handleGetToken: ManagementHandler;
declare const handleDeleteToken: ManagementHandler;
declare const handleBulkDeleteTokens: ManagementHandler;
interface ManagementRoute {
    readonly method: 'GET' | 'POST' | 'DELETE';
    readonly path: string;
    readonly body: boolean;
    readonly handler: ManagementHandler;
}
declare const MANAGEMENT_ROUTES: readonly ManagementRoute[];
interface ManagementApiOptions<Req> {
    keyward: Keyward;
    getActor: (request: Req) => MaybePromise<Actor | null | undefined>;
    onError?: ((error: unknown) => void) | undefined;
}
type ManagementRequestParts = Omit<ManagementRequest, 'actor'>;
interface ManagementApi<Req> {
    readonly routes: readonly ManagementRoute[];
    handle(route: ManagementRoute, request: Req, parts: ManagementRequestParts): Promise<HttpResponse>;
}
declare function createManagementApi<Req>(options: ManagementApiOptions<Req>, caller?: string): ManagementApi<Req>;
declare const OPENAPI_PATH = "/tokens/openapi.json";
declare const MANAGEMENT_API_VERSION = "1.0.0";
interface OpenApiOptions {
    basePath?: string | undefined;
    title?: string | undefined;
}
type OpenApiDocument = Record<string, unknown> & {
    openapi: '3.1.0';
    paths: Record<string, Record<string, unknown>>;
};
declare function createOpenApiDocument(options?: OpenApiOptions): OpenApiDocument;
declare function openApiResponse(basePath: string): HttpResponse;
export { type AuthenticateOptions, type AuthenticateResult, BODY_RESPONSES, type BodyHeaders, type CredentialsInput, DEFAULT_REALM, type Guard, type GuardOptions, type GuardResponses, type HttpResponse, type HttpStatus, type IncomingHeaders, JSON_CONTENT_TYPE, type JsonBodyResult, MANAGEMENT_API_VERSION, MANAGEMENT_ROUTES, MAX_CREDENTIALS_LENGTH, MAX_JSON_BODY_BYTES, type MalformedReason, type ManagementApi, type ManagementApiOptions, type ManagementHandler, type ManagementRequest, type ManagementRequestParts, type ManagementRoute, NO_STORE_HEADERS, OPENAPI_PATH, type OpenApiDocument, type OpenApiOptions, PROBLEM_CONTENT_TYPE, type ParsedCredentials, type ProblemDetails, RETRY_AFTER_SECONDS, type RouteIdReader, UNAUTHENTICATED_RESPONSE, assertValidRealm, authenticate, createGuard, createManagementApi, createOpenApiDocument, errorResponse, failureResponse, frozenResponse, guardResponses, handleBulkDeleteTokens, handleCreateToken, handleDeleteToken, handleGetToken, handleListTokens, handlePreviewExpiration, incomingHeaderValue, isJsonContentType, jsonBodyDisposition, openApiResponse, parseCredentials, parseJsonBody, problemResponse, responseText };
