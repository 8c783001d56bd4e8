export * from './harness.js';
export * from './guard-cases.js';
export * from './management-cases.js';
export * from './leak-cases.js';
