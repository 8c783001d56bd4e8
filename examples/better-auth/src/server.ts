// `pnpm --filter better-auth-example start` (`node --import tsx src/server.ts`): http://127.0.0.1:3000.
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { closeOnSignals } from '../../shared/graceful-shutdown.js';
import { SERVER_TIMEOUTS } from '../../shared/server-timeouts.js';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const { app, close } = await createApp({ file: 'better-auth-example.db', baseURL: `http://127.0.0.1:${port}` });
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1', serverOptions: SERVER_TIMEOUTS }, () => console.log(`Listening on http://127.0.0.1:${port}`));

// On SIGTERM/SIGINT: stop accepting connections, finish the requests in flight, close keep-alive
// connections, flush pending last-used writes and close the database, exit 0.
closeOnSignals(server as Server, { close });
