import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { secretScanningApp } from '@keyward/hono';
import { SECRET_SCANNING_PATH, describeSecretScanning, listen } from '@keyward/test-kit/http';
import { Hono } from 'hono';

describeSecretScanning('hono', async (options) => {
  const app = new Hono();
  app.route(SECRET_SCANNING_PATH, secretScanningApp(options));
  return listen(createAdaptorServer({ fetch: app.fetch }) as Server);
});
