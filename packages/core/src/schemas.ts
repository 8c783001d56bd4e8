import { z } from 'zod';
import { MAX_CREDITS, REFILL_INTERVALS } from './credits.js';
import { ValidationError, type FieldIssue } from './errors.js';
import { EXPIRY_PRESETS, ROLL_GRACE_PRESETS } from './expiry.js';
import { metadataProblem, protoKeyPath } from './metadata.js';
import { isPermissionName } from './permissions.js';
import { issueMessage } from './issue-messages.js';
import { MAX_RATE_LIMIT, MAX_RATE_LIMIT_WINDOW_MS, RATE_LIMIT_WINDOWS } from './limits.js';
import { CONTROL_CHARS, normalizeTokenName } from './name.js';
import type { Actor } from './scope.js';

/** Most ids a bulk delete accepts at once. */
export const MAX_BULK_IDS = 1000;
/** Largest page `list` returns. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

/**
 * An id that carries identity (an organization, a user, a project, a token): taken exactly as
 * given, never trimmed or normalized, so "acme " can never act as "acme". Ids with whitespace at
 * either end or control characters are refused rather than guessed at.
 */
const idString = z
  .string()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .superRefine((value, ctx) => {
    if (value.trim() !== value) ctx.addIssue({ code: 'custom', message: 'must not start or end with whitespace' });
    else if (CONTROL_CHARS.test(value)) ctx.addIssue({ code: 'custom', message: 'must not contain control characters' });
  });

export const roleSchema = z.enum(['owner', 'admin', 'member']);

const ACTOR_FIELDS = ['userId', 'organizationId', 'role'] as const;

/**
 * The actor's own fields only: a field inherited through the prototype (an actor object made with
 * `Object.create({ role: 'owner' })`, say) is refused, never read.
 */
// Typed as what hosts must pass; the check itself trusts nothing about it.
function ownActorFields(actor: Actor, ctx: z.RefinementCtx): unknown {
  const value: unknown = actor;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const own: Record<string, unknown> = {};
  for (const key of ACTOR_FIELDS) {
    if (Object.hasOwn(value, key)) own[key] = (value as Record<string, unknown>)[key];
    else if (key in value) ctx.addIssue({ code: 'custom', path: [key], message: 'must be an own property of the actor, not inherited' });
  }
  return own;
}

/** The actor the host's session gives: its own `userId`, `organizationId` and `role`; other fields are the host's and ignored. */
export const actorSchema = z.preprocess(
  ownActorFields,
  z.object({
    userId: idString,
    organizationId: idString,
    role: roleSchema,
  }),
);

export const tokenScopeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('organization') }),
  z.strictObject({ kind: z.literal('project'), projectId: idString }),
]);

/** A token name: normalized (NFC, trimmed) and checked (1–100 characters, no control characters). */
export const tokenNameSchema = z.string().transform((value, ctx) => {
  const result = normalizeTokenName(value);
  if (!result.ok) {
    ctx.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  }
  return result.name;
});

export const expiryPresetSchema = z.enum(EXPIRY_PRESETS, {
  error: `must be one of ${EXPIRY_PRESETS.join(', ')}`,
});

/**
 * Token metadata: a plain JSON object of at most 4 KB as JSON. Checked as given, before anything
 * copies it: a `__proto__` key (at any depth) is refused with its path, since a copy would drop it.
 */
export const tokenMetadataSchema = z.preprocess(
  // Typed as what callers must send; the check itself trusts nothing about it.
  (value: Record<string, unknown>, ctx) => {
    const proto = protoKeyPath(value);
    if (proto !== null) ctx.addIssue({ code: 'custom', path: proto, message: 'is a key no object can keep; rename it' });
    else {
      const problem = metadataProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }
    return value;
  },
  z.record(z.string(), z.unknown()),
);

/**
 * Permission names as a client sends them: well-formed, at least one, in the client's order (so
 * an error's index points at what the client sent). The service checks each against the host's
 * catalog, then stores them distinct and sorted.
 */
export const permissionNamesSchema = z
  .array(z.string().refine(isPermissionName, 'must be a permission name such as "builds:read"'))
  .min(1, 'must list at least one permission')
  .max(100, 'must list at most 100 permissions');

const windowNames = Object.keys(RATE_LIMIT_WINDOWS) as [keyof typeof RATE_LIMIT_WINDOWS, ...Array<keyof typeof RATE_LIMIT_WINDOWS>];
const refillNames = Object.keys(REFILL_INTERVALS) as [keyof typeof REFILL_INTERVALS, ...Array<keyof typeof REFILL_INTERVALS>];

/** A per-token rate limit: `limit` requests per `window` (`1s`, `1m`, `1h`, `1d`, or whole seconds in ms up to 30 days). */
export const rateLimitSchema = z.strictObject({
  limit: z.number().int().min(1).max(MAX_RATE_LIMIT),
  window: z.union([z.enum(windowNames), z.number().int().min(1000).max(MAX_RATE_LIMIT_WINDOW_MS).multipleOf(1000)], {
    error: `must be one of ${windowNames.join(', ')} or a whole number of seconds in ms (1000 to ${MAX_RATE_LIMIT_WINDOW_MS})`,
  }),
});

