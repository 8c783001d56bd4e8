import { ConfigurationError } from '@keyward/core';
import { names, local, qualified, type Names } from './names.js';
import { DEFAULT_SCHEMA, DEFAULT_TABLE_PREFIX, resolveLocation, type Location } from './options.js';

/**
 * One step of the schema. Migrations are append-only: a released one is never edited, a change is
 * a new version (and a new `sql/NNN_*.sql` file).
 *
 * @example const step: Migration = { version: 2, name: 'note', up: (n) => `ALTER TABLE ${n.tokens} ADD COLUMN note text;` };
 */
export interface Migration {
  version: number;
  /** The file name's tail: `sql/001_init.sql` for `{ version: 1, name: 'init' }`. */
  name: string;
  up: (n: Names) => string;
}

// The payload limit of NOTIFY is 8000 bytes; one notification carries as many whole hashes
// (separated by a space) as fit below it, so a 1000-token delete sends a handful.
const NOTIFY_PAYLOAD_MAX_BYTES = 7999;

// Every column of migration 2's table but last_used_at: what a cached verification answers with.
// (Written out, not derived from rows.ts: a released migration's text must never change.)
const CHANGE_COLUMNS = [
  'id',
  'organization_id',
  'name',
  'name_key',
  'scope_kind',
  'project_id',
  'hash',
  'hint',
  'created_at',
  'created_by',
  'expires_at',
  'permissions',
  'metadata',
  'previous_hash',
  'previous_hint',
  'previous_expires_at',
];

// The columns migration 3 adds that a cached verification answers with. (`refilled_at` is left
// out: only the refill clock, which spend() reads from the row, never from a cache.)
const LIMIT_COLUMNS = ['enabled', 'rate_limit', 'rate_window', 'remaining', 'refill_amount', 'refill_interval'];

