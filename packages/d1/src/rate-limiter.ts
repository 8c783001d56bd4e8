// rate-limiter-flexible has no D1 backend: this is one, as its own store limiters are written
// (RateLimiterSQLite's statements, on the table @keyward/sqlite's migration 3 creates). The deep
// imports keep the package's index, which loads every backend (Node's `cluster` among them), out
// of a Worker's bundle.
import RateLimiterRes from 'rate-limiter-flexible/lib/RateLimiterRes.js';
import RateLimiterStoreAbstract from 'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js';
import type { D1QueryableLike } from './d1-types.js';

interface Row {
  points: number;
  expire: number | null;
}

/** Options of `RateLimiterD1`: rate-limiter-flexible's, plus where the counts live. */
export interface RateLimiterD1Options {
  /** Where each statement runs: the store's primary. */
  db: () => D1QueryableLike;
  tableName: string;
  keyPrefix: string;
  points: number;
  duration: number;
  /** Errors thrown by D1, as the store throws them (StoreUnavailableError for an outage). */
  toError: (operation: string, error: unknown) => unknown;
}

/**
 * A rate-limiter-flexible limiter whose counts are rows of a D1 table. Each consume is one
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING` statement, atomic on its own: D1 runs statements
 * one at a time, so concurrent consumes from every isolate count each point once.
 *
 * @example
 * const limiter = new RateLimiterD1({ db: () => env.DB, tableName: 'keyward_rate_limits', keyPrefix: 'rl', points: 10, duration: 60, toError: (_, e) => e });
 * await limiter.consume('tok_1', 1);
 */
export class RateLimiterD1 extends RateLimiterStoreAbstract {
  readonly #db: () => D1QueryableLike;
  readonly #table: string;
  readonly #toError: RateLimiterD1Options['toError'];

  constructor({ db, tableName, toError, ...options }: RateLimiterD1Options) {
    super({ ...options, storeClient: db });
    this.#db = db;
    this.#table = tableName;
    this.#toError = toError;
  }

  _getRateLimiterRes(_key: string, changedPoints: number, result: Row): InstanceType<typeof RateLimiterRes> {
    const isFirstInDuration = changedPoints === result.points;
    const consumedPoints = isFirstInDuration ? changedPoints : result.points;
    const msBeforeNext = result.expire ? Math.max(result.expire - Date.now(), 0) : -1;
    return new RateLimiterRes(Math.max(this.points - consumedPoints, 0), msBeforeNext, consumedPoints, isFirstInDuration);
  }

  async _upsert(key: string, points: number, msDuration: number, forceExpire = false): Promise<Row> {
    const now = Date.now();
    const expire = msDuration > 0 ? now + msDuration : null;
    const sql = forceExpire
      ? `INSERT OR REPLACE INTO ${this.#table} (key, points, expire) VALUES (?1, ?2, ?3) RETURNING points, expire`
      : `INSERT INTO ${this.#table} (key, points, expire) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET
           points = CASE WHEN expire IS NULL OR expire > ?4 THEN points + excluded.points ELSE excluded.points END,
           expire = CASE WHEN expire IS NULL OR expire > ?4 THEN expire ELSE excluded.expire END
         RETURNING points, expire`;
    const db = this.#db();
    const statement = forceExpire ? db.prepare(sql).bind(key, points, expire) : db.prepare(sql).bind(key, points, expire, now);
    try {
      return (await statement.all<Row>()).results[0]!;
    } catch (error) {
      throw this.#toError('rateLimiter', error);
    }
  }

  async _get(key: string): Promise<Row | null> {
    try {
      const { results } = await this.#db().prepare(`SELECT points, expire FROM ${this.#table} WHERE key = ?1 AND (expire > ?2 OR expire IS NULL)`).bind(key, Date.now()).all<Row>();
      return results[0] ?? null;
    } catch (error) {
      throw this.#toError('rateLimiter', error);
    }
  }

  async _delete(key: string): Promise<boolean> {
    try {
      return ((await this.#db().prepare(`DELETE FROM ${this.#table} WHERE key = ?1`).bind(key).run()).meta.changes ?? 0) > 0;
    } catch (error) {
      throw this.#toError('rateLimiter', error);
    }
  }
}
