/** What a token may reach: its whole organization, or one project of it. */
export type TokenScope = { kind: 'organization' } | { kind: 'project'; projectId: string };

export type Role = 'owner' | 'admin' | 'member';

/** Who is acting, as established by the host's own session auth. */
export interface Actor {
  userId: string;
  organizationId: string;
  role: Role;
}

/** A project as the host knows it. keyward stores project ids only and asks the host for the rest. */
export interface ProjectInfo {
  id: string;
  organizationId: string;
  name: string;
}
