// `pnpm --filter dashboard start` (`node --import tsx src/server.ts`): serves the example on http://localhost:3000.
import { serve } from '@hono/node-server';
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { closeOnSignals } from '../../shared/graceful-shutdown.js';
import { SERVER_TIMEOUTS } from '../../shared/server-timeouts.js';
import { createDashboard } from './app.js';

const file = process.env.DASHBOARD_DB ?? fileURLToPath(new URL('../data/dashboard.db', import.meta.url));
mkdirSync(dirname(file), { recursive: true });
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '127.0.0.1';

// Optional tuning of the "Last active" writes, in ms (see lastUsedIntervalMs / lastUsedFlushDelayMs).
function millisecondsFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a whole number of milliseconds, got ${JSON.stringify(raw)}`);
  return value;
}

// DASHBOARD_POSTGRES_URL=postgres://… keeps the tokens in PostgreSQL (the demo's users and projects stay in the file).
const postgresUrl = process.env.DASHBOARD_POSTGRES_URL;
const pool = postgresUrl ? new pg.Pool({ connectionString: postgresUrl, connectionTimeoutMillis: 2000, statement_timeout: 2000 }) : undefined;
pool?.on('error', (error) => console.error('idle PostgreSQL connection failed:', error.message));

const dashboard = createDashboard({
  file,
  postgres: pool,
  lastUsedIntervalMs: millisecondsFromEnv('DASHBOARD_LAST_USED_INTERVAL_MS'),
  lastUsedFlushDelayMs: millisecondsFromEnv('DASHBOARD_LAST_USED_FLUSH_MS'),
});
const server = serve({ fetch: dashboard.app.fetch, port, hostname, serverOptions: SERVER_TIMEOUTS }, (info) => {
  console.log(`keyward dashboard on http://${hostname}:${info.port}/ (data in ${file}${pool ? ', tokens in PostgreSQL' : ''})`);
});

// On SIGTERM/SIGINT: stop accepting connections, finish the requests in flight, close keep-alive
// connections, flush pending "last active" writes, close the store (and the PostgreSQL pool), exit 0.
closeOnSignals(server as Server, {
  close: async () => {
    await dashboard.close();
    await pool?.end();
  },
});
