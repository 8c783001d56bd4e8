export { describeTokenStore, type TokenStoreSuiteOptions } from './describe-token-store.js';
export { makeRecord } from './records.js';
