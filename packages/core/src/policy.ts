import { ForbiddenError } from './errors.js';
import type { Actor, Role, TokenScope } from './scope.js';

export type TokenOperation = 'view' | 'create' | 'delete' | 'roll' | 'update';

const MANAGERS: ReadonlySet<Role> = new Set(['owner', 'admin']);

/**
 * Whether a role may manage tokens. Owners and admins may view, create, roll, rename and delete them; members
 * may do none of these, so one answer serves every operation.
 * @example canManageTokens('member') // false
 */
export function canManageTokens(role: Role): boolean {
  return MANAGERS.has(role);
}

/**
 * Throws ForbiddenError unless the actor may perform the operation (named in the message).
 * @example assertCanManageTokens(actor, 'delete')
 */
export function assertCanManageTokens(actor: Actor, operation: TokenOperation): void {
  if (!canManageTokens(actor.role)) {
    throw new ForbiddenError(`role "${actor.role}" cannot ${operation} API tokens; owners and admins can`);
  }
}

/**
 * What the route being called belongs to.
 * - `{ projectId }`: a project route; an organization token passes for projects of its organization.
 * - `{ organizationId }` or `{ organizationLevel: true }`: an organization-level route; project tokens are refused.
 * - `{}`: any valid token passes; the host checks the rest itself.
 * - `permissions`: besides the scope, the token must hold every one of these (names from the
 *   host's catalog); a token lacking one is refused with `PERMISSION_DENIED`.
 * - `cost`: what the request takes from the token's rate limit and credits (default 1).
 */
export interface RouteTarget {
  organizationId?: string | undefined;
  projectId?: string | undefined;
  organizationLevel?: boolean | undefined;
  permissions?: readonly string[] | undefined;
  /**
   * Points this request takes from the token's rate limit and credits (a positive integer).
   * Default 1. Refused requests take none of its credits.
   */
  cost?: number | undefined;
}

/**
 * Whether a token of `tokenOrganizationId` with `scope` may call `target`. For an organization
 * token on a project route without a known organization, pass the project's organization as
 * `projectOrganizationId` (null when the project does not exist).
 */
export function isWithinScope(
  tokenOrganizationId: string,
  scope: TokenScope,
  target: RouteTarget,
  projectOrganizationId?: string | null,
): boolean {
  if (target.organizationId !== undefined && target.organizationId !== tokenOrganizationId) return false;
  if (target.projectId !== undefined) {
    if (scope.kind === 'project') return scope.projectId === target.projectId;
    if (target.organizationId !== undefined) return true;
    return projectOrganizationId === tokenOrganizationId;
  }
  if (target.organizationId !== undefined || target.organizationLevel) return scope.kind === 'organization';
  return true;
}

/** True when checking `target` for this scope needs the project's organization from the host. */
export function needsProjectLookup(scope: TokenScope, target: RouteTarget): boolean {
  return target.projectId !== undefined && target.organizationId === undefined && scope.kind === 'organization';
}
