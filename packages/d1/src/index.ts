export { d1Store } from './d1-store.js';
export type { D1DatabaseLike, D1QueryableLike, D1ResultLike, D1StatementLike } from './d1-types.js';
export { D1_OUTAGE_MESSAGES } from './errors.js';
export { DEFAULT_TABLE_PREFIX, type D1StoreOptions } from './options.js';
export { d1MigrationFiles, d1SchemaStatements, SCHEMA_VERSION } from './schema.js';