/** Usage credits left: a whole number, 0 to 10^12. */
export const creditsSchema = z.number().int().min(0).max(MAX_CREDITS);

/** A credit refill: back to `amount` every `interval` (`1d`, `7d`, `30d`). */
export const refillSchema = z.strictObject({
  amount: z.number().int().min(1).max(MAX_CREDITS),
  interval: z.enum(refillNames, { error: `must be one of ${refillNames.join(', ')}` }),
});

/** The limit fields of create and update: null removes a limit. */
const limitFields = {
  /** Absent: the host's default (createKeyward({ rateLimits })); null: none. */
  rateLimit: rateLimitSchema.nullable().optional(),
  /** Usage credits (request points) the token may still spend; null: unlimited. */
  remaining: creditsSchema.nullable().optional(),
  refill: refillSchema.nullable().optional(),
};

// Inputs are strict objects: a field keyward does not know (a typo such as `metdata`) is refused
// with its path, never dropped.
export const createTokenInputSchema = z.strictObject({
  name: tokenNameSchema,
  scope: tokenScopeSchema,
  expiresIn: expiryPresetSchema,
  /** Required when the host declared a permission catalog; refused when it did not. */
  permissions: permissionNamesSchema.optional(),
  metadata: tokenMetadataSchema.optional(),
  ...limitFields,
});
export type CreateTokenInput = z.input<typeof createTokenInputSchema>;

export const tokenIdSchema = idString;

export const rollGracePresetSchema = z.enum(ROLL_GRACE_PRESETS, {
  error: `must be one of ${ROLL_GRACE_PRESETS.join(', ')}`,
});

export const rollTokenInputSchema = z.strictObject({
  /** How long the current secret keeps verifying after the roll. Default `now`: it stops at once. */
  previousSecretExpiresIn: rollGracePresetSchema.default('now'),
});
export type RollTokenInput = z.input<typeof rollTokenInputSchema>;

export const updateTokenInputSchema = z
  .strictObject({
    name: tokenNameSchema.optional(),
    /** null clears it. */
    metadata: tokenMetadataSchema.nullable().optional(),
    /** false pauses the token (refused with TOKEN_DISABLED, nothing lost); true resumes it. */
    enabled: z.boolean().optional(),
    ...limitFields,
  })
  .refine((input) => Object.values(input).some((value) => value !== undefined), 'must change name, metadata, enabled, rateLimit, remaining or refill');
export type UpdateTokenInput = z.input<typeof updateTokenInputSchema>;

export const tokenIdsSchema = z
  .array(idString)
  .min(1, 'must list at least one id')
  .max(MAX_BULK_IDS, `must list at most ${MAX_BULK_IDS} ids`)
  .transform((ids) => [...new Set(ids)]);

export const deleteManyInputSchema = z.strictObject({ ids: tokenIdsSchema });

export const listOptionsSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1).max(500).optional(),
});
export type ListOptions = z.input<typeof listOptionsSchema>;

/** The same paging as `list`, over a window of `within` from now. */
export const listExpiringOptionsSchema = listOptionsSchema.extend({
  /** How far ahead to look: ms, or an expiry preset such as `7d`. */
  within: z.union([z.number().int().min(1), z.enum(['1d', '7d', '30d', '60d', '90d'])], {
    error: 'must be a positive number of ms or one of 1d, 7d, 30d, 60d, 90d',
  }),
});
export type ListExpiringOptions = z.input<typeof listExpiringOptionsSchema>;

/** `auditLog()` paging, optionally of one token. */
export const auditLogOptionsSchema = listOptionsSchema.extend({
  tokenId: idString.optional(),
});
export type AuditLogOptions = z.input<typeof auditLogOptionsSchema>;

/** How many UTC days of usage to read back, today included (1 to 400, default 30). */
export const usageOptionsSchema = z.strictObject({
  days: z.coerce.number().int().min(1).max(400).default(30),
});
export type UsageOptions = z.input<typeof usageOptionsSchema>;

export const pruneOptionsSchema = z.strictObject({
  olderThanMs: z.number().int().min(0).default(0),
});

/** Turns zod issues into a ValidationError whose `field` is the dotted path (`scope.projectId`, `ids.3`). */
export function toValidationError(error: z.ZodError, prefix?: string): ValidationError {
  const at = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter((p) => p !== undefined && p !== '').join('.');
  const issues: FieldIssue[] = error.issues.flatMap((issue) =>
    // One issue per unknown field, at its own path, so a form can show it beside the field.
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: at([...issue.path, key]), message: 'is not a known field' }))
      : [{ path: at(issue.path), message: issue.message }],
  );
  return new ValidationError(issues, { cause: error });
}

/**
 * Parses `value` with `schema`, throwing a ValidationError that names the field on failure.
 * `prefix` is prepended to paths, for inputs that are one field of something larger.
 * @example parseInput(actorSchema, req.actor, 'actor')
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(value, { error: issueMessage });
  if (!result.success) throw toValidationError(result.error, prefix);
  return result.data;
}
