// The authorization matrix, written out in full and compared cell by cell with what Hono and
// Express actually answer over HTTP. Two tables:
//  1. who may manage tokens: every role (and nobody signed in) × every management route (roll and
//     rename included) × a
//     token of the actor's own organization or of another one;
//  2. where a token is accepted: every kind of token × every kind of guarded route.
import { createKeyward, DAY_MS, memoryStore, type Keyward } from '@keyward/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ACTOR_HEADER, ACTORS, FRAMEWORKS, apiPath, bearer, resolveProject, serveApp, type Framework } from './support/apps.js';
import { call, type Listening } from '@keyward/test-kit/net';

/** Parses a table written as `a | b | c` lines into trimmed cells; the first line is the header. */
function cells(table: string): string[][] {
  return table
    .trim()
    .split('\n')
    .filter((line) => !/^[\s|-]+$/.test(line))
    .map((line) => line.split('|').map((cell) => cell.trim()));
}

function render(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')).join('\n');
}

// ---- 1. managing tokens -------------------------------------------------------------------------
// Cells: the status, then for routes that delete whether the targeted token is "gone" or "kept",
// for PATCH whether it was "renamed" or "kept" its name, for roll whether its secret was "rolled"
// (the old one refused, the new one accepted) or "kept" (the old one still accepted), and for the
// list which organizations' tokens it shows (+own, -other: own shown, other's not).
const MANAGEMENT_EXPECTED = `
route                                   | target       | owner       | admin       | member   | nobody
GET /tokens                             | own + other  | 200 +own -other | 200 +own -other | 403  | 401
POST /tokens (organization scope)       | own          | 201         | 201         | 403      | 401
POST /tokens (project scope)            | own          | 201         | 201         | 403      | 401
POST /tokens (project scope)            | other        | 400 scope.projectId | 400 scope.projectId | 403 | 401
GET /tokens/expiration-preview          | —            | 200         | 200         | 403      | 401
GET /tokens/:id                         | own          | 200         | 200         | 403      | 401
GET /tokens/:id                         | other        | 404         | 404         | 403      | 401
DELETE /tokens/:id                      | own          | 204 gone    | 204 gone    | 403 kept | 401 kept
DELETE /tokens/:id                      | other        | 404 kept    | 404 kept    | 403 kept | 401 kept
POST /tokens/bulk-delete                | own          | 200 gone    | 200 gone    | 403 kept | 401 kept
POST /tokens/bulk-delete                | other        | 200 kept    | 200 kept    | 403 kept | 401 kept
POST /tokens/bulk-delete                | own + other  | 200 own gone, other kept | 200 own gone, other kept | 403 own kept, other kept | 401 own kept, other kept
PATCH /tokens/:id                       | own          | 200 renamed | 200 renamed | 403 kept | 401 kept
PATCH /tokens/:id                       | other        | 404 kept    | 404 kept    | 403 kept | 401 kept
POST /tokens/:id/roll                   | own          | 200 rolled  | 200 rolled  | 403 kept | 401 kept
POST /tokens/:id/roll                   | other        | 404 kept    | 404 kept    | 403 kept | 401 kept
GET /tokens/permissions                 | —            | 200         | 200         | 403      | 401
`;

