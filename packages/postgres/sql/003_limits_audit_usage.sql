-- @keyward/postgres schema, version 3 (limits_audit_usage): schema "public", table prefix "keyward_".
-- Apply in one transaction (e.g. psql --single-transaction -f), in version order.

ALTER TABLE "public"."keyward_tokens"
  ADD COLUMN enabled         boolean NOT NULL DEFAULT true,
  ADD COLUMN rate_limit      integer,
  ADD COLUMN rate_window     bigint,
  ADD COLUMN remaining       bigint,
  ADD COLUMN refill_amount   bigint,
  ADD COLUMN refill_interval bigint,
  ADD COLUMN refilled_at     bigint,
  ADD CONSTRAINT "keyward_tokens_remaining" CHECK (remaining >= 0),
  ADD CONSTRAINT "keyward_tokens_rate_limit_together" CHECK ((rate_limit IS NULL) = (rate_window IS NULL)),
  ADD CONSTRAINT "keyward_tokens_refill_together" CHECK ((refill_amount IS NULL) = (refill_interval IS NULL)),
  ADD CONSTRAINT "keyward_tokens_refill_interval" CHECK (refill_interval > 0);

DROP TRIGGER "keyward_tokens_notify_changed" ON "public"."keyward_tokens";
CREATE TRIGGER "keyward_tokens_notify_changed"
  AFTER UPDATE OF id, organization_id, name, name_key, scope_kind, project_id, hash, hint, created_at, created_by, expires_at, permissions, metadata, previous_hash, previous_hint, previous_expires_at, enabled, rate_limit, rate_window, remaining, refill_amount, refill_interval ON "public"."keyward_tokens"
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
     OR OLD.previous_expires_at IS DISTINCT FROM NEW.previous_expires_at
     OR OLD.enabled IS DISTINCT FROM NEW.enabled
     OR OLD.rate_limit IS DISTINCT FROM NEW.rate_limit
     OR OLD.rate_window IS DISTINCT FROM NEW.rate_window
     OR OLD.refill_amount IS DISTINCT FROM NEW.refill_amount
     OR OLD.refill_interval IS DISTINCT FROM NEW.refill_interval
     OR (OLD.remaining IS NULL) <> (NEW.remaining IS NULL))
  EXECUTE FUNCTION "public"."keyward_tokens_notify_changed"();

CREATE TABLE "public"."keyward_audit" (
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
  CONSTRAINT "keyward_audit_pkey" PRIMARY KEY (id),
  CONSTRAINT "keyward_audit_actor" CHECK (
    (actor_type = 'system' AND actor_user_id IS NULL AND actor_role IS NULL)
    OR (actor_type = 'user' AND actor_user_id IS NOT NULL AND actor_role IS NOT NULL)
  ),
  CONSTRAINT "keyward_audit_changes_object" CHECK (jsonb_typeof(changes) = 'object')
);
CREATE INDEX "keyward_audit_org_at" ON "public"."keyward_audit" (organization_id, at DESC, id DESC);
CREATE INDEX "keyward_audit_org_token_at" ON "public"."keyward_audit" (organization_id, token_id, at DESC, id DESC);
CREATE INDEX "keyward_audit_at" ON "public"."keyward_audit" (at);

CREATE TABLE "public"."keyward_usage" (
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
  CONSTRAINT "keyward_usage_pkey" PRIMARY KEY (token_id, day)
);
CREATE INDEX "keyward_usage_org_day" ON "public"."keyward_usage" (organization_id, day);
CREATE INDEX "keyward_usage_day" ON "public"."keyward_usage" (day);

CREATE TABLE "public"."keyward_rate_limits" (
  key    varchar(255) COLLATE "C" NOT NULL,
  points integer NOT NULL DEFAULT 0,
  expire bigint,
  CONSTRAINT "keyward_rate_limits_pkey" PRIMARY KEY (key)
);
CREATE INDEX "keyward_rate_limits_expire" ON "public"."keyward_rate_limits" (expire);

INSERT INTO "public"."keyward_schema_migrations" (version) VALUES (3);
