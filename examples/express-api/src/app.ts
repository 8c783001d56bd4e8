import { createKeyward, type Actor, type ProjectInfo } from '@keyward/core';
import { getApiToken, requireToken, tokensRouter } from '@keyward/express';
import { redisStore } from '@keyward/redis';
import express from 'express';
import type { Redis } from 'ioredis';

// The host's own data. A real app reads these from its database.
const projects = new Map<string, ProjectInfo>([
  ['proj_web', { id: 'proj_web', organizationId: 'org_acme', name: 'Website' }],
  ['proj_app', { id: 'proj_app', organizationId: 'org_acme', name: 'Mobile app' }],
]);
const users = new Map<string, Actor>([
  ['alice', { userId: 'alice', organizationId: 'org_acme', role: 'admin' }],
  ['bob', { userId: 'bob', organizationId: 'org_acme', role: 'member' }],
]);

/** A minimal API: token management for signed-in users, and routes that API tokens unlock. */
export function createApi({ redis, keyPrefix = 'express-api:' }: { redis: Redis; keyPrefix?: string }) {
  const keyward = createKeyward({
    store: redisStore({ client: redis, keyPrefix }),
    resolveProject: (id) => projects.get(id) ?? null,
  });

  const app = express();

  // Stand-in for your session auth: the `x-user` header names the signed-in user.
  app.use('/settings', tokensRouter({ keyward, getActor: (req) => users.get(req.get('x-user') ?? '') ?? null }));

  app.get('/v1/projects/:projectId/reports', requireToken({ keyward, project: (req) => req.params.projectId }), (req, res) => {
    res.json({ project: projects.get(String(req.params.projectId))?.name, reports: [], calledBy: getApiToken(req).name });
  });

  app.get('/v1/usage', requireToken({ keyward, organizationLevel: true }), (req, res) => {
    res.json({ organization: getApiToken(req).organizationId, requestsThisMonth: 1234 });
  });

  return { app, keyward };
}
