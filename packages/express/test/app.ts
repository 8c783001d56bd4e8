// The Express side of the shared suites: guard routes and management API, mounted as a host would.
import { requireToken, tokensRouter } from '@keyward/express';
import express, { type Express } from 'express';
import { createServer } from 'node:http';
import { guardOptionsFor } from '@keyward/test-kit/http';
import { ACTOR_HEADER, GUARD_ROUTES, ORG_SETTINGS_PATH, listen, orgActor, testActor, type StartServer, type TestAppSetup } from '@keyward/test-kit/http';

export function buildApp(setup: TestAppSetup): Express {
  const app = express();
  for (const spec of GUARD_ROUTES) {
    const guard = requireToken(guardOptionsFor(spec, setup, (name) => (req) => req.params[name], (name) => (req) => req.get(name)));
    app.get(spec.path, guard, (req, res) => {
      res.json({ tokenId: req.apiToken?.id, permissions: req.apiToken?.permissions });
    });
  }
  app.use('/settings', tokensRouter({ ...setup.management, keyward: setup.keyward, onError: setup.onError, getActor: (req) => testActor(setup, req.get(ACTOR_HEADER)) }));
  app.use(ORG_SETTINGS_PATH, tokensRouter({ keyward: setup.keyward, onError: setup.onError, getActor: (req) => orgActor(req.get(ACTOR_HEADER), req.params.orgId) }));
  return app;
}

export const startExpress: StartServer = (setup) => listen(createServer(buildApp(setup)));
