import { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors.js';
import { EXPIRY_PRESETS } from './expiry.js';
import { issueMessage } from './issue-messages.js';
import { normalizeTokenName } from './name.js';

/** Most ids a bulk delete accepts at once. */
export const MAX_BULK_IDS = 1000;
/** Largest page `list` returns. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 50;

const idString = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

export const roleSchema = z.enum(['owner', 'admin', 'member']);

export const actorSchema = z.object({
  userId: idString,
  organizationId: idString,
  role: roleSchema,
});

export const tokenScopeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('organization') }),
  z.object({ kind: z.literal('project'), projectId: idString }),
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

export const createTokenInputSchema = z.object({
  name: tokenNameSchema,
  scope: tokenScopeSchema,
  expiresIn: expiryPresetSchema,
});
export type CreateTokenInput = z.input<typeof createTokenInputSchema>;

export const tokenIdSchema = idString;

export const tokenIdsSchema = z
  .array(idString)
  .min(1, 'must list at least one id')
  .max(MAX_BULK_IDS, `must list at most ${MAX_BULK_IDS} ids`)
  .transform((ids) => [...new Set(ids)]);

export const deleteManyInputSchema = z.object({ ids: tokenIdsSchema });

export const listOptionsSchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z.string().min(1).max(500).optional(),
});
export type ListOptions = z.input<typeof listOptionsSchema>;

export const pruneOptionsSchema = z.object({
  olderThanMs: z.number().int().min(0).default(0),
});

/** Turns zod issues into a ValidationError whose `field` is the dotted path (`scope.projectId`, `ids.3`). */
export function toValidationError(error: z.ZodError, prefix?: string): ValidationError {
  const issues: FieldIssue[] = error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.'),
    message: issue.message,
  }));
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