// ---- 2. using tokens ----------------------------------------------------------------------------
// Routes: organization-level (no id), an organization in the URL, a project in the URL, and one
// with no target at all. Organization A owns proj_a1 and proj_a2; organization B owns proj_b1;
// proj_zz does not exist.
const SCOPE_EXPECTED = `
token                          | /api/org | /api/orgs/org_a | /api/orgs/org_b | /api/projects/proj_a1 | /api/projects/proj_a2 | /api/projects/proj_b1 | /api/projects/proj_zz | /api/any
org A, organization scope      | 200      | 200             | 403             | 200                   | 200                   | 403                   | 403                   | 200
org A, project proj_a1         | 403      | 403             | 403             | 200                   | 403                   | 403                   | 403                   | 200
org B, organization scope      | 200      | 403             | 200             | 403                   | 403                   | 200                   | 403                   | 200
org B, project proj_b1         | 403      | 403             | 403             | 403                   | 403                   | 200                   | 403                   | 200
org A, expired                 | 401      | 401             | 401             | 401                   | 401                   | 401                   | 401                   | 401
org A, deleted                 | 401      | 401             | 401             | 401                   | 401                   | 401                   | 401                   | 401
org A, old secret in grace     | 200      | 200             | 403             | 200                   | 200                   | 403                   | 403                   | 200
org A, old secret rolled now   | 401      | 401             | 401             | 401                   | 401                   | 401                   | 401                   | 401
bad checksum                   | 401      | 401             | 401             | 401                   | 401                   | 401                   | 401                   | 401
empty Bearer                   | 400      | 400             | 400             | 400                   | 400                   | 400                   | 400                   | 400
no credentials                 | 401      | 401             | 401             | 401                   | 401                   | 401                   | 401                   | 401
`;

let now = Date.UTC(2026, 0, 1);
let keyward: Keyward;
const servers = {} as Record<Framework, Listening>;

beforeAll(async () => {
  keyward = createKeyward({ store: memoryStore(), resolveProject, now: () => now, onError: () => {} });
  for (const framework of FRAMEWORKS) servers[framework] = await serveApp(framework, { keyward, onError: () => {} });
});

afterAll(async () => {
  for (const framework of FRAMEWORKS) await servers[framework]?.close();
  await keyward?.close();
});

let sequence = 0;
async function tokenOf(organization: 'org_a' | 'org_b'): Promise<{ id: string; plaintext: string }> {
  const actor = organization === 'org_a' ? ACTORS.owner_a : ACTORS.owner_b;
  const { token, plaintext } = await keyward.create(actor, { name: `matrix ${++sequence}`, scope: { kind: 'organization' }, expiresIn: '30d' });
  return { id: token.id, plaintext };
}

async function exists(id: string, organization: 'org_a' | 'org_b'): Promise<boolean> {
  const actor = organization === 'org_a' ? ACTORS.owner_a : ACTORS.owner_b;
  return keyward.get(actor, id).then(
    () => true,
    () => false,
  );
}

const COLUMNS = { owner: 'owner_a', admin: 'admin_a', member: 'member_a', nobody: null } as const;

