-- @keyward/d1 schema version 2 (tables prefixed keyward_). Generated from the shared SQLite schema; do not edit.
ALTER TABLE keyward_tokens ADD COLUMN permissions TEXT
CHECK (permissions IS NULL OR CASE WHEN json_valid(permissions) THEN json_type(permissions) = 'array' ELSE 0 END);

ALTER TABLE keyward_tokens ADD COLUMN metadata TEXT
CHECK (metadata IS NULL OR CASE WHEN json_valid(metadata) THEN json_type(metadata) = 'object' ELSE 0 END);

ALTER TABLE keyward_tokens ADD COLUMN previous_hash TEXT CHECK (previous_hash <> hash);

ALTER TABLE keyward_tokens ADD COLUMN previous_hint TEXT;

ALTER TABLE keyward_tokens ADD COLUMN previous_expires_at INTEGER
CHECK ((previous_hash IS NULL) = (previous_hint IS NULL) AND (previous_hash IS NULL) = (previous_expires_at IS NULL));

CREATE UNIQUE INDEX keyward_tokens_previous_hash ON keyward_tokens (previous_hash) WHERE previous_hash IS NOT NULL;

DROP INDEX keyward_tokens_expires;

CREATE INDEX keyward_tokens_expiring ON keyward_tokens (expires_at, id) WHERE expires_at IS NOT NULL;

CREATE TRIGGER keyward_tokens_hashes_unique_insert BEFORE INSERT ON keyward_tokens
WHEN EXISTS (SELECT 1 FROM keyward_tokens WHERE previous_hash = NEW.hash)
OR EXISTS (SELECT 1 FROM keyward_tokens WHERE hash = NEW.previous_hash)
BEGIN
SELECT RAISE(ABORT, 'UNIQUE constraint failed: keyward_tokens hash and previous_hash share one namespace');
END;

CREATE TRIGGER keyward_tokens_hashes_unique_update BEFORE UPDATE OF hash, previous_hash ON keyward_tokens
WHEN EXISTS (SELECT 1 FROM keyward_tokens WHERE previous_hash = NEW.hash AND id <> NEW.id)
OR EXISTS (SELECT 1 FROM keyward_tokens WHERE hash = NEW.previous_hash AND id <> NEW.id)
BEGIN
SELECT RAISE(ABORT, 'UNIQUE constraint failed: keyward_tokens hash and previous_hash share one namespace');
END;

INSERT INTO keyward_schema_version (version, applied_at) VALUES (2, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
