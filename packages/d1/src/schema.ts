// The D1 schema is @keyward/sqlite's, statement for statement: D1 is SQLite. The migrations are
// written once, in packages/sqlite/src/schema.ts, and bundled into this package at build time.
import { MIGRATIONS } from '../../sqlite/src/schema.js';

/**
 * The schema version this package writes and expects (the same as @keyward/sqlite's).
 *
 * @example SCHEMA_VERSION // 3
 */
export const SCHEMA_VERSION: number = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * The statements of one migration's SQL, one per entry, without the closing semicolons: D1 prepares
 * one statement at a time (a batch of them is one transaction). A trigger's body keeps its own
 * semicolons: it ends at its `END;` line.
 *
 * @example splitStatements('CREATE TABLE a (x);\nCREATE TABLE b (y);') // ['CREATE TABLE a (x)', 'CREATE TABLE b (y)']
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  let inTrigger = false;
  for (const line of sql.split('\n')) {
    const text = line.trim();
    if (text === '') continue;
    current.push(text);
    if (/^CREATE TRIGGER\b/i.test(text)) inTrigger = true;
    const ends = inTrigger ? /^END;$/i.test(text) : text.endsWith(';');
    if (!ends) continue;
    statements.push(current.join('\n').replace(/;$/, ''));
    current = [];
    inTrigger = false;
  }
  if (current.length > 0) statements.push(current.join('\n'));
  return statements;
}

/** The table where the applied schema version is recorded (shared with @keyward/sqlite's layout). */
export const versionTable = (prefix: string) => `${prefix}schema_version`;

/**
 * The statements that bring tables at `afterVersion` (0: none yet) to `SCHEMA_VERSION`, each
 * migration followed by the row recording it. `appliedAt` is SQL for the instant (epoch ms).
 *
 * @example d1SchemaStatements('keyward_', 0).length // every CREATE, ALTER and INSERT, in order
 */
export function d1SchemaStatements(prefix: string, afterVersion = 0, appliedAt = "CAST(strftime('%s', 'now') AS INTEGER) * 1000"): string[][] {
  return MIGRATIONS.filter((migration) => migration.version > afterVersion).map((migration) => [
    ...(migration.version === 1 ? [`CREATE TABLE IF NOT EXISTS ${versionTable(prefix)} (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`] : []),
    ...splitStatements(migration.up(prefix)),
    `INSERT INTO ${versionTable(prefix)} (version, applied_at) VALUES (${migration.version}, ${appliedAt})`,
  ]);
}

/** The name of each file of the package's `migrations/` folder, by version: `0001_keyward_v1.sql`… */
export const migrationFileName = (version: number) => `${String(version).padStart(4, '0')}_keyward_v${version}.sql`;

/**
 * The files of the package's `migrations/` folder (for the default table prefix), by name: what
 * `wrangler d1 migrations apply` runs. A test checks the shipped files against this.
 *
 * @example Object.keys(d1MigrationFiles()) // ['0001_keyward_v1.sql', '0002_keyward_v2.sql', '0003_keyward_v3.sql']
 */
export function d1MigrationFiles(prefix = 'keyward_'): Record<string, string> {
  const files: Record<string, string> = {};
  const groups = d1SchemaStatements(prefix);
  for (const [index, statements] of groups.entries()) {
    const version = MIGRATIONS.filter((m) => m.version > 0)[index]!.version;
    const header = `-- @keyward/d1 schema version ${version} (tables prefixed ${prefix}). Generated from the shared SQLite schema; do not edit.\n`;
    files[migrationFileName(version)] = `${header}${statements.map((s) => `${s};`).join('\n\n')}\n`;
  }
  return files;
}
