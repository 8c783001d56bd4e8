-- @keyward/postgres schema, version 2 (roll_update_expiring): schema "public", table prefix "keyward_".
-- Apply in one transaction (e.g. psql --single-transaction -f), in version order.

ALTER TABLE "public"."keyward_tokens"
  ADD COLUMN permissions         jsonb,
  ADD COLUMN metadata            jsonb,
  ADD COLUMN previous_hash       text COLLATE "C",
  ADD COLUMN previous_hint       text,
  ADD COLUMN previous_expires_at bigint,
  ADD CONSTRAINT "keyward_tokens_permissions_array" CHECK (jsonb_typeof(permissions) = 'array'),
  ADD CONSTRAINT "keyward_tokens_metadata_object" CHECK (jsonb_typeof(metadata) = 'object'),
  ADD CONSTRAINT "keyward_tokens_previous_together" CHECK (
    (previous_hash IS NULL) = (previous_hint IS NULL) AND (previous_hash IS NULL) = (previous_expires_at IS NULL)
  );
CREATE UNIQUE INDEX "keyward_tokens_previous_hash" ON "public"."keyward_tokens" (previous_hash) WHERE previous_hash IS NOT NULL;
DROP INDEX "public"."keyward_tokens_expires";
CREATE INDEX "keyward_tokens_expires_id" ON "public"."keyward_tokens" (expires_at, id) WHERE expires_at IS NOT NULL;

CREATE OR REPLACE FUNCTION "public"."keyward_tokens_notify_deleted"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  payload text := '';
  deleted_hash text;
BEGIN
  FOR deleted_hash IN
    SELECT hash FROM deleted_rows UNION ALL SELECT previous_hash FROM deleted_rows WHERE previous_hash IS NOT NULL
  LOOP
    IF payload <> '' AND octet_length(payload) + 1 + octet_length(deleted_hash) > 7999 THEN
      PERFORM pg_notify('keyward_tokens_deleted', payload);
      payload := '';
    END IF;
    payload := CASE WHEN payload = '' THEN deleted_hash ELSE payload || ' ' || deleted_hash END;
  END LOOP;
  IF payload <> '' THEN
    PERFORM pg_notify('keyward_tokens_deleted', payload);
  END IF;
  RETURN NULL;
END
$fn$;

CREATE FUNCTION "public"."keyward_tokens_notify_changed"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('keyward_tokens_deleted', concat_ws(' ', OLD.hash, OLD.previous_hash));
  RETURN NULL;
END
$fn$;
CREATE TRIGGER "keyward_tokens_notify_changed"
  AFTER UPDATE OF id, organization_id, name, name_key, scope_kind, project_id, hash, hint, created_at, created_by, expires_at, permissions, metadata, previous_hash, previous_hint, previous_expires_at ON "public"."keyward_tokens"
  FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id
     OR OLD.organization_id IS DISTINCT FROM NEW.organization_id
     OR OLD.name IS DISTINCT FROM NEW.name
     OR OLD.name_key IS DISTINCT FROM NEW.name_key
     OR OLD.scope_kind IS DISTINCT FROM NEW.scope_kind
     OR OLD.project_id IS DISTINCT FROM NEW.project_id
     OR OLD.hash IS DISTINCT FROM NEW.hash
     OR OLD.hint IS DISTINCT FROM NEW.hint
     OR OLD.created_at IS DISTINCT FROM NEW.created_at
     OR OLD.created_by IS DISTINCT FROM NEW.created_by
     OR OLD.expires_at IS DISTINCT FROM NEW.expires_at
     OR OLD.permissions IS DISTINCT FROM NEW.permissions
     OR OLD.metadata IS DISTINCT FROM NEW.metadata
     OR OLD.previous_hash IS DISTINCT FROM NEW.previous_hash
     OR OLD.previous_hint IS DISTINCT FROM NEW.previous_hint
     OR OLD.previous_expires_at IS DISTINCT FROM NEW.previous_expires_at)
  EXECUTE FUNCTION "public"."keyward_tokens_notify_changed"();

INSERT INTO "public"."keyward_schema_migrations" (version) VALUES (2);
