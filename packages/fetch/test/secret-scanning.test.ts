import { createServer } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { createFetchSecretScanning } from '@keyward/fetch';
import { describeSecretScanning, listen } from '@keyward/test-kit/http';

// Routed by the host (as a Next.js route file is): the handler answers whatever path it gets.
describeSecretScanning('fetch', async (options) => listen(createServer(getRequestListener(createFetchSecretScanning(options)))));
