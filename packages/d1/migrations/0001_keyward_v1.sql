-- @keyward/d1 schema version 1 (tables prefixed keyward_). Generated from the shared SQLite schema; do not edit.
CREATE TABLE IF NOT EXISTS keyward_schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT;

CREATE TABLE keyward_tokens (
id              TEXT    NOT NULL PRIMARY KEY,
organization_id TEXT    NOT NULL,
name            TEXT    NOT NULL,
name_key        TEXT    NOT NULL,
scope_kind      TEXT    NOT NULL CHECK (scope_kind IN ('organization', 'project')),
project_id      TEXT,
hash            TEXT    NOT NULL,
hint            TEXT    NOT NULL,
created_at      INTEGER NOT NULL,
created_by      TEXT    NOT NULL,
expires_at      INTEGER,
last_used_at    INTEGER,
CHECK ((scope_kind = 'project') = (project_id IS NOT NULL))
) STRICT;

CREATE UNIQUE INDEX keyward_tokens_hash ON keyward_tokens (hash);

CREATE UNIQUE INDEX keyward_tokens_org_name_key ON keyward_tokens (organization_id, name_key);

CREATE INDEX keyward_tokens_org_created ON keyward_tokens (organization_id, created_at DESC, id DESC);

CREATE INDEX keyward_tokens_project ON keyward_tokens (project_id) WHERE project_id IS NOT NULL;

CREATE INDEX keyward_tokens_expires ON keyward_tokens (expires_at) WHERE expires_at IS NOT NULL;

INSERT INTO keyward_schema_version (version, applied_at) VALUES (1, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
