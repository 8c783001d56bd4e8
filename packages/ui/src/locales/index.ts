// The shipped translations. English is the element's default (DEFAULT_STRINGS in '@keyward/ui').
export { ar } from './ar.js';
export { de } from './de.js';
export { plural } from '../plural.js';
