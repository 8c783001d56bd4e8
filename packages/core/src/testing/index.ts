export { createTestKeyward, type TestClock, type TestKeyward, type TestKeywardOptions } from './test-keyward.js';
export { generateToken } from '../token-format.js';
