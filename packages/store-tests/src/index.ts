export { describeTokenStore, type TokenStoreSuiteOptions } from './describe-token-store.js';
export { makeHash, makeRecord } from './records.js';
