import type { D1DatabaseLike } from '@keyward/d1';

/** Drops every table, index and trigger whose name starts with `prefix`. */
export async function dropTables(db: D1DatabaseLike, prefix: string): Promise<void> {
  const { results } = await db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, length(?1)) = ?1`).bind(prefix).all<{ name: string }>();
  if (results.length > 0) await db.batch(results.map(({ name }) => db.prepare(`DROP TABLE "${name}"`)));
}
