// Builds the example with `next build`, starts it with `next start` on a free port, and drives it
// over real HTTP as a user's client would: create a token, use it, delete it, see it refused.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MANAGEMENT_ROUTES } from '@keyward/core/http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const app = fileURLToPath(new URL('..', import.meta.url));
const next = fileURLToPath(new URL('../node_modules/next/dist/bin/next', import.meta.url));
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server answers, rejects if it exits first. */
async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  let exited = false;
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 600; i++) {
    if (exited) throw new Error(`next start exited:\n${output()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`next start did not answer within 60 s:\n${output()}`);
}

describe('examples/next-app: Next.js App Router routes on @keyward/fetch', () => {
  let child: ChildProcess | undefined;
  let base = '';

  beforeAll(async () => {
    // A loaded 2-core machine (CI beside other work) took over 4 minutes to build once: allow 9.
    await promisify(execFile)(process.execPath, [next, 'build'], { cwd: app, env, timeout: 540_000, maxBuffer: 16 * 1024 * 1024 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    let output = '';
    child = spawn(process.execPath, [next, 'start', '-p', String(port), '-H', '127.0.0.1'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk));
    await waitUntilUp(base, child, () => output);
  }, 600_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  const admin = { cookie: 'session=session-ada' };

  test('create → use → delete → refused', async () => {
    const created = await fetch(`${base}/api/settings/tokens`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'CI', scope: { kind: 'project', projectId: 'proj_web' }, expiresIn: '30d' }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const { plaintext, token } = (await created.json()) as { plaintext: string; token: { id: string } };
    const bearer = { authorization: `Bearer ${plaintext}` };

    const used = await fetch(`${base}/api/projects/proj_web/builds`, { headers: bearer });
    expect(used.status).toBe(200);
    expect(await used.json()).toEqual({ projectId: 'proj_web', builds: [], calledBy: 'CI' });

    const otherProject = await fetch(`${base}/api/projects/proj_api/builds`, { headers: bearer });
    expect(otherProject.status).toBe(403);
    expect(otherProject.headers.get('www-authenticate')).toBe('Bearer realm="api", error="insufficient_scope"');

    const listed = await fetch(`${base}/api/settings/tokens`, { headers: admin });
    expect(((await listed.json()) as { items: { id: string }[] }).items.map((t) => t.id)).toEqual([token.id]);

    const deleted = await fetch(`${base}/api/settings/tokens/${token.id}`, { method: 'DELETE', headers: admin });
    expect(deleted.status).toBe(204);

    const refused = await fetch(`${base}/api/projects/proj_web/builds`, { headers: bearer });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token"');
    expect(await refused.json()).toMatchObject({ code: 'INVALID_TOKEN' });
  });

  test('no token → 401 challenge; a member may not manage tokens; nobody signed in → 401', async () => {
    const none = await fetch(`${base}/api/projects/proj_web/builds`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    const member = await fetch(`${base}/api/settings/tokens`, { headers: { cookie: 'session=session-bob' } });
    expect(member.status).toBe(403);
    expect(await member.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect((await fetch(`${base}/api/settings/tokens`)).status).toBe(401);
  });

  test('every management route reaches keyward through the catch-all route: none gets Next.js\'s own 405', async () => {
    const reached = await Promise.all(
      MANAGEMENT_ROUTES.map(async (route) => {
        const body = route.body ? { headers: { ...admin, 'content-type': 'application/json' }, body: '{}' } : { headers: admin };
        const response = await fetch(`${base}/api/settings${route.path.replace(':id', 'tok_missing')}`, { method: route.method, ...body });
        // keyward answers every one with JSON (a 200, or a problem: 400 for the empty body, 404 for the unknown id).
        return `${route.method} ${route.path} → ${response.status === 405 ? '405' : (response.headers.get('content-type') ?? 'no body')}`;
      }),
    );
    expect(reached.filter((line) => !/→ application\/(problem\+)?json/.test(line))).toEqual([]);
  });

  test('PATCH /tokens/:id renames (the UI\'s Rename)', async () => {
    const created = await fetch(`${base}/api/settings/tokens`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Old name', scope: { kind: 'organization' }, expiresIn: '7d' }),
    });
    const { token } = (await created.json()) as { token: { id: string } };
    const renamed = await fetch(`${base}/api/settings/tokens/${token.id}`, { method: 'PATCH', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'New name' }) });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ id: token.id, name: 'New name' });
  });

  test('the expiration preview is what create stores, through the catch-all route', async () => {
    const preview = await fetch(`${base}/api/settings/tokens/expiration-preview?expiresIn=never`, { headers: admin });
    expect(await preview.json()).toEqual({ expiresIn: 'never', expiresAt: null });
  });
});
