export { isUnavailableError } from './errors.js';
export { DEFAULT_SCHEMA, DEFAULT_TABLE_PREFIX, type PostgresStoreOptions } from './options.js';
export { postgresStore } from './postgres-store.js';
export { SCHEMA_VERSION, postgresSchemaSql } from './schema-sql.js';
export {
  parseInvalidation,
  postgresInvalidationChannel,
  postgresInvalidations,
  type PostgresInvalidationsOptions,
  type TokenInvalidation,
} from './invalidations.js';