async function managementCell(port: number, route: string, target: string, actor: string | null): Promise<string> {
  const headers: Record<string, string> = actor ? { [ACTOR_HEADER]: actor } : {};
  const kept = (gone: boolean) => (gone ? 'gone' : 'kept');
  switch (`${route} | ${target}`) {
    case 'GET /tokens | own + other': {
      const own = await tokenOf('org_a');
      const other = await tokenOf('org_b');
      const answer = await call(port, 'GET', '/settings/tokens?limit=100', { headers });
      if (answer.status !== 200) return String(answer.status);
      const ids: string[] = answer.json.items.map((i: { id: string }) => i.id);
      return `200 ${ids.includes(own.id) ? '+' : '-'}own ${ids.includes(other.id) ? '+' : '-'}other`;
    }
    case 'POST /tokens (organization scope) | own':
    case 'POST /tokens (project scope) | own':
    case 'POST /tokens (project scope) | other': {
      const scope = route.includes('organization') ? { kind: 'organization' } : { kind: 'project', projectId: target === 'own' ? 'proj_a1' : 'proj_b1' };
      const answer = await call(port, 'POST', '/settings/tokens', { headers, body: { name: `made ${++sequence}`, scope, expiresIn: '7d' } });
      return answer.status === 400 ? `400 ${answer.json.errors.map((e: { path: string }) => e.path).join(',')}` : String(answer.status);
    }
    case 'GET /tokens/expiration-preview | —':
      return String((await call(port, 'GET', '/settings/tokens/expiration-preview?expiresIn=30d', { headers })).status);
    case 'GET /tokens/:id | own':
    case 'GET /tokens/:id | other': {
      const token = await tokenOf(target === 'own' ? 'org_a' : 'org_b');
      return String((await call(port, 'GET', `/settings/tokens/${token.id}`, { headers })).status);
    }
    case 'DELETE /tokens/:id | own':
    case 'DELETE /tokens/:id | other': {
      const organization = target === 'own' ? 'org_a' : 'org_b';
      const token = await tokenOf(organization);
      const { status } = await call(port, 'DELETE', `/settings/tokens/${token.id}`, { headers });
      return `${status} ${kept(!(await exists(token.id, organization)))}`;
    }
    case 'POST /tokens/bulk-delete | own':
    case 'POST /tokens/bulk-delete | other':
    case 'POST /tokens/bulk-delete | own + other': {
      const targets: Array<{ id: string; organization: 'org_a' | 'org_b' }> = [];
      if (target !== 'other') for (let i = 0; i < 2; i++) targets.push({ id: (await tokenOf('org_a')).id, organization: 'org_a' });
      if (target !== 'own') targets.push({ id: (await tokenOf('org_b')).id, organization: 'org_b' });
      const { status } = await call(port, 'POST', '/settings/tokens/bulk-delete', { headers, body: { ids: targets.map((t) => t.id) } });
      const left = await Promise.all(targets.map((t) => exists(t.id, t.organization)));
      // Within one organization all or none: a mix would be a bug, and shows up as "mixed".
      const state = (of: boolean[]) => (of.every((l) => !l) ? 'gone' : of.every((l) => l) ? 'kept' : 'mixed');
      if (target !== 'own + other') return `${status} ${state(left)}`;
      const own = left.filter((_, i) => targets[i]!.organization === 'org_a');
      const other = left.filter((_, i) => targets[i]!.organization === 'org_b');
      return `${status} own ${state(own)}, other ${state(other)}`;
    }
    case 'PATCH /tokens/:id | own':
    case 'PATCH /tokens/:id | other': {
      const organization = target === 'own' ? 'org_a' : 'org_b';
      const token = await tokenOf(organization);
      const name = `renamed ${++sequence}`;
      const { status } = await call(port, 'PATCH', `/settings/tokens/${token.id}`, { headers, body: { name } });
      const after = await keyward.get(organization === 'org_a' ? ACTORS.owner_a : ACTORS.owner_b, token.id);
      return `${status} ${after.name === name ? 'renamed' : 'kept'}`;
    }
    case 'POST /tokens/:id/roll | own':
    case 'POST /tokens/:id/roll | other': {
      const token = await tokenOf(target === 'own' ? 'org_a' : 'org_b');
      const answer = await call(port, 'POST', `/settings/tokens/${token.id}/roll`, { headers, body: { previousSecretExpiresIn: 'now' } });
      const oldAccepted = (await keyward.verify(token.plaintext)).ok;
      const newAccepted = answer.status === 200 && (await keyward.verify(answer.json.plaintext)).ok;
      return `${answer.status} ${!oldAccepted && newAccepted ? 'rolled' : oldAccepted && !newAccepted ? 'kept' : 'mixed'}`;
    }
    case 'GET /tokens/permissions | —':
      return String((await call(port, 'GET', '/settings/tokens/permissions', { headers })).status);
    default:
      throw new Error(`no request for ${route} | ${target}`);
  }
}

async function scopeCell(port: number, path: string, credentials: Record<string, string>): Promise<string> {
  return String((await call(port, 'GET', path, { headers: credentials })).status);
}

