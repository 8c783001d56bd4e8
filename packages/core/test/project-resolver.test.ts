// A host resolver that returns something other than a project or null: refused closed, and told.
import { ConfigurationError, ValidationError, createKeyward, memoryStore, type ProjectInfo } from '@keyward/core';
import { describe, expect, test } from 'vitest';
import { ACTORS } from '@keyward/test-kit/fixtures';

function host(answer: unknown) {
  const reported: unknown[] = [];
  const keyward = createKeyward({
    store: memoryStore(),
    resolveProject: (id) => (id === 'proj_ok' ? { id, organizationId: 'org_a', name: 'OK' } : (answer as ProjectInfo)),
    onError: (error) => reported.push(error),
  });
  return { keyward, reported };
}

describe.each([
  ['a string', 'org_a'],
  ['a promise of a string', Promise.resolve('org_a')],
  ['an object without organizationId', { id: 'proj_x', name: 'X' }],
  ['a number', 42],
])('resolveProject returning %s', (_label, answer) => {
  test('an organization token on that project is refused (SCOPE_DENIED), and onError names the resolver', async () => {
    const { keyward, reported } = host(answer);
    const { plaintext } = await keyward.create(ACTORS.owner, { name: 'Org', scope: { kind: 'organization' }, expiresIn: '7d' });
    expect(await keyward.verify(plaintext, { projectId: 'proj_x' })).toMatchObject({ ok: false, code: 'SCOPE_DENIED' });
    expect(reported).toHaveLength(1);
    expect(reported[0]).toBeInstanceOf(ConfigurationError);
    expect((reported[0] as Error).message).toMatch(/^resolveProject\("proj_x"\) returned .*not \{ id, organizationId, name \} or null/);
    // A project the resolver answers properly still works.
    expect(await keyward.verify(plaintext, { projectId: 'proj_ok' })).toMatchObject({ ok: true });
    expect(reported).toHaveLength(1);
    await keyward.close();
  });

  test('create() with that project answers "no such project", and onError hears why', async () => {
    const { keyward, reported } = host(answer);
    const error = await keyward.create(ACTORS.owner, { name: 'P', scope: { kind: 'project', projectId: 'proj_x' }, expiresIn: '7d' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('scope.projectId');
    expect(reported).toHaveLength(1);
    await keyward.close();
  });
});

test('null and undefined mean "no such project": refused, nothing reported', async () => {
  for (const answer of [null, undefined]) {
    const { keyward, reported } = host(answer);
    const { plaintext } = await keyward.create(ACTORS.owner, { name: 'Org', scope: { kind: 'organization' }, expiresIn: '7d' });
    expect(await keyward.verify(plaintext, { projectId: 'proj_x' })).toMatchObject({ ok: false, code: 'SCOPE_DENIED' });
    expect(reported).toEqual([]);
    await keyward.close();
  }
});
