// Writes sql/NNN_name.sql for every migration at the default location (schema public, prefix
// keyward_). The test in test/sql-files.test.ts fails until the files match the code.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LOCATION, MIGRATIONS, migrationFileName, migrationSql } from '../src/schema-sql.js';

for (const migration of MIGRATIONS) {
  const path = fileURLToPath(new URL(`../sql/${migrationFileName(migration)}`, import.meta.url));
  writeFileSync(path, migrationSql(migration, DEFAULT_LOCATION));
  console.log(`wrote ${path}`);
}
