import type { D1DatabaseLike, D1QueryableLike, D1StatementLike } from '@keyward/d1';

/** What workerd throws when the connection to D1 drops, word for word (see docs/stores.md, D1 errors). */
export const CONNECTION_LOST = 'D1_ERROR: Network connection lost.';

/**
 * A D1 binding that forwards to `db` until `cut()`, then fails every call as a dropped connection
 * does: the outage D1 has and a local D1 cannot be made to have (it runs in the same process).
 *
 * @example const binding = breakable(env.DB); const store = d1Store({ db: binding }); binding.cut();
 */
export function breakable(db: D1DatabaseLike): D1DatabaseLike & { cut(): void } {
  let broken = false;
  const fail = async (): Promise<never> => {
    throw new Error(CONNECTION_LOST, { cause: new Error('Network connection lost.') });
  };
  // The wrapper keeps the real statement: D1's batch() takes only its own statement objects.
  const statement = (inner: D1StatementLike): D1StatementLike => ({
    inner,
    bind: (...values) => statement(inner.bind(...values)),
    all: () => (broken ? fail() : inner.all()),
    raw: () => (broken ? fail() : inner.raw()),
    run: () => (broken ? fail() : inner.run()),
  }) as D1StatementLike;
  const queryable = (inner: D1QueryableLike): D1QueryableLike => ({
    prepare: (sql) => statement(inner.prepare(sql)),
    batch: (statements) => (broken ? fail() : inner.batch(statements.map((s) => (s as { inner?: D1StatementLike }).inner ?? s))),
  });
  return {
    ...queryable(db),
    withSession: (constraint) => queryable(db.withSession!(constraint)),
    cut: () => void (broken = true),
  };
}
