import { createKeyward, memoryStore, type Actor, type Keyward, type ProjectInfo } from '@keyward/core';

// Stands in for the host app's own data: its projects and its signed-in users.
const PROJECTS: readonly ProjectInfo[] = [
  { id: 'proj_web', organizationId: 'org_acme', name: 'Website' },
  { id: 'proj_api', organizationId: 'org_acme', name: 'Public API' },
];
const SESSIONS: Readonly<Record<string, Actor>> = {
  'session-ada': { userId: 'u_ada', organizationId: 'org_acme', role: 'admin' },
  'session-bob': { userId: 'u_bob', organizationId: 'org_acme', role: 'member' },
};

// Next.js may load each route in its own module instance: one service on globalThis keeps a
// memory store shared by every route (a real app would use @keyward/sqlite, -redis or -postgres).
const shared = globalThis as typeof globalThis & { __keyward?: Keyward };

/** The app's one token service. */
export const keyward: Keyward = (shared.__keyward ??= createKeyward({
  store: memoryStore(),
  resolveProject: (id) => PROJECTS.find((project) => project.id === id) ?? null,
}));

/** The signed-in user, from the `session` cookie: a stand-in for the app's real session auth. */
export function sessionActor(request: Request): Actor | null {
  const cookie = request.headers.get('cookie') ?? '';
  const session = /(?:^|;\s*)session=([^;]+)/.exec(cookie)?.[1];
  return session !== undefined && Object.hasOwn(SESSIONS, session) ? SESSIONS[session]! : null;
}
