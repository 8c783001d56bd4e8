import { afterAll, beforeAll } from 'vitest';
import { describePostgresStore, freshTablePrefix } from './conformance.js';
import { createTestDatabase, type TestDatabase } from './database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

describePostgresStore('postgresStore', () => database.pool({ max: 4 }));

// The same suite in a schema of its own, to cover schema creation and quoting.
describePostgresStore('postgresStore (own schema)', () => database.pool({ max: 4 }), () => ({ schema: `Schema_${freshTablePrefix()}`, tablePrefix: 'kw_' }));