/**
 * Every migration, oldest first.
 *
 * @example MIGRATIONS.map((m) => m.version) // [1, 2, 3]
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'init',
    // COLLATE "C" on ids and hashes: byte order, so keyset pages follow the order JavaScript sorts
    // ids in, and equality on the hash index is a memcmp whatever the database's locale.
    // Instants are epoch milliseconds in bigint.
    // The delete trigger publishes the deleted hashes inside the deleting statement, so every
    // committed delete notifies (whoever runs it) and a rolled-back one notifies nothing.
    up: (n) => `CREATE TABLE ${n.tokens} (
  id              text COLLATE "C" NOT NULL,
  organization_id text COLLATE "C" NOT NULL,
  name            text   NOT NULL,
  name_key        text   NOT NULL,
  scope_kind      text   NOT NULL,
  project_id      text COLLATE "C",
  hash            text COLLATE "C" NOT NULL,
  hint            text   NOT NULL,
  created_at      bigint NOT NULL,
  created_by      text   NOT NULL,
  expires_at      bigint,
  last_used_at    bigint,
  CONSTRAINT ${local(n, 'tokens_pkey')} PRIMARY KEY (id),
  CONSTRAINT ${local(n, 'tokens_scope_kind')} CHECK (scope_kind IN ('organization', 'project')),
  CONSTRAINT ${local(n, 'tokens_scope_project')} CHECK ((scope_kind = 'project') = (project_id IS NOT NULL))
);
CREATE UNIQUE INDEX ${local(n, 'tokens_hash')} ON ${n.tokens} (hash);
CREATE UNIQUE INDEX ${local(n, 'tokens_org_name_key')} ON ${n.tokens} (organization_id, name_key);
CREATE INDEX ${local(n, 'tokens_org_created')} ON ${n.tokens} (organization_id, created_at, id);
CREATE INDEX ${local(n, 'tokens_project')} ON ${n.tokens} (project_id) WHERE project_id IS NOT NULL;
CREATE INDEX ${local(n, 'tokens_expires')} ON ${n.tokens} (expires_at) WHERE expires_at IS NOT NULL;

CREATE FUNCTION ${qualified(n, 'tokens_notify_deleted')}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  payload text := '';
  deleted_hash text;
BEGIN
  FOR deleted_hash IN SELECT hash FROM deleted_rows LOOP
    IF payload <> '' AND octet_length(payload) + 1 + octet_length(deleted_hash) > ${NOTIFY_PAYLOAD_MAX_BYTES} THEN
      PERFORM pg_notify('${n.channel}', payload);
      payload := '';
    END IF;
    payload := CASE WHEN payload = '' THEN deleted_hash ELSE payload || ' ' || deleted_hash END;
  END LOOP;
  IF payload <> '' THEN
    PERFORM pg_notify('${n.channel}', payload);
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER ${local(n, 'tokens_notify_deleted')} AFTER DELETE ON ${n.tokens}
  REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION ${qualified(n, 'tokens_notify_deleted')}();

CREATE FUNCTION ${qualified(n, 'tokens_notify_truncated')}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('${n.channel}', '*');
  RETURN NULL;
END
$fn$;
CREATE TRIGGER ${local(n, 'tokens_notify_truncated')} AFTER TRUNCATE ON ${n.tokens}
  FOR EACH STATEMENT EXECUTE FUNCTION ${qualified(n, 'tokens_notify_truncated')}();
`,
  },
  {
    version: 2,
    name: 'roll_update_expiring',
    // The previous secret of a roll lives beside the current one: findByHash probes both unique
    // indexes, and one row keeps roll, update and delete single-row, single-statement changes.
    // Permissions and metadata are jsonb, checked only for their JSON type (stores hold no policy).
    // listExpiring pages by the row value (expires_at, id), so the expiry index gains id (and
    // replaces the v1 one, which deleteExpired uses just as well).
    // Deleting now announces previous secrets too. A change of anything a verification answers
    // with (every column but last_used_at) announces the row's old hashes, so a cached lookup under
    // either is dropped; a row trigger with a column list and WHEN never fires for touch().
    up: (n) => `ALTER TABLE ${n.tokens}
  ADD COLUMN permissions         jsonb,
  ADD COLUMN metadata            jsonb,
  ADD COLUMN previous_hash       text COLLATE "C",
  ADD COLUMN previous_hint       text,
  ADD COLUMN previous_expires_at bigint,
  ADD CONSTRAINT ${local(n, 'tokens_permissions_array')} CHECK (jsonb_typeof(permissions) = 'array'),
  ADD CONSTRAINT ${local(n, 'tokens_metadata_object')} CHECK (jsonb_typeof(metadata) = 'object'),
  ADD CONSTRAINT ${local(n, 'tokens_previous_together')} CHECK (
    (previous_hash IS NULL) = (previous_hint IS NULL) AND (previous_hash IS NULL) = (previous_expires_at IS NULL)
  );
CREATE UNIQUE INDEX ${local(n, 'tokens_previous_hash')} ON ${n.tokens} (previous_hash) WHERE previous_hash IS NOT NULL;
DROP INDEX ${qualified(n, 'tokens_expires')};
CREATE INDEX ${local(n, 'tokens_expires_id')} ON ${n.tokens} (expires_at, id) WHERE expires_at IS NOT NULL;

CREATE OR REPLACE FUNCTION ${qualified(n, 'tokens_notify_deleted')}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  payload text := '';
  deleted_hash text;
BEGIN
  FOR deleted_hash IN
    SELECT hash FROM deleted_rows UNION ALL SELECT previous_hash FROM deleted_rows WHERE previous_hash IS NOT NULL
  LOOP
    IF payload <> '' AND octet_length(payload) + 1 + octet_length(deleted_hash) > ${NOTIFY_PAYLOAD_MAX_BYTES} THEN
      PERFORM pg_notify('${n.channel}', payload);
      payload := '';
    END IF;
    payload := CASE WHEN payload = '' THEN deleted_hash ELSE payload || ' ' || deleted_hash END;
  END LOOP;
  IF payload <> '' THEN
    PERFORM pg_notify('${n.channel}', payload);
  END IF;
  RETURN NULL;
END
$fn$;

CREATE FUNCTION ${qualified(n, 'tokens_notify_changed')}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('${n.channel}', concat_ws(' ', OLD.hash, OLD.previous_hash));
  RETURN NULL;
END
$fn$;
CREATE TRIGGER ${local(n, 'tokens_notify_changed')}
  AFTER UPDATE OF ${CHANGE_COLUMNS.join(', ')} ON ${n.tokens}
  FOR EACH ROW
  WHEN (${CHANGE_COLUMNS.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join('\n     OR ')})
  EXECUTE FUNCTION ${qualified(n, 'tokens_notify_changed')}();
`,
  },
  {
    version: 3,
    name: 'limits_audit_usage',
    // Contract v3. The limit columns are added with constant defaults (no table rewrite: a v2 row
    // reads as enabled, without limits). CHECKs keep each pair whole and the credits at or above
    // zero, and a refill interval positive (spend() divides by it).
    // The change trigger is replaced: a pause, a new rate limit or refill, and credits set on or
    // removed from a token change what a cached verification answers, so they announce the row's
    // hashes like a rename. A spend only moves `remaining` between two numbers (and `refilled_at`):
    // it announces nothing, so the per-request write never empties a cache.
    // The audit trail is written by the same statement as its action (see statements.ts); its ids
    // and the keyset order are byte order ("C"), like the tokens'. Usage rows are per token and UTC
    // day. The rate limit counters' table is rate-limiter-flexible's own layout (it inserts by
    // position: key, points, expire), made here so its limiter runs with tableCreated: true.
    up: (n) => `ALTER TABLE ${n.tokens}
  ADD COLUMN enabled         boolean NOT NULL DEFAULT true,
  ADD COLUMN rate_limit      integer,
  ADD COLUMN rate_window     bigint,
  ADD COLUMN remaining       bigint,
  ADD COLUMN refill_amount   bigint,
  ADD COLUMN refill_interval bigint,
  ADD COLUMN refilled_at     bigint,
  ADD CONSTRAINT ${local(n, 'tokens_remaining')} CHECK (remaining >= 0),
  ADD CONSTRAINT ${local(n, 'tokens_rate_limit_together')} CHECK ((rate_limit IS NULL) = (rate_window IS NULL)),
  ADD CONSTRAINT ${local(n, 'tokens_refill_together')} CHECK ((refill_amount IS NULL) = (refill_interval IS NULL)),
  ADD CONSTRAINT ${local(n, 'tokens_refill_interval')} CHECK (refill_interval > 0);

DROP TRIGGER ${local(n, 'tokens_notify_changed')} ON ${n.tokens};
CREATE TRIGGER ${local(n, 'tokens_notify_changed')}
  AFTER UPDATE OF ${[...CHANGE_COLUMNS, ...LIMIT_COLUMNS].join(', ')} ON ${n.tokens}
  FOR EACH ROW
  WHEN (${[...CHANGE_COLUMNS, ...LIMIT_COLUMNS.filter((c) => c !== 'remaining')].map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join('\n     OR ')}
     OR (OLD.remaining IS NULL) <> (NEW.remaining IS NULL))
  EXECUTE FUNCTION ${qualified(n, 'tokens_notify_changed')}();

CREATE TABLE ${n.audit} (
  id              text COLLATE "C" NOT NULL,
  organization_id text COLLATE "C" NOT NULL,
  token_id        text COLLATE "C" NOT NULL,
  token_name      text   NOT NULL,
  at              bigint NOT NULL,
  actor_type      text   NOT NULL,
  actor_user_id   text,
  actor_role      text,
  action          text   NOT NULL,
  changes         jsonb,
  ip              text,
  user_agent      text,
  CONSTRAINT ${local(n, 'audit_pkey')} PRIMARY KEY (id),
  CONSTRAINT ${local(n, 'audit_actor')} CHECK (
    (actor_type = 'system' AND actor_user_id IS NULL AND actor_role IS NULL)
    OR (actor_type = 'user' AND actor_user_id IS NOT NULL AND actor_role IS NOT NULL)
  ),
  CONSTRAINT ${local(n, 'audit_changes_object')} CHECK (jsonb_typeof(changes) = 'object')
);
CREATE INDEX ${local(n, 'audit_org_at')} ON ${n.audit} (organization_id, at DESC, id DESC);
CREATE INDEX ${local(n, 'audit_org_token_at')} ON ${n.audit} (organization_id, token_id, at DESC, id DESC);
CREATE INDEX ${local(n, 'audit_at')} ON ${n.audit} (at);

CREATE TABLE ${n.usage} (
  token_id          text COLLATE "C" NOT NULL,
  day               date   NOT NULL,
  organization_id   text COLLATE "C" NOT NULL,
  accepted          bigint NOT NULL DEFAULT 0,
  expired           bigint NOT NULL DEFAULT 0,
  scope_denied      bigint NOT NULL DEFAULT 0,
  permission_denied bigint NOT NULL DEFAULT 0,
  disabled          bigint NOT NULL DEFAULT 0,
  rate_limited      bigint NOT NULL DEFAULT 0,
  usage_exhausted   bigint NOT NULL DEFAULT 0,
  CONSTRAINT ${local(n, 'usage_pkey')} PRIMARY KEY (token_id, day)
);
CREATE INDEX ${local(n, 'usage_org_day')} ON ${n.usage} (organization_id, day);
CREATE INDEX ${local(n, 'usage_day')} ON ${n.usage} (day);

CREATE TABLE ${n.rateLimits} (
  key    varchar(255) COLLATE "C" NOT NULL,
  points integer NOT NULL DEFAULT 0,
  expire bigint,
  CONSTRAINT ${local(n, 'rate_limits_pkey')} PRIMARY KEY (key)
);
CREATE INDEX ${local(n, 'rate_limits_expire')} ON ${n.rateLimits} (expire);
`,
  },
];

/**
 * The schema version this package writes and expects.
 *
 * @example SCHEMA_VERSION // 3
 */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * The SQL that creates the migrations table if needed (and the schema, unless it is `public`).
 *
 * @example migrationsTableSql(names(location))
 */
