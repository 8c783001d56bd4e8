-- @keyward/d1 schema version 3 (tables prefixed keyward_). Generated from the shared SQLite schema; do not edit.
ALTER TABLE keyward_tokens ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1));

ALTER TABLE keyward_tokens ADD COLUMN rate_limit INTEGER CHECK (rate_limit > 0);

ALTER TABLE keyward_tokens ADD COLUMN rate_window INTEGER CHECK ((rate_limit IS NULL) = (rate_window IS NULL) AND rate_window > 0);

ALTER TABLE keyward_tokens ADD COLUMN remaining INTEGER CHECK (remaining >= 0);

ALTER TABLE keyward_tokens ADD COLUMN refill_amount INTEGER CHECK (refill_amount > 0);

ALTER TABLE keyward_tokens ADD COLUMN refill_interval INTEGER CHECK ((refill_amount IS NULL) = (refill_interval IS NULL) AND refill_interval > 0);

ALTER TABLE keyward_tokens ADD COLUMN refilled_at INTEGER;

CREATE TABLE keyward_audit (
id              TEXT    NOT NULL PRIMARY KEY,
organization_id TEXT    NOT NULL,
at              INTEGER NOT NULL,
actor           TEXT    NOT NULL CHECK (json_valid(actor)),
action          TEXT    NOT NULL,
token_id        TEXT    NOT NULL,
token_name      TEXT    NOT NULL,
changes         TEXT    CHECK (changes IS NULL OR json_valid(changes)),
ip              TEXT,
user_agent      TEXT
) STRICT;

CREATE INDEX keyward_audit_org ON keyward_audit (organization_id, at DESC, id DESC);

CREATE INDEX keyward_audit_token ON keyward_audit (organization_id, token_id, at DESC, id DESC);

CREATE INDEX keyward_audit_at ON keyward_audit (at);

CREATE TABLE keyward_usage (
token_id          TEXT    NOT NULL,
day               TEXT    NOT NULL,
organization_id   TEXT    NOT NULL,
accepted          INTEGER NOT NULL DEFAULT 0,
disabled          INTEGER NOT NULL DEFAULT 0,
expired           INTEGER NOT NULL DEFAULT 0,
scope_denied      INTEGER NOT NULL DEFAULT 0,
permission_denied INTEGER NOT NULL DEFAULT 0,
rate_limited      INTEGER NOT NULL DEFAULT 0,
usage_exhausted   INTEGER NOT NULL DEFAULT 0,
PRIMARY KEY (token_id, day)
) STRICT;

CREATE INDEX keyward_usage_org_day ON keyward_usage (organization_id, day);

CREATE INDEX keyward_usage_day ON keyward_usage (day);

CREATE TABLE keyward_rate_limits (key TEXT PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire INTEGER);

INSERT INTO keyward_schema_version (version, applied_at) VALUES (3, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
