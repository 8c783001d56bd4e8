// A real session library behind getActor: better-auth's users, organizations and member roles.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { roleOf } from '../src/actor.js';
import { createApp } from '../src/app.js';

type App = Awaited<ReturnType<typeof createApp>>;
let host: App;

/** Signs up through better-auth's own HTTP route and returns the session cookie it sets. */
async function signUp(name: string): Promise<{ cookie: string; userId: string }> {
  const response = await host.app.request('/api/auth/sign-up/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email: `${name}@example.com`, password: 'correct horse battery staple' }),
  });
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { user } = (await response.json()) as { user: { id: string } };
  return { cookie, userId: user.id };
}

const headers = (cookie: string) => new Headers({ cookie });
const createBody = (name: string, projectId: string) => JSON.stringify({ name, scope: { kind: 'project', projectId }, expiresIn: '30d' });

describe('better-auth sessions and organization roles as the keyward actor', () => {
  let owner: { cookie: string; userId: string };
  let admin: { cookie: string; userId: string };
  let member: { cookie: string; userId: string };
  let organizationId: string;

  beforeEach(async () => {
    host = await createApp();
    owner = await signUp('olivia');
    admin = await signUp('adam');
    member = await signUp('mia');
    const org = (await host.auth.api.createOrganization({ headers: headers(owner.cookie), body: { name: 'Acme', slug: 'acme' } })) as { id: string };
    organizationId = org.id;
    await host.auth.api.addMember({ body: { organizationId, userId: admin.userId, role: 'admin' } });
    await host.auth.api.addMember({ body: { organizationId, userId: member.userId, role: 'member' } });
    for (const user of [admin, member]) await host.auth.api.setActiveOrganization({ headers: headers(user.cookie), body: { organizationId } });
    host.addProject({ id: 'proj_web', organizationId, name: 'Website' });
  });

  afterEach(async () => {
    await host.close();
  });

  const settings = (cookie: string | undefined, path: string, init: RequestInit = {}) =>
    host.app.request(`/settings${path}`, { ...init, headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) } });

  test("the organization's owner creates a token; it unlocks the project's API", async () => {
    const created = await settings(owner.cookie, '/tokens', { method: 'POST', body: createBody('Deploys', 'proj_web') });
    expect(created.status).toBe(201);
    const { plaintext, token } = (await created.json()) as { plaintext: string; token: { createdBy: string; organizationId: string } };
    expect(token).toMatchObject({ createdBy: owner.userId, organizationId });
    const builds = await host.app.request('/api/projects/proj_web/builds', { headers: { authorization: `Bearer ${plaintext}` } });
    expect(await builds.json()).toEqual({ project: 'proj_web', calledBy: 'Deploys' });
  });

  test('an admin of the organization manages its tokens too', async () => {
    await settings(owner.cookie, '/tokens', { method: 'POST', body: createBody('Deploys', 'proj_web') });
    const list = await settings(admin.cookie, '/tokens');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: { name: string }[] }).items.map((t) => t.name)).toEqual(['Deploys']);
  });

  test('a member is refused (403), and nobody signed in gets 401', async () => {
    expect((await settings(member.cookie, '/tokens')).status).toBe(403);
    expect((await settings(member.cookie, '/tokens', { method: 'POST', body: createBody('Nope', 'proj_web') })).status).toBe(403);
    expect((await settings(undefined, '/tokens')).status).toBe(401);
  });

  test('a user whose active organization is another one never sees these tokens', async () => {
    await settings(owner.cookie, '/tokens', { method: 'POST', body: createBody('Deploys', 'proj_web') });
    const stranger = await signUp('sam');
    await host.auth.api.createOrganization({ headers: headers(stranger.cookie), body: { name: 'Other', slug: 'other' } });
    const list = await settings(stranger.cookie, '/tokens');
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
    // Nor may they create tokens for a project of Acme: it is not in their organization.
    expect((await settings(stranger.cookie, '/tokens', { method: 'POST', body: createBody('Steal', 'proj_web') })).status).toBe(400);
  });

  test('a signed-in user without an active organization is not an actor (401)', async () => {
    const loner = await signUp('lou');
    expect((await settings(loner.cookie, '/tokens')).status).toBe(401);
  });
});

describe('roleOf', () => {
  test.each([
    ['owner', 'owner'],
    ['admin', 'admin'],
    ['member', 'member'],
    ['member,admin', 'admin'],
    ['billing', 'member'],
    ['Admin', 'member'],
  ] as const)('%s → %s', (roles, role) => {
    expect(roleOf(roles)).toBe(role);
  });
});
