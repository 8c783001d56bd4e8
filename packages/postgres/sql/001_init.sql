-- @keyward/postgres schema, version 1 (init): schema "public", table prefix "keyward_".
-- Apply in one transaction (e.g. psql --single-transaction -f), in version order.

CREATE TABLE IF NOT EXISTS "public"."keyward_schema_migrations" (
  version    integer     NOT NULL PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE "public"."keyward_tokens" (
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
  CONSTRAINT "keyward_tokens_pkey" PRIMARY KEY (id),
  CONSTRAINT "keyward_tokens_scope_kind" CHECK (scope_kind IN ('organization', 'project')),
  CONSTRAINT "keyward_tokens_scope_project" CHECK ((scope_kind = 'project') = (project_id IS NOT NULL))
);
CREATE UNIQUE INDEX "keyward_tokens_hash" ON "public"."keyward_tokens" (hash);
CREATE UNIQUE INDEX "keyward_tokens_org_name_key" ON "public"."keyward_tokens" (organization_id, name_key);
CREATE INDEX "keyward_tokens_org_created" ON "public"."keyward_tokens" (organization_id, created_at, id);
CREATE INDEX "keyward_tokens_project" ON "public"."keyward_tokens" (project_id) WHERE project_id IS NOT NULL;
CREATE INDEX "keyward_tokens_expires" ON "public"."keyward_tokens" (expires_at) WHERE expires_at IS NOT NULL;

CREATE FUNCTION "public"."keyward_tokens_notify_deleted"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  payload text := '';
  deleted_hash text;
BEGIN
  FOR deleted_hash IN SELECT hash FROM deleted_rows LOOP
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
CREATE TRIGGER "keyward_tokens_notify_deleted" AFTER DELETE ON "public"."keyward_tokens"
  REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION "public"."keyward_tokens_notify_deleted"();

CREATE FUNCTION "public"."keyward_tokens_notify_truncated"() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('keyward_tokens_deleted', '*');
  RETURN NULL;
END
$fn$;
CREATE TRIGGER "keyward_tokens_notify_truncated" AFTER TRUNCATE ON "public"."keyward_tokens"
  FOR EACH STATEMENT EXECUTE FUNCTION "public"."keyward_tokens_notify_truncated"();

INSERT INTO "public"."keyward_schema_migrations" (version) VALUES (1);
