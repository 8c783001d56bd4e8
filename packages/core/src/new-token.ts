import { nanoid } from 'nanoid';
import { ValidationError } from './errors.js';
import { previewExpiration } from './expiry.js';
import { newTokenLimits, type LimitSettings } from './limit-fields.js';
import { tokenNameKey } from './name.js';
import type { PermissionInfo } from './permissions.js';
import type { createTokenInputSchema } from './schemas.js';
import type { z } from 'zod';
import type { Actor } from './scope.js';
import type { RollChange, TokenRecord } from './store.js';
import type { TokenHasher } from './hash.js';
import { generateToken, tokenHint } from './token-format.js';

/**
 * The permissions of a new token: a subset of the catalog when there is one, none otherwise.
 * @example grantedPermissions(catalog, ['builds:read', 'builds:read']) // ['builds:read']
 */
export function grantedPermissions(catalog: readonly PermissionInfo[] | undefined, requested: string[] | undefined): string[] | null {
  if (catalog === undefined) {
    if (requested !== undefined) throw ValidationError.of('permissions', 'this server declares no permissions; leave it out');
    return null;
  }
  if (requested === undefined) throw ValidationError.of('permissions', 'is required: list at least one permission');
  // Checked in the order sent, so the error's index is the client's own.
  requested.forEach((name, i) => {
    if (!catalog.some((entry) => entry.name === name)) {
      throw ValidationError.of(`permissions.${i}`, `"${name}" is not a permission of this server, which declares ${catalog.map((entry) => entry.name).join(', ')}`);
    }
  });
  return [...new Set(requested)].sort();
}

/** What building a new token needs from the service. */
export interface NewTokenParts extends LimitSettings {
  prefix: string;
  hasher: TokenHasher;
  permissions: readonly PermissionInfo[] | undefined;
}

/**
 * A new token for `actor` from parsed create input at `createdAt` (whole ms): its record, ready
 * for `store.insert`, and the plaintext, which exists nowhere else.
 * @example const { record, plaintext } = newToken(parts, admin, input, Date.now());
 */
export function newToken(parts: NewTokenParts, actor: Actor, input: z.output<typeof createTokenInputSchema>, createdAt: number): { record: TokenRecord; plaintext: string } {
  const granted = grantedPermissions(parts.permissions, input.permissions);
  const limits = newTokenLimits(input, parts, createdAt);
  const plaintext = generateToken(parts.prefix);
  const record: TokenRecord = {
    id: `tok_${nanoid()}`,
    organizationId: actor.organizationId,
    name: input.name,
    nameKey: tokenNameKey(input.name),
    scope: input.scope,
    hash: parts.hasher.hash(plaintext),
    hint: tokenHint(plaintext, parts.prefix),
    createdAt,
    createdBy: actor.userId,
    expiresAt: previewExpiration(input.expiresIn, createdAt),
    lastUsedAt: null,
    permissions: granted,
    metadata: input.metadata ?? null,
    previous: null,
    ...limits,
  };
  return { record, plaintext };
}

/**
 * A new secret for `roll()`: the plaintext (shown once) and the change the store applies; the
 * current secret keeps verifying until `previousExpiresAt` (null: it stops at once).
 * @example const { plaintext, change } = newSecret(parts, null);
 */
export function newSecret(parts: Pick<NewTokenParts, 'prefix' | 'hasher'>, previousExpiresAt: number | null): { plaintext: string; change: RollChange } {
  const plaintext = generateToken(parts.prefix);
  return { plaintext, change: { hash: parts.hasher.hash(plaintext), hint: tokenHint(plaintext, parts.prefix), previousExpiresAt } };
}
