import { TokenStore, TokenRecord } from '@keyward/core';
interface TokenStoreSuiteOptions {
    cleanup?: (store: TokenStore) => void | Promise<void>;
    timeout?: number;
    breakStore?: (store: TokenStore) => void | Promise<void>;
}
declare function describeTokenStore(name: string, makeStore: () => TokenStore | Promise<TokenStore>, options?: TokenStoreSuiteOptions): void;
declare function makeHash(): string;
declare function makeRecord(overrides?: Partial<TokenRecord>): TokenRecord;
export { type TokenStoreSuiteOptions, describeTokenStore, makeHash, makeRecord };
