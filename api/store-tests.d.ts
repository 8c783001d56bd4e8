import { TokenStore, AuditDraft, TokenRecord } from '@keyward/core';
interface TokenStoreSuiteOptions {
    cleanup?: (store: TokenStore) => void | Promise<void>;
    timeout?: number;
    breakStore?: (store: TokenStore) => void | Promise<void>;
    parts?: readonly StorePart[];
}
type StorePart = 'limits' | 'rateLimiter' | 'audit' | 'usage';
declare function describeTokenStore(name: string, makeStore: () => TokenStore | Promise<TokenStore>, options?: TokenStoreSuiteOptions): void;
declare function makeDraft(overrides?: Partial<AuditDraft>): AuditDraft;
declare function useLimitFields(on: boolean): void;
declare function makeHash(): string;
declare function makeRecord(overrides?: Partial<TokenRecord>): TokenRecord;
export { type StorePart, type TokenStoreSuiteOptions, describeTokenStore, makeDraft, makeHash, makeRecord, useLimitFields };
