import type { Actor, Role } from '@keyward/core';

/** The part of a better-auth instance (with the organization plugin) this mapping reads. */
export interface SessionSource {
  api: {
    getSession(input: { headers: Headers }): Promise<{ user: { id: string }; session: { activeOrganizationId?: string | null } } | null>;
    getActiveMember(input: { headers: Headers }): Promise<{ role: string } | null>;
  };
}

// keyward's three roles, strongest first. The organization plugin's default roles are exactly these.
const ROLES: readonly Role[] = ['owner', 'admin', 'member'];

/**
 * The better-auth organization plugin stores a member's roles as a comma-separated string
 * ("admin,member"). The strongest keyward role among them wins; a custom role keyward does not
 * know counts as `member`, which may not manage tokens (403): unknown never grants more.
 * @example roleOf('member, admin') // 'admin'
 */
export function roleOf(roles: string): Role {
  const held = new Set(roles.split(',').map((role) => role.trim()));
  return ROLES.find((role) => held.has(role)) ?? 'member';
}

/**
 * keyward's actor for a request: the signed-in user, acting in the session's active organization
 * with their role there. Null (keyward answers 401) without a session or an active organization.
 * @example tokensApp({ keyward, getActor: (c) => actorFromSession(auth, c.req.raw.headers) })
 */
export async function actorFromSession(auth: SessionSource, headers: Headers): Promise<Actor | null> {
  const session = await auth.api.getSession({ headers });
  const organizationId = session?.session.activeOrganizationId;
  if (!session || !organizationId) return null;
  const member = await auth.api.getActiveMember({ headers });
  if (!member) return null;
  return { userId: session.user.id, organizationId, role: roleOf(member.role) };
}
