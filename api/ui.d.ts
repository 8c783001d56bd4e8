type ExpiryPreset = '1d' | '7d' | '30d' | '60d' | '90d' | 'never';
declare const EXPIRY_PRESETS: readonly ExpiryPreset[];
type TokenScope = {
    kind: 'organization';
} | {
    kind: 'project';
    projectId: string;
};
type RollGracePreset = 'now' | '1h' | '24h' | '3d' | '7d';
declare const ROLL_GRACE_PRESETS: readonly RollGracePreset[];
interface PermissionInfo {
    name: string;
    description: string;
}
interface TokenListItem {
    id: string;
    organizationId: string;
    name: string;
    scope: TokenScope;
    hint: string;
    createdAt: number;
    createdBy: string;
    expiresAt: number | null;
    lastUsedAt: number | null;
    permissions: string[] | null;
    metadata: Record<string, unknown> | null;
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
    refill: Refill | null;
    nextRefillAt: number | null;
    status: 'active' | 'expired' | 'paused';
    expiresSoon: boolean;
    scopeLabel: string;
    leak?: TokenLeak | null;
}
interface TokenLeak {
    at: number;
    url: string;
    source: string | null;
    secret: 'current' | 'previous';
}
type TokenInfo = Omit<TokenListItem, 'status' | 'scopeLabel' | 'expiresSoon' | 'leak'>;
type RateWindow = '1s' | '1m' | '1h' | '1d';
type RefillInterval = '1d' | '7d' | '30d';
interface Refill {
    amount: number;
    interval: RefillInterval;
}
interface LimitFields {
    rateLimit?: {
        limit: number;
        window: RateWindow | number;
    } | null;
    remaining?: number | null;
    refill?: Refill | null;
}
interface UsageDay {
    day: string;
    accepted: number;
    refused: Record<string, number>;
}
interface UsageReport {
    tokenId: string | null;
    days: UsageDay[];
    total?: Omit<UsageDay, 'day'>;
}
type AuditActor = {
    type: 'user';
    userId: string;
    role: string;
} | {
    type: 'system';
};
interface AuditEntry {
    id: string;
    at: number;
    actor: AuditActor;
    action: string;
    tokenId: string;
    tokenName: string;
    changes: Record<string, unknown> | null;
    ip?: string | null;
    userAgent?: string | null;
}
interface TokenPage {
    items: TokenListItem[];
    nextCursor: string | null;
}
interface CreateTokenBody {
    name: string;
    scope: TokenScope;
    expiresIn: ExpiryPreset;
    permissions?: string[];
    metadata?: Record<string, unknown>;
    rateLimit?: LimitFields['rateLimit'];
    remaining?: number;
    refill?: Refill;
}
interface CreatedToken {
    plaintext: string;
    token: TokenInfo;
}
interface ExpirationPreview {
    expiresIn: ExpiryPreset;
    expiresAt: number | null;
}
interface Problem {
    status?: number;
    code?: string;
    title?: string;
    detail?: string;
    errors?: {
        path: string;
        message: string;
    }[];
    ids?: string[];
}
type HeadersOption = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>) | null | undefined;
declare class ApiError extends Error {
    readonly status: number;
    readonly problem: Problem | null;
    readonly name = "ApiError";
    constructor(status: number, problem: Problem | null, message: string);
    get code(): string | undefined;
}
interface ApiClientOptions {
    base: string;
    headers?: HeadersOption;
}
interface ApiClient {
    list(options: {
        limit?: number;
        cursor?: string | null;
    }): Promise<TokenPage>;
    create(body: CreateTokenBody): Promise<CreatedToken>;
    preview(expiresIn: ExpiryPreset): Promise<ExpirationPreview>;
    remove(id: string): Promise<void>;
    removeMany(ids: string[]): Promise<{
        deleted: number;
        notFound: string[];
    }>;
    permissions(): Promise<{
        permissions: PermissionInfo[];
    }>;
    update(id: string, body: {
        name?: string;
        metadata?: Record<string, unknown> | null;
        enabled?: boolean;
    } & LimitFields): Promise<TokenInfo>;
    usage(id: string, days: number): Promise<UsageReport>;
    audit(options: {
        limit?: number;
        cursor?: string | null;
    }): Promise<{
        items: AuditEntry[];
        nextCursor: string | null;
    }>;
    roll(id: string, body: {
        previousSecretExpiresIn: RollGracePreset;
    }): Promise<CreatedToken>;
}
declare function createApiClient({ base, headers }: ApiClientOptions): ApiClient;
interface DateFormatter {
    day(ms: number): string;
    dateTime(ms: number): string;
    relative(ms: number, now: number, justNow: string): string;
}
declare function dateFormatter(locale: string | undefined): DateFormatter;
type Message = string | ((params: Record<string, string | number>, locale: string) => string);
declare const DEFAULT_STRINGS: {
    createHeading: string;
    nameLabel: string;
    namePlaceholder: string;
    scopeLabel: string;
    scopeOrganization: string;
    scopeOrganizationOption: string;
    scopeProjectOption: string;
    expiryLabel: string;
    expiry1d: string;
    expiry7d: string;
    expiry30d: string;
    expiry60d: string;
    expiry90d: string;
    expiryNever: string;
    permissionsLabel: string;
    permissionsHint: string;
    previewExpires: string;
    previewNever: string;
    previewLoading: string;
    createButton: string;
    creating: string;
    created: string;
    tokensHeading: string;
    tableCaption: string;
    selectAll: string;
    selectToken: string;
    columnName: string;
    columnScope: string;
    columnCreated: string;
    columnExpires: string;
    columnLastActive: string;
    columnPermissions: string;
    columnStatus: string;
    columnActions: string;
    never: string;
    neverUsed: string;
    statusActive: string;
    statusExpired: string;
    statusExpiresSoon: string;
    permissionsNone: string;
    permissionsCount: string;
    previousSecret: string;
    rowActions: string;
    bulkActions: string;
    renameAction: string;
    rollAction: string;
    deleteAction: string;
    deleteSelected: string;
    deleteSelectedCount: string;
    loading: string;
    loadMore: string;
    empty: string;
    loadFailed: string;
    retry: string;
    unreachable: string;
    forbiddenHeading: string;
    forbiddenText: string;
    unauthenticated: string;
    revealHeading: string;
    revealWarning: string;
    revealLabel: string;
    copy: string;
    copied: string;
    copyFailed: string;
    revealDone: string;
    confirmDeleteOne: string;
    confirmDeleteMany: string;
    confirmDeleteText: string;
    confirmWhatOne: string;
    confirmWhatMany: string;
    cancel: string;
    confirmDelete: string;
    deletedOne: string;
    deletedMany: string;
    alreadyDeleted: string;
    deleteFailed: string;
    renameHeading: string;
    renameText: string;
    renameSave: string;
    renamed: string;
    rollHeading: string;
    rollText: string;
    rollGraceLabel: string;
    graceNow: string;
    grace1h: string;
    grace24h: string;
    grace3d: string;
    grace7d: string;
    rollConfirm: string;
    rollRevealHeading: string;
    rolled: string;
    rollFailed: string;
    justNow: string;
    requestFailed: string;
    nameTaken: string;
    loadMoreFailed: string;
    pauseAction: string;
    resumeAction: string;
    statusPaused: string;
    paused: string;
    resumed: string;
    updateFailed: string;
    limitsLabel: string;
    limitsAction: string;
    rateLimitLabel: string;
    windowLabel: string;
    window1s: string;
    window1m: string;
    window1h: string;
    window1d: string;
    windowSeconds: string;
    creditsLabel: string;
    refillLabel: string;
    refillNever: string;
    refill1d: string;
    refill7d: string;
    refill30d: string;
    limitsHint: string;
    refillNeedsCredits: string;
    columnLimits: string;
    creditsLeft: string;
    creditsRefill: string;
    rateShown: string;
    limitsNone: string;
    limitsHeading: string;
    limitsText: string;
    limitsSaved: string;
    columnUsage: string;
    usageChart: string;
    usageTotal: string;
    usageRefused: string;
    usageTableToggle: string;
    usageTableCaption: string;
    usageDay: string;
    usageAccepted: string;
    usageRefusedColumn: string;
    usageLoading: string;
    usageFailed: string;
    activityHeading: string;
    activityIntro: string;
    activityCaption: string;
    activityLoading: string;
    activityEmpty: string;
    activityFailed: string;
    activityMore: string;
    activityMoreFailed: string;
    columnWhen: string;
    columnAction: string;
    columnToken: string;
    columnBy: string;
    columnDetails: string;
    actionCreated: string;
    actionUpdated: string;
    actionPaused: string;
    actionResumed: string;
    actionRolled: string;
    actionDeleted: string;
    actionBulkDeleted: string;
    actionProjectRevoked: string;
    actionExpiredPruned: string;
    actionLeakedRevoked: string;
    actionLeakedFlagged: string;
    leakedBadge: string;
    leakFoundAt: string;
    leakFoundOn: string;
    leakAdvice: string;
    rollLeakedAction: string;
    bySystem: string;
    byUser: string;
    roleOwner: string;
    roleAdmin: string;
    roleMember: string;
    detailRenamed: string;
    detailLimits: string;
    detailMetadata: string;
    detailRolledUntil: string;
    detailFrom: string;
};
type StringKey = keyof typeof DEFAULT_STRINGS;
type Strings = Record<StringKey, Message>;
declare function format(strings: Partial<Strings>, key: StringKey, params?: Record<string, string | number>, locale?: string): string;
interface ProjectOption {
    id: string;
    name: string;
}
type TokenCreatedEvent = CustomEvent<{
    token: {
        id: string;
        name: string;
    };
}>;
type TokensDeletedEvent = CustomEvent<{
    ids: string[];
}>;
type TokenChangedEvent = CustomEvent<{
    token: {
        id: string;
        name: string;
    };
}>;
type Theme = 'light' | 'dark' | 'auto';
declare const Base: typeof HTMLElement;
declare class KeywardTokensElement extends Base {
    #private;
    static readonly observedAttributes: string[];
    constructor();
    get api(): string;
    set api(value: string);
    get headers(): HeadersOption;
    set headers(value: HeadersOption);
    get projects(): ProjectOption[];
    set projects(value: ProjectOption[] | string);
    get strings(): Partial<Strings>;
    set strings(value: Partial<Strings>);
    get locale(): string | undefined;
    set locale(value: string | undefined);
    get theme(): Theme;
    set theme(value: Theme);
    get pageSize(): number;
    set pageSize(value: number);
    refresh(): Promise<void>;
    connectedCallback(): void;
    disconnectedCallback(): void;
    attributeChangedCallback(name: string, old: string | null, value: string | null): void;
}
interface KeywardTokensAttributes {
    api?: string;
    projects?: ProjectOption[] | string;
    headers?: HeadersOption;
    strings?: Partial<Strings>;
    locale?: string;
    theme?: Theme;
    'page-size'?: number | string;
    'default-expiry'?: ExpiryPreset;
}
interface KeywardTokensEventMap {
    'keyward-token-created': TokenCreatedEvent;
    'keyward-tokens-deleted': TokensDeletedEvent;
    'keyward-token-updated': TokenChangedEvent;
    'keyward-token-rolled': TokenChangedEvent;
}
type Phase = 'loading' | 'ready' | 'error' | 'forbidden' | 'unauthenticated';
type Change = 'phase' | 'rows' | 'selection' | 'preview' | 'more' | 'permissions';
interface TokensState {
    phase: Phase;
    error: string | null;
    tokens: TokenListItem[];
    nextCursor: string | null;
    loadingMore: boolean;
    selected: Set<string>;
    preview: ExpirationPreview | null;
    permissions: PermissionInfo[];
    rowErrors: Map<string, string>;
}
declare class TokensModel {
    #private;
    readonly state: TokensState;
    subscribe(listener: (changes: ReadonlySet<Change>) => void): () => void;
    setPhase(phase: Phase, error?: string | null): void;
    setPage(page: {
        items: TokenListItem[];
        nextCursor: string | null;
    }, append: boolean): void;
    setLoadingMore(loading: boolean): void;
    removeTokens(ids: readonly string[]): void;
    setRowError(id: string, message: string | null): void;
    updateToken(token: TokenInfo, rolled?: boolean): void;
    toggle(id: string, selected: boolean): void;
    selectAll(selected: boolean): void;
    selectedTokens(): TokenListItem[];
    setPermissions(permissions: PermissionInfo[]): void;
    setPreview(preview: ExpirationPreview | null): void;
}
export { type ApiClient, type ApiClientOptions, ApiError, type AuditActor, type AuditEntry, type Change, type CreateTokenBody, type CreatedToken, DEFAULT_STRINGS, type DateFormatter, EXPIRY_PRESETS, type ExpirationPreview, type ExpiryPreset, type HeadersOption, type KeywardTokensAttributes, KeywardTokensElement, type KeywardTokensEventMap, type Message, type PermissionInfo, type Phase, type Problem, type ProjectOption, ROLL_GRACE_PRESETS, type RollGracePreset, type StringKey, type Strings, type Theme, type TokenChangedEvent, type TokenCreatedEvent, type TokenInfo, type TokenLeak, type TokenListItem, type TokenPage, type TokenScope, type TokensDeletedEvent, TokensModel, type TokensState, type UsageDay, type UsageReport, createApiClient, dateFormatter, format };
