// The floor's statement on PostgreSQL: the very text keyward's store prepares for findByHash (run
// under a prepared name of its own), so the floor follows the schema, e.g. schema v2's lookup by the
// current or the previous secret, and the comparison prices keyward's own work, not the query.
import { statements } from '../../../packages/postgres/src/statements.js';

/** keyward's findByHash SQL for the default location (`"public"."keyward_tokens"`); `$1` is the hash. */
export const POSTGRES_FLOOR_SQL = statements({ schema: 'public', tablePrefix: 'keyward_' }).findByHash;
