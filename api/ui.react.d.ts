import { DetailedHTMLProps, HTMLAttributes } from 'react';
type ExpiryPreset = '1d' | '7d' | '30d' | '60d' | '90d' | 'never';
type HeadersOption = Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>) | null | undefined;
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
};
type StringKey = keyof typeof DEFAULT_STRINGS;
type Strings = Record<StringKey, Message>;
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
type KeywardTokensReactEvents = {
    [K in keyof KeywardTokensEventMap as `on${K}`]?: (event: KeywardTokensEventMap[K]) => void;
};
type KeywardTokensReactProps = DetailedHTMLProps<HTMLAttributes<KeywardTokensElement>, KeywardTokensElement> & KeywardTokensAttributes & KeywardTokensReactEvents;
declare module 'react' {
    namespace JSX {
        interface IntrinsicElements {
            'keyward-tokens': KeywardTokensReactProps;
        }
    }
}
export type { KeywardTokensReactEvents, KeywardTokensReactProps };