describe('authorization matrix', () => {
  test.each(FRAMEWORKS)('%s: every role × every management route × own/other organization matches the written table (17 × 4 cells)', async (framework) => {
    const expected = cells(MANAGEMENT_EXPECTED);
    const observed = [expected[0]!];
    for (const [route, target] of expected.slice(1)) {
      const row = [route!, target!];
      for (const column of expected[0]!.slice(2)) row.push(await managementCell(servers[framework].port, route!, target!, COLUMNS[column as keyof typeof COLUMNS]));
      observed.push(row);
    }
    console.log(`[authorization:management:${framework}]\n${render(observed)}`);
    expect(observed).toEqual(expected);
  });

  test.each(FRAMEWORKS)('%s: every kind of token × every kind of guarded route matches the written table (11 × 8 cells)', async (framework) => {
    const expected = cells(SCOPE_EXPECTED);
    const port = servers[framework].port;
    const create = async (actor: typeof ACTORS.owner_a | typeof ACTORS.owner_b, scope: { kind: 'organization' } | { kind: 'project'; projectId: string }, expiresIn: '1d' | '30d' = '30d') =>
      (await keyward.create(actor, { name: `scoped ${++sequence}`, scope, expiresIn })).plaintext;

    const orgA = await create(ACTORS.owner_a, { kind: 'organization' });
    const projA1 = await create(ACTORS.owner_a, { kind: 'project', projectId: 'proj_a1' });
    const orgB = await create(ACTORS.owner_b, { kind: 'organization' });
    const projB1 = await create(ACTORS.owner_b, { kind: 'project', projectId: 'proj_b1' });
    const expired = await create(ACTORS.owner_a, { kind: 'organization' }, '1d');
    const deletedToken = await keyward.create(ACTORS.owner_a, { name: `scoped ${++sequence}`, scope: { kind: 'organization' }, expiresIn: '30d' });
    await keyward.delete(ACTORS.owner_a, deletedToken.token.id);
    // Rolled away: one old secret with a 7-day grace period (still running below), one at once.
    const graced = await keyward.create(ACTORS.owner_a, { name: `scoped ${++sequence}`, scope: { kind: 'organization' }, expiresIn: '30d' });
    await keyward.roll(ACTORS.owner_a, graced.token.id, { previousSecretExpiresIn: '7d' });
    const rolledNow = await keyward.create(ACTORS.owner_a, { name: `scoped ${++sequence}`, scope: { kind: 'organization' }, expiresIn: '30d' });
    await keyward.roll(ACTORS.owner_a, rolledNow.token.id, { previousSecretExpiresIn: 'now' });
    const last = orgA.at(-1) === '0' ? '1' : '0';
    const credentials: Record<string, Record<string, string>> = {
      'org A, organization scope': bearer(orgA),
      'org A, project proj_a1': bearer(projA1),
      'org B, organization scope': bearer(orgB),
      'org B, project proj_b1': bearer(projB1),
      'org A, expired': bearer(expired),
      'org A, deleted': bearer(deletedToken.plaintext),
      'org A, old secret in grace': bearer(graced.plaintext),
      'org A, old secret rolled now': bearer(rolledNow.plaintext),
      'bad checksum': bearer(orgA.slice(0, -1) + last),
      'empty Bearer': { authorization: 'Bearer ' },
      'no credentials': {},
    };
    const paths: Record<string, string> = {
      '/api/org': apiPath('orgLevel'),
      '/api/orgs/org_a': apiPath('org', 'org_a'),
      '/api/orgs/org_b': apiPath('org', 'org_b'),
      '/api/projects/proj_a1': apiPath('project', 'proj_a1'),
      '/api/projects/proj_a2': apiPath('project', 'proj_a2'),
      '/api/projects/proj_b1': apiPath('project', 'proj_b1'),
      '/api/projects/proj_zz': apiPath('project', 'proj_zz'),
      '/api/any': apiPath('any'),
    };
    const start = now;
    // One day and one millisecond later: the 1d token is past its expiry, the 30d ones are not.
    now = start + DAY_MS + 1;
    try {
      const observed = [expected[0]!];
      for (const [label] of expected.slice(1)) {
        const row = [label!];
        for (const column of expected[0]!.slice(1)) row.push(await scopeCell(port, paths[column]!, credentials[label!]!));
        observed.push(row);
      }
      console.log(`[authorization:scopes:${framework}]\n${render(observed)}`);
      expect(observed).toEqual(expected);
    } finally {
      now = start;
    }
  });
});
