import type { Actor, ProjectInfo, Role } from '@keyward/core';
import type Database from 'better-sqlite3';

// The host app's own data: keyward never stores organizations, projects or users.

export interface User {
  id: string;
  name: string;
  organizationId: string;
  role: Role;
}

const ORGANIZATION = { id: 'org_acme', name: 'Acme Records' };

const USERS: User[] = [
  { id: 'user_olivia', name: 'Olivia (owner)', organizationId: ORGANIZATION.id, role: 'owner' },
  { id: 'user_adam', name: 'Adam (admin)', organizationId: ORGANIZATION.id, role: 'admin' },
  { id: 'user_maya', name: 'Maya (member)', organizationId: ORGANIZATION.id, role: 'member' },
];

const PROJECTS: ProjectInfo[] = [
  { id: 'proj_catalog', organizationId: ORGANIZATION.id, name: 'Catalog' },
  { id: 'proj_royalties', organizationId: ORGANIZATION.id, name: 'Royalties' },
  { id: 'proj_distribution', organizationId: ORGANIZATION.id, name: 'Distribution' },
];

/** Creates and seeds the host tables on first run; later runs find them there. */
export function openHostData(db: Database.Database) {
  db.exec(`
    CREATE TABLE IF NOT EXISTS organizations (id TEXT PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, name TEXT NOT NULL, organization_id TEXT NOT NULL, role TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS projects (id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, name TEXT NOT NULL);
  `);
  db.transaction(() => {
    db.prepare('INSERT OR IGNORE INTO organizations (id, name) VALUES (?, ?)').run(ORGANIZATION.id, ORGANIZATION.name);
    const user = db.prepare('INSERT OR IGNORE INTO users (id, name, organization_id, role) VALUES (?, ?, ?, ?)');
    for (const u of USERS) user.run(u.id, u.name, u.organizationId, u.role);
    const project = db.prepare('INSERT OR IGNORE INTO projects (id, organization_id, name) VALUES (?, ?, ?)');
    for (const p of PROJECTS) project.run(p.id, p.organizationId, p.name);
  })();

  const projectById = db.prepare<[string], ProjectInfo>('SELECT id, organization_id AS organizationId, name FROM projects WHERE id = ?');
  const projectsOf = db.prepare<[string], ProjectInfo>('SELECT id, organization_id AS organizationId, name FROM projects WHERE organization_id = ? ORDER BY name');
  const userById = db.prepare<[string], User>('SELECT id, name, organization_id AS organizationId, role FROM users WHERE id = ?');
  const allUsers = db.prepare<[], User>('SELECT id, name, organization_id AS organizationId, role FROM users ORDER BY rowid');
  const organizationName = db.prepare<[string], { name: string }>('SELECT name FROM organizations WHERE id = ?');

  return {
    project: (id: string): ProjectInfo | null => projectById.get(id) ?? null,
    projectsOf: (organizationId: string): ProjectInfo[] => projectsOf.all(organizationId),
    user: (id: string): User | null => userById.get(id) ?? null,
    users: (): User[] => allUsers.all(),
    organizationName: (id: string): string => organizationName.get(id)?.name ?? id,
    actorOf: (user: User): Actor => ({ userId: user.id, organizationId: user.organizationId, role: user.role }),
  };
}

export type HostData = ReturnType<typeof openHostData>;
