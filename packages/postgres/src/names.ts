import type { Location } from './options.js';

/**
 * The SQL names of everything the store owns at one location, quoted where they are spliced into
 * SQL. Quoting keeps a mixed-case schema or prefix exactly as given; the identifiers were checked
 * by `resolveLocation`, so they never contain a quote.
 *
 * @example names({ schema: 'public', tablePrefix: 'keyward_' }).tokens // '"public"."keyward_tokens"'
 */
export interface Names {
  schema: string;
  /** The tokens table, schema-qualified. */
  tokens: string;
  /** The table recording applied migration versions, schema-qualified. */
  migrations: string;
  /** The audit trail (schema v3), schema-qualified. */
  audit: string;
  /** Daily usage counts (schema v3), schema-qualified. */
  usage: string;
  /** rate-limiter-flexible's counters (schema v3), schema-qualified. */
  rateLimits: string;
  /** Unquoted `<prefix>…`: index, function and trigger names derive from it. */
  prefix: string;
  /** The NOTIFY channel every deleting statement publishes to (see `postgresInvalidationChannel`). */
  channel: string;
}

const quote = (identifier: string) => `"${identifier}"`;

/**
 * The unquoted name of the rate limit counters' table, as rate-limiter-flexible takes it (`tableName`).
 * @example rateLimitsTable('keyward_') // 'keyward_rate_limits'
 */
export function rateLimitsTable(tablePrefix: string): string {
  return `${tablePrefix}rate_limits`;
}

/** @example names({ schema: 'auth', tablePrefix: 'kw_' }).channel // 'kw_tokens_deleted' */
export function names({ schema, tablePrefix }: Location): Names {
  return {
    schema: quote(schema),
    tokens: `${quote(schema)}.${quote(`${tablePrefix}tokens`)}`,
    migrations: `${quote(schema)}.${quote(`${tablePrefix}schema_migrations`)}`,
    audit: `${quote(schema)}.${quote(`${tablePrefix}audit`)}`,
    usage: `${quote(schema)}.${quote(`${tablePrefix}usage`)}`,
    rateLimits: `${quote(schema)}.${quote(rateLimitsTable(tablePrefix))}`,
    prefix: tablePrefix,
    channel: `${tablePrefix}tokens_deleted`,
  };
}

/** `"schema"."<prefix><suffix>"`. @example qualified(n, 'tokens_hash') // '"public"."keyward_tokens_hash"' */
export function qualified(n: Names, suffix: string): string {
  return `${n.schema}.${quote(`${n.prefix}${suffix}`)}`;
}

/** `"<prefix><suffix>"`, for names PostgreSQL takes unqualified (indexes, triggers). */
export function local(n: Names, suffix: string): string {
  return quote(`${n.prefix}${suffix}`);
}
