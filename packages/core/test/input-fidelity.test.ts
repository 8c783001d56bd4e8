// Inputs are taken as given or refused by name: never silently dropped, trimmed or read through a
// prototype. Each case states what a store must hold afterwards.
import { ValidationError, type Actor } from '@keyward/core';
import { describe, expect, test } from 'vitest';
import { ACTORS, setup } from '@keyward/test-kit/fixtures';

const { owner } = ACTORS;
const orgScope = { kind: 'organization' } as const;

async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => new Error('expected a ValidationError'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('unknown fields are refused with their path, never dropped', () => {
  type Keyward = ReturnType<typeof setup>['keyward'];
  const cases: Array<[string, (k: Keyward, id: string) => Promise<unknown>, string]> = [
    ['create() with a typo (metdata)', (k) => k.create(owner, { name: 'n', scope: orgScope, expiresIn: '7d', metdata: { team: 'web' } } as never), 'metdata'],
    ['create() with a projectId on an organization scope', (k) => k.create(owner, { name: 'n', scope: { kind: 'organization', projectId: 'proj_a1' } as never, expiresIn: '7d' }), 'scope.projectId'],
    ['update() with a typo beside a real change', (k, id) => k.update(owner, id, { name: 'Renamed', metdata: {} } as never), 'metdata'],
    ['roll() with a typo (previousSecretExpiresln)', (k, id) => k.roll(owner, id, { previousSecretExpiresln: '24h' } as never), 'previousSecretExpiresln'],
    ['list() with a typo (limt)', (k) => k.list(owner, { limt: 5 } as never), 'limt'],
    ['listExpiring() with a typo (limt)', (k) => k.listExpiring({ within: '7d', limt: 5 } as never), 'limt'],
    ['pruneExpired() with a typo (olderThan)', (k) => k.pruneExpired({ olderThan: 1 } as never), 'olderThan'],
  ];

  for (const [label, run, field] of cases) {
    test(`${label} → ValidationError naming ${field}; nothing changes`, async () => {
      const { keyward } = setup();
      const { token, plaintext } = await keyward.create(owner, { name: 'existing', scope: orgScope, expiresIn: '7d' });
      const before = await keyward.list(owner);
      const error = await refusal(run(keyward, token.id));
      expect(error.issues).toContainEqual({ path: field, message: 'is not a known field' });
      expect(await keyward.list(owner)).toEqual(before);
      expect((await keyward.verify(plaintext)).ok).toBe(true);
    });
  }
});

describe('metadata: kept key for key, or refused naming the key', () => {
  test.each([
    ['at the top', '{"__proto__":{"admin":true},"team":"web"}', 'metadata.__proto__'],
    ['nested', '{"team":{"__proto__":{"admin":true}}}', 'metadata.team.__proto__'],
    ['in a list', '{"teams":[{"__proto__":1}]}', 'metadata.teams.0.__proto__'],
  ])('a __proto__ key %s (%s, as JSON.parse makes it) → create() and update() refuse it naming %s; nothing stored', async (_where, json, path) => {
    const { keyward, store } = setup();
    const { token } = await keyward.create(owner, { name: 'existing', scope: orgScope, expiresIn: '7d' });
    const inserts = store.calls.insert;
    const created = await refusal(keyward.create(owner, { name: 'n', scope: orgScope, expiresIn: '7d', metadata: JSON.parse(json) }));
    expect(created.field).toBe(path);
    expect(store.calls.insert).toBe(inserts);
    const updated = await refusal(keyward.update(owner, token.id, { metadata: JSON.parse(json) }));
    expect(updated.field).toBe(path);
    expect((await keyward.get(owner, token.id)).metadata).toBeNull();
  });

  test('keys named like Object.prototype members round-trip as own keys', async () => {
    const { keyward } = setup();
    const metadata = JSON.parse('{"constructor":"c","toString":1,"hasOwnProperty":null,"prototype":{"valueOf":[true]}}') as Record<string, unknown>;
    const { token } = await keyward.create(owner, { name: 'n', scope: orgScope, expiresIn: '7d', metadata });
    expect(token.metadata).toEqual(metadata);
    const read = (await keyward.get(owner, token.id)).metadata!;
    expect(Object.keys(read).sort()).toEqual(['constructor', 'hasOwnProperty', 'prototype', 'toString']);
    expect(read).toEqual(metadata);
  });
});

describe('ids are taken verbatim: never trimmed, never read through a prototype', () => {
  const spaced: Actor = { ...owner, organizationId: `${owner.organizationId} ` };

  test.each([
    ['list()', (k: ReturnType<typeof setup>['keyward']) => k.list(spaced)],
    ['create()', (k: ReturnType<typeof setup>['keyward']) => k.create(spaced, { name: 'Planted', scope: orgScope, expiresIn: '7d' })],
    ['deleteMany()', (k: ReturnType<typeof setup>['keyward'], id: string) => k.deleteMany(spaced, [id])],
    ['roll()', (k: ReturnType<typeof setup>['keyward'], id: string) => k.roll(spaced, id)],
  ])('an actor of "org_a " cannot %s org_a\'s tokens: ValidationError naming actor.organizationId', async (_label, run) => {
    const { keyward } = setup();
    const { token, plaintext } = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: '7d' });
    const before = await keyward.list(owner);
    const error = await refusal(run(keyward, token.id) as Promise<unknown>);
    expect(error.field).toBe('actor.organizationId');
    expect(await keyward.list(owner)).toEqual(before);
    expect((await keyward.verify(plaintext)).ok).toBe(true);
  });

  test("revokeProject(' proj_a1') refuses, naming projectId; proj_a1's tokens stay", async () => {
    const { keyward } = setup();
    const { plaintext } = await keyward.create(owner, { name: 'p', scope: { kind: 'project', projectId: 'proj_a1' }, expiresIn: '7d' });
    expect((await refusal(keyward.revokeProject(' proj_a1'))).field).toBe('projectId');
    expect((await refusal(keyward.revokeProject('proj_a1\t'))).field).toBe('projectId');
    expect((await keyward.verify(plaintext)).ok).toBe(true);
  });

  test.each([
    ['a project id with a trailing space', { kind: 'project', projectId: 'proj_a1 ' }, 'scope.projectId'],
    ['a project id with a control character', { kind: 'project', projectId: 'proj_a1\u0000' }, 'scope.projectId'],
  ] as const)('create() with %s (%o) → ValidationError naming %s', async (_label, scope, field) => {
    const { keyward, store } = setup();
    expect((await refusal(keyward.create(owner, { name: 'n', scope, expiresIn: '7d' }))).field).toBe(field);
    expect(store.calls.insert ?? 0).toBe(0);
  });

  test('token ids are not trimmed either: get, delete and bulk delete name the id', async () => {
    const { keyward } = setup();
    const { token, plaintext } = await keyward.create(owner, { name: 'CI', scope: orgScope, expiresIn: '7d' });
    expect((await refusal(keyward.get(owner, ` ${token.id}`))).field).toBe('id');
    expect((await refusal(keyward.delete(owner, `${token.id}\n`))).field).toBe('id');
    expect((await refusal(keyward.deleteMany(owner, [token.id, ` ${token.id}`]))).field).toBe('ids.1');
    expect((await keyward.verify(plaintext)).ok).toBe(true);
  });

  test('an actor whose role comes from its prototype has no role: ValidationError naming actor.role', async () => {
    const { keyward } = setup();
    const inherited = Object.assign(Object.create({ role: 'owner' }) as object, { userId: 'u_x', organizationId: 'org_a' }) as Actor;
    const error = await refusal(keyward.list(inherited));
    expect(error.field).toBe('actor.role');
    expect(error.message).toContain('own property');
  });

  test('an actor with its own fields and more (the host\'s session object) is read for its three fields', async () => {
    const { keyward } = setup();
    const session = { ...owner, email: 'a@example.com', toJSON: () => ({}) };
    expect((await keyward.create(session, { name: 'n', scope: orgScope, expiresIn: '7d' })).token.createdBy).toBe(owner.userId);
  });
});
