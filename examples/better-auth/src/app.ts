// A Hono app whose users sign in with better-auth and belong to organizations through its
// organization plugin. keyward takes the actor from that session: the user, the active
// organization, and the member's role there (owner, admin or member, as in keyward).
import { createKeyward, type ProjectInfo } from '@keyward/core';
import { requireToken, tokensApp } from '@keyward/hono';
import { sqliteStore } from '@keyward/sqlite';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { organization } from 'better-auth/plugins';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { actorFromSession } from './actor.js';

export async function createApp(options: { file?: string; baseURL?: string } = {}) {
  const db = new Database(options.file ?? ':memory:');
  const auth = betterAuth({
    database: db,
    secret: process.env.BETTER_AUTH_SECRET ?? 'example-secret-change-me-example-secret',
    baseURL: options.baseURL ?? 'http://127.0.0.1:3000',
    emailAndPassword: { enabled: true },
    plugins: [organization()],
    telemetry: { enabled: false },
    logger: { disabled: true },
  });
  // better-auth's own tables (user, session, organization, member, …), made by its migrations.
  await (await getMigrations(auth.options)).runMigrations();

  // The app's projects, in its own table; each belongs to a better-auth organization.
  db.exec('CREATE TABLE IF NOT EXISTS project (id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, name TEXT NOT NULL)');
  const findProject = db.prepare<[string], ProjectInfo>('SELECT id, organization_id AS organizationId, name FROM project WHERE id = ?');
  const keyward = createKeyward({ store: sqliteStore({ db }), resolveProject: (id) => findProject.get(id) ?? null });

  const app = new Hono();
  app.on(['GET', 'POST'], '/api/auth/*', (c) => auth.handler(c.req.raw));
  app.route('/settings', tokensApp({ keyward, getActor: (c) => actorFromSession(auth, c.req.raw.headers) }));
  app.get('/api/projects/:projectId/builds', requireToken({ keyward, project: (c) => c.req.param('projectId') }), (c) =>
    c.json({ project: c.req.param('projectId'), calledBy: c.get('apiToken').name }),
  );

  return {
    app,
    auth,
    keyward,
    addProject: (project: ProjectInfo) => db.prepare('INSERT INTO project (id, organization_id, name) VALUES (?, ?, ?)').run(project.id, project.organizationId, project.name),
    async close() {
      await keyward.close();
      db.close();
    },
  };
}
