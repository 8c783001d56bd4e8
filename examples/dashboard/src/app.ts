import { createKeyward } from '@keyward/core';
import { requireToken, tokensApp } from '@keyward/hono';
import { postgresStore } from '@keyward/postgres';
import { sqliteStore } from '@keyward/sqlite';
import Database from 'better-sqlite3';
import { Hono, type Context } from 'hono';
import type pg from 'pg';
import { getCookie, setCookie } from 'hono/cookie';
import { keywardTokensScript } from './element-bundle.js';
import { openHostData, type User } from './host-data.js';
import { renderTokensPage } from './page.js';

const USER_COOKIE = 'dashboard_user';

/** What a token of this app may be allowed to do (within its scope); each token gets at least one. */
export const PERMISSIONS = {
  'builds:read': 'Read builds and their logs',
  'builds:write': 'Start and cancel builds',
  'deploys:write': 'Deploy a project to production',
};

export interface DashboardOptions {
  /** SQLite file holding the host's data (and keyward's tokens, unless `postgres`); created on first run. */
  file: string;
  /** Keep the tokens in PostgreSQL instead, through this pool (left open by close()). */
  postgres?: pg.Pool | undefined;
  /** How often "Last active" may be written per token. */
  lastUsedIntervalMs?: number;
  /** How long "Last active" writes wait to be batched; pending ones are written on close(). */
  lastUsedFlushDelayMs?: number;
}

/** The example app: a Tokens settings page, its JSON API, and a sample API guarded by keyward. */
export function createDashboard({ file, postgres, lastUsedIntervalMs, lastUsedFlushDelayMs }: DashboardOptions) {
  const db = new Database(file);
  const host = openHostData(db);
  const keyward = createKeyward({
    store: postgres ? postgresStore({ pool: postgres }) : sqliteStore({ db }),
    resolveProject: host.project,
    permissions: PERMISSIONS,
    ...(lastUsedIntervalMs === undefined ? {} : { lastUsedIntervalMs }),
    ...(lastUsedFlushDelayMs === undefined ? {} : { lastUsedFlushDelayMs }),
  });

  // A user switcher stands in for the host's login: the cookie names the signed-in user.
  const currentUser = (c: Context): User => host.user(getCookie(c, USER_COOKIE) ?? '') ?? host.users()[0]!;

  const app = new Hono();

  app.get('/', (c) => c.redirect('/settings/tokens-page'));

  app.get('/switch-user', (c) => {
    const user = host.user(c.req.query('as') ?? '');
    if (user) setCookie(c, USER_COOKIE, user.id, { path: '/', httpOnly: true, sameSite: 'Lax' });
    return c.redirect('/settings/tokens-page');
  });

  app.get('/settings/tokens-page', (c) => {
    const user = currentUser(c);
    return c.html(
      renderTokensPage({
        user,
        users: host.users(),
        organizationName: host.organizationName(user.organizationId),
        projects: host.projectsOf(user.organizationId),
      }),
    );
  });

  // The page's one script: the @keyward/ui element, bundled once, on first request.
  let script: Promise<string> | undefined;
  app.get('/static/keyward-tokens.js', async (c) => c.body(await (script ??= keywardTokensScript()), 200, { 'content-type': 'text/javascript; charset=utf-8' }));

  // The management API behind the page: GET/POST /settings/tokens, GET /settings/tokens/permissions,
  // PATCH and DELETE /settings/tokens/:id, POST /settings/tokens/:id/roll, ...
  app.route('/settings', tokensApp({ keyward, getActor: (c) => host.actorOf(currentUser(c)) }));

  // The sample API that tokens unlock.
  app.get('/api/projects/:projectId/status', requireToken({ keyward, project: (c) => c.req.param('projectId') }), (c) => {
    const project = host.project(c.req.param('projectId'))!;
    return c.json({ project: project.name, status: 'ok', token: c.get('apiToken').name });
  });
  // Deploying needs more than a token in scope: the deploys:write permission (else 403 insufficient_scope).
  app.post('/api/projects/:projectId/deploys', requireToken({ keyward, project: (c) => c.req.param('projectId'), permissions: ['deploys:write'] }), (c) => {
    const project = host.project(c.req.param('projectId'))!;
    return c.json({ project: project.name, deploy: 'queued', token: c.get('apiToken').name }, 202);
  });
  app.get('/api/organization', requireToken({ keyward, organizationLevel: true }), (c) => {
    const token = c.get('apiToken');
    return c.json({ organization: host.organizationName(token.organizationId), projects: host.projectsOf(token.organizationId).map((p) => p.name) });
  });

  return {
    app,
    keyward,
    /** Flushes pending "last active" writes, then closes the database. */
    async close() {
      try {
        await keyward.close();
      } finally {
        db.close();
      }
    },
  };
}
