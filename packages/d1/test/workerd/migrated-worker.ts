// Runs on a database that wrangler migrated from the package's files: the store must accept it as
// it is (migrate: false), and work.
import { createKeyward } from '@keyward/core';
import { d1Store, type D1DatabaseLike } from '@keyward/d1';

export default {
  async fetch(_request: Request, env: { DB: D1DatabaseLike }): Promise<Response> {
    const keyward = createKeyward({ store: d1Store({ db: env.DB, migrate: false }), resolveProject: () => null });
    const admin = { userId: 'u1', organizationId: 'org_1', role: 'owner' } as const;
    const { plaintext } = await keyward.create(admin, { name: 'After wrangler', scope: { kind: 'organization' }, expiresIn: '1d' });
    const verified = (await keyward.verify(plaintext)).ok;
    await keyward.close();
    const version = await env.DB.prepare('SELECT MAX(version) AS v FROM keyward_schema_version').all<{ v: number }>();
    const recorded = await env.DB.prepare('SELECT name FROM d1_migrations ORDER BY id').all<{ name: string }>();
    return Response.json({ created: 201, verified, version: version.results[0]!.v, wranglerRecorded: recorded.results.map((r) => r.name) });
  },
};
