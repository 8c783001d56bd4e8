// The fetch side of the shared suites, served over real HTTP through @hono/node-server's bridge.
import { getRequestListener } from '@hono/node-server';
import { createServer } from 'node:http';
import { listen, type StartServer } from '@keyward/test-kit/http';
import { buildHandler } from './handler.js';

export { buildHandler };

/** Over real HTTP: node:http → Request → handler → Response → node:http. */
export const startFetch: StartServer = (setup) => listen(createServer(getRequestListener(buildHandler(setup))));
