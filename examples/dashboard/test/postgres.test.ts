// The dashboard server started with DASHBOARD_POSTGRES_URL: tokens live in PostgreSQL (a database
// this test creates on 127.0.0.1:5432 and drops), the demo's users and projects in the SQLite file.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';

const server = { host: '127.0.0.1', port: 5432, user: 'postgres' } as const;
const database = `keyward_test_${randomBytes(6).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'keyward-dashboard-pg-'));
const tsx = createRequire(import.meta.url).resolve('tsx');

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...server, database: 'postgres', connectionTimeoutMillis: 5000 });
  await client.connect().catch((error: Error) => {
    throw new Error(`PostgreSQL is not answering on 127.0.0.1:5432 as "postgres" (${error.message}); this test needs it`, { cause: error });
  });
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

let child: ChildProcess;
let origin: string;
let output = '';

beforeAll(async () => {
  await admin((c) => c.query(`CREATE DATABASE ${database}`));
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ['--import', tsx, fileURLToPath(new URL('../src/server.ts', import.meta.url))], {
    env: {
      ...process.env,
      PORT: String(port),
      DASHBOARD_DB: join(dir, 'dashboard.db'),
      DASHBOARD_POSTGRES_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
      TSX_TSCONFIG_PATH: fileURLToPath(new URL('../../../tsconfig.json', import.meta.url)),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  for (let i = 0; i < 300 && !output.includes('keyward dashboard on'); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(output).toContain('tokens in PostgreSQL');
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  rmSync(dir, { recursive: true, force: true });
});

test('with DASHBOARD_POSTGRES_URL the tokens are kept in PostgreSQL: create, use, delete, refused; SIGTERM exits 0', async () => {
  const created = await fetch(`${origin}/settings/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin },
    body: JSON.stringify({ name: 'On Postgres', scope: { kind: 'organization' }, expiresIn: '7d', permissions: ['builds:read'] }),
  });
  expect(created.status).toBe(201);
  const { plaintext, token } = (await created.json()) as { plaintext: string; token: { id: string } };

  const use = () => fetch(`${origin}/api/organization`, { headers: { authorization: `Bearer ${plaintext}` } });
  expect((await use()).status).toBe(200);

  const pool = new pg.Pool({ ...server, database, max: 1 });
  try {
    expect((await pool.query('SELECT id FROM public.keyward_tokens')).rows).toEqual([{ id: token.id }]);
  } finally {
    await pool.end();
  }
  const file = new Database(join(dir, 'dashboard.db'), { readonly: true });
  try {
    expect(file.prepare(`SELECT name FROM sqlite_master WHERE name = 'keyward_tokens'`).all()).toEqual([]);
  } finally {
    file.close();
  }

  expect((await fetch(`${origin}/settings/tokens/${token.id}`, { method: 'DELETE', headers: { origin } })).status).toBe(204);
  expect((await use()).status).toBe(401);

  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = await exited;
  expect(code).toBe(0);
  expect(output).toContain('closed');
});
