// `pnpm --filter ui-frameworks start` (`node --import tsx src/main.ts`): http://127.0.0.1:3001/plain, /react and /vue.
import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import { closeOnSignals } from '../../shared/graceful-shutdown.js';
import { SERVER_TIMEOUTS } from '../../shared/server-timeouts.js';
import { createFrameworksApp } from './app.js';

const port = Number(process.env.PORT ?? 3001);
const { app, keyward } = await createFrameworksApp();
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1', serverOptions: SERVER_TIMEOUTS }, (info) => {
  console.log(`<keyward-tokens> from plain HTML, React and Vue: http://127.0.0.1:${info.port}/plain, /react, /vue`);
});

// On SIGTERM/SIGINT: stop accepting connections, finish the requests in flight, close keep-alive
// connections, close keyward, exit 0.
closeOnSignals(server as Server, { close: () => keyward.close() });
