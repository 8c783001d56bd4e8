export { describeTokenStore, type StorePart, type TokenStoreSuiteOptions } from './describe-token-store.js';
export { makeDraft } from './audit.js';
export { makeHash, makeRecord, useLimitFields } from './records.js';