export function migrationsTableSql(n: Names, schema: string): string {
  const createSchema = schema === DEFAULT_SCHEMA ? '' : `CREATE SCHEMA IF NOT EXISTS ${n.schema};\n`;
  return `${createSchema}CREATE TABLE IF NOT EXISTS ${n.migrations} (
  version    integer     NOT NULL PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);
`;
}

/**
 * The text of one migration as shipped in `sql/NNN_name.sql`: the step itself, then the row that
 * records it, so a store started later with `migrate: true` knows it is applied. The first one
 * also creates the migrations table.
 *
 * @example migrationSql(MIGRATIONS[0]!, { schema: 'public', tablePrefix: 'keyward_' })
 */
export function migrationSql(migration: Migration, location: Location): string {
  const n = names(location);
  return [
    `-- @keyward/postgres schema, version ${migration.version} (${migration.name}): schema "${location.schema}", table prefix "${location.tablePrefix}".`,
    '-- Apply in one transaction (e.g. psql --single-transaction -f), in version order.',
    '',
    ...(migration.version === 1 ? [migrationsTableSql(n, location.schema)] : []),
    migration.up(n),
    `INSERT INTO ${n.migrations} (version) VALUES (${migration.version});`,
    '',
  ].join('\n');
}

/**
 * Every migration's SQL, in order, for hosts that apply the schema with their own tool (Drizzle,
 * Prisma, Knex, node-pg-migrate…) and run `postgresStore({ pool, migrate: false })`. Apply it in one
 * transaction. `afterVersion` (default 0) leaves out the migrations up to that version: pass the
 * version your tables are at to get only the upgrade (empty when they are current). The package
 * also ships the same text for the default location as `sql/*.sql`.
 *
 * @throws ConfigurationError for a bad `schema`, `tablePrefix` or `afterVersion`
 * @example
 * import { postgresSchemaSql } from '@keyward/postgres';
 * await pool.query(`BEGIN; ${postgresSchemaSql({ schema: 'auth' })} COMMIT;`);
 * // Tables already at version 2: only what version 3 adds.
 * const upgrade = postgresSchemaSql({ schema: 'auth', afterVersion: 2 });
 */
export function postgresSchemaSql(options: { schema?: string; tablePrefix?: string; afterVersion?: number } = {}): string {
  const location = resolveLocation('postgresSchemaSql', options);
  const afterVersion = options.afterVersion ?? 0;
  if (!Number.isSafeInteger(afterVersion) || afterVersion < 0 || afterVersion > SCHEMA_VERSION) {
    throw new ConfigurationError(`postgresSchemaSql: afterVersion must be an integer from 0 to ${SCHEMA_VERSION} (the version your tables are at), got ${String(afterVersion)}`);
  }
  return MIGRATIONS.filter((migration) => migration.version > afterVersion)
    .map((migration) => migrationSql(migration, location))
    .join('\n');
}

/**
 * The file name of a migration in `sql/`. @example migrationFileName(MIGRATIONS[0]!) // '001_init.sql'
 */
export function migrationFileName(migration: Migration): string {
  return `${String(migration.version).padStart(3, '0')}_${migration.name}.sql`;
}

/** The location the shipped `sql/*.sql` files are written for. */
export const DEFAULT_LOCATION: Location = { schema: DEFAULT_SCHEMA, tablePrefix: DEFAULT_TABLE_PREFIX };
