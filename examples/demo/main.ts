// A narrated walk through keyward on the embedded SQLite store:
// create → use → scope and permissions refused → roll with a grace period → delete → refused →
// limits: a rate limit and credits answered with 429, as every adapter's guard answers them.
// Run it with `pnpm demo`.
import { createKeyward, type Actor, type ProjectInfo, type VerifyResult } from '@keyward/core';
import { authenticate, guardResponses } from '@keyward/core/http';
import { sqliteStore } from '@keyward/sqlite';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

// The host app owns organizations, projects and users; keyward only asks about projects.
const projects: Record<string, ProjectInfo> = {
  proj_web: { id: 'proj_web', organizationId: 'org_acme', name: 'Website' },
  proj_app: { id: 'proj_app', organizationId: 'org_acme', name: 'Mobile app' },
};
const alice: Actor = { userId: 'user_alice', organizationId: 'org_acme', role: 'admin' };

const file = join(tmpdir(), `keyward-demo-${process.pid}.db`);
const db = new Database(file);
const keyward = createKeyward({
  store: sqliteStore({ db }),
  resolveProject: (id) => projects[id] ?? null,
  // What a token may do within its scope; each token is granted a subset.
  permissions: { 'builds:read': 'Read builds', 'deploys:write': 'Start deploys' },
});

// Stopped half-way (Ctrl-C, SIGTERM), the demo still closes keyward (flushing "last used") and
// the database, and leaves no file behind; then it exits 128 + the signal's number.
let cleaned: Promise<void> | undefined;
const cleanUp = () =>
  (cleaned ??= (async () => {
    try {
      await keyward.close();
    } finally {
      db.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
    }
  })());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanUp().finally(() => process.exit(128 + constants.signals[signal])));
}

const say = (line: string) => console.log(line);
const outcome = (result: VerifyResult) => (result.ok ? `accepted (token "${result.token.name}")` : `refused: ${result.code}`);

try {
  say(`keyward demo — SQLite file ${file}\n`);

  say('1. Alice (admin of Acme) creates an organization token and a project token.');
  const ci = await keyward.create(alice, { name: 'CI pipeline', scope: { kind: 'organization' }, expiresIn: '30d', permissions: ['builds:read', 'deploys:write'] });
  const web = await keyward.create(alice, { name: 'Website deploys', scope: { kind: 'project', projectId: 'proj_web' }, expiresIn: '7d', permissions: ['deploys:write'] });
  say(`   "CI pipeline"      → ${ci.plaintext.slice(0, 10)}… (shown once; only its SHA-256 is stored)`);
  say(`   "Website deploys"  → ${web.plaintext.slice(0, 10)}… expires ${new Date(web.token.expiresAt!).toISOString()}`);

  say('\n2. The tokens are used against project routes.');
  say(`   CI pipeline     on Website:    ${outcome(await keyward.verify(ci.plaintext, { projectId: 'proj_web' }))}`);
  say(`   CI pipeline     on Mobile app: ${outcome(await keyward.verify(ci.plaintext, { projectId: 'proj_app' }))}`);
  say(`   Website deploys on Website:    ${outcome(await keyward.verify(web.plaintext, { projectId: 'proj_web' }))}`);

  say('\n3. Scope is enforced.');
  say(`   Website deploys on Mobile app:         ${outcome(await keyward.verify(web.plaintext, { projectId: 'proj_app' }))}`);
  say(`   Website deploys on an org-level route: ${outcome(await keyward.verify(web.plaintext, { organizationLevel: true }))}`);
  const typo = web.plaintext.slice(0, -1) + (web.plaintext.endsWith('x') ? 'y' : 'x');
  say(`   A mistyped token:                      ${outcome(await keyward.verify(typo))} (checksum, no database lookup)`);
  const readBuilds = { projectId: 'proj_web', permissions: ['builds:read'] };
  say(`   Reading Website builds, CI pipeline:     ${outcome(await keyward.verify(ci.plaintext, readBuilds))}`);
  say(`   Reading Website builds, Website deploys: ${outcome(await keyward.verify(web.plaintext, readBuilds))} (granted deploys:write only)`);

  await keyward.flush();
  say('\n4. The tokens table, as the settings page shows it:');
  for (const t of (await keyward.list(alice)).items) {
    const lastActive = t.lastUsedAt ? new Date(t.lastUsedAt).toISOString() : 'never';
    say(`   ${t.name.padEnd(16)} ${t.hint}…  scope: ${t.scopeLabel.padEnd(12)} may: ${t.permissions!.join(', ').padEnd(26)} status: ${t.status}  last active: ${lastActive}`);
  }

  say('\n5. Alice rolls the CI secret; the old one keeps working for 24 hours so running jobs can switch.');
  const rolled = await keyward.roll(alice, ci.token.id, { previousSecretExpiresIn: '24h' });
  say(`   new secret ${rolled.plaintext.slice(0, 10)}… (shown once), same token id: ${rolled.token.id === ci.token.id}`);
  say(`   old secret: ${outcome(await keyward.verify(ci.plaintext))} until ${new Date(rolled.token.previousSecret!.expiresAt).toISOString()}`);
  say(`   new secret: ${outcome(await keyward.verify(rolled.plaintext))}`);

  say('\n6. Alice deletes "Website deploys"; access is cut off at once.');
  await keyward.delete(alice, web.token.id);
  const after = await keyward.verify(web.plaintext, { projectId: 'proj_web' });
  say(`   Website deploys on Website: ${outcome(after)}`);
  say(`   CI pipeline     on Website: ${outcome(await keyward.verify(rolled.plaintext, { projectId: 'proj_web' }))}`);

  if (after.ok) throw new Error('a deleted token was accepted');

  say('\n7. Limits. "Nightly export" may make 2 requests a minute; "Trial" has 2 requests of credit.');
  say('   What the guard of every adapter (Express, Hono, Fastify, fetch) answers, request by request:');
  const organization = { kind: 'organization' } as const;
  const nightly = await keyward.create(alice, { name: 'Nightly export', scope: organization, expiresIn: '7d', permissions: ['builds:read'], rateLimit: { limit: 2, window: '1m' } });
  const trial = await keyward.create(alice, { name: 'Trial', scope: organization, expiresIn: '7d', permissions: ['builds:read'], remaining: 2 });
  // authenticate() is the core of every adapter's requireToken(): same status, headers and body.
  const responses = guardResponses('demo');
  const statuses: number[] = [];
  for (const [name, plaintext] of [['Nightly export', nightly.plaintext], ['Trial', trial.plaintext]] as const) {
    for (let i = 1; i <= 3; i++) {
      const answer = await authenticate(keyward, { authorization: `Bearer ${plaintext}` }, {}, { responses });
      const headers = answer.ok ? (answer.headers ?? {}) : answer.response.headers;
      const shown = ['retry-after', 'ratelimit-policy', 'ratelimit'].filter((h) => headers[h] !== undefined).map((h) => `${h}: ${headers[h]}`);
      const status = answer.ok ? 200 : answer.response.status;
      statuses.push(status);
      const code = answer.ok ? '' : ` ${(answer.response.body as { code: string }).code}`;
      say(`   ${name.padEnd(14)} request ${i}: ${status}${code.padEnd(17)} ${shown.join('; ')}`);
    }
  }
  if (statuses.filter((s) => s === 429).length !== 2) throw new Error('the limits were not enforced');
  say('\nDone: every step behaved as documented.');
} finally {
  await cleanUp();
}
