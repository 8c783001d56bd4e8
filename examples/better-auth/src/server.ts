import { serve } from '@hono/node-server';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const { app, close } = await createApp({ file: 'better-auth-example.db', baseURL: `http://127.0.0.1:${port}` });
const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => console.log(`Listening on http://127.0.0.1:${port}`));
process.once('SIGTERM', () => server.close(() => void close()));
