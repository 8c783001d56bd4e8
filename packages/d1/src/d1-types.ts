// The part of Cloudflare's D1 binding the store uses, typed structurally: a Worker's `env.DB`
// (`D1Database` from @cloudflare/workers-types) fits without the package depending on those types.

/** What a D1 statement answers from `all()` and `run()`. */
export interface D1ResultLike<T = Record<string, unknown>> {
  results: T[];
  meta: { changes?: number };
}

/** A D1 prepared statement: `db.prepare(sql)`, then `bind(...values)`. */
export interface D1StatementLike {
  bind(...values: unknown[]): D1StatementLike;
  all<T = Record<string, unknown>>(): Promise<D1ResultLike<T>>;
  raw<T = unknown[]>(): Promise<T[]>;
  run(): Promise<D1ResultLike>;
}

/** Where statements run: the database binding, or one of its sessions. */
export interface D1QueryableLike {
  prepare(sql: string): D1StatementLike;
  /** Runs the statements in one transaction: all of them are applied, or none. */
  batch<T = Record<string, unknown>>(statements: D1StatementLike[]): Promise<D1ResultLike<T>[]>;
}

/**
 * A Cloudflare D1 binding (`env.DB`). `withSession` is D1's Sessions API (read replication); the
 * store opens a `'first-primary'` session per call, so every answer comes from the primary.
 *
 * @example const db: D1DatabaseLike = env.DB;
 */
export interface D1DatabaseLike extends D1QueryableLike {
  withSession?(constraintOrBookmark?: string): D1QueryableLike;
}
