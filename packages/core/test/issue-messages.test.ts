// One voice: every field error reads "is required" or "must …", never zod's own wording.
import { ValidationError, createKeyward, memoryStore, type Actor } from '@keyward/core';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';

const admin: Actor = { userId: 'u1', organizationId: 'org_1', role: 'admin' };
const keyward = createKeyward({ store: memoryStore(), resolveProject: () => null });

const cases: { label: string; run: () => unknown; path: string; message: string }[] = [
  { label: 'create without a name', run: () => keyward.create(admin, { scope: { kind: 'organization' }, expiresIn: '7d' } as never), path: 'name', message: 'is required' },
  { label: 'a numeric name', run: () => keyward.create(admin, { name: 5, scope: { kind: 'organization' }, expiresIn: '7d' } as never), path: 'name', message: 'must be a string' },
  { label: 'a scope that is a string', run: () => keyward.create(admin, { name: 'a', scope: 'org', expiresIn: '7d' } as never), path: 'scope', message: 'must be an object' },
  { label: 'an unknown scope kind', run: () => keyward.create(admin, { name: 'a', scope: { kind: 'team' }, expiresIn: '7d' } as never), path: 'scope.kind', message: 'must be one of organization, project' },
  { label: 'a null input', run: () => keyward.create(admin, null as never), path: '', message: 'must be an object' },
  { label: 'a limit that is not a number', run: () => keyward.list(admin, { limit: 'x' } as never), path: 'limit', message: 'must be a number' },
  { label: 'a limit too large', run: () => keyward.list(admin, { limit: 1000 }), path: 'limit', message: 'must be at most 100' },
  { label: 'a fractional limit', run: () => keyward.list(admin, { limit: 1.5 }), path: 'limit', message: 'must be a whole number' },
  { label: 'an empty cursor', run: () => keyward.list(admin, { cursor: '' }), path: 'cursor', message: 'must not be empty' },
  { label: "role 'Admin'", run: () => keyward.list({ ...admin, role: 'Admin' } as never), path: 'actor.role', message: 'must be one of owner, admin, member' },
  { label: 'ids that are a string', run: () => keyward.deleteMany(admin, 'tok_1' as never), path: 'ids', message: 'must be a list' },
  { label: 'a negative olderThanMs', run: () => keyward.pruneExpired({ olderThanMs: -1 }), path: 'olderThanMs', message: 'must be at least 0' },
];

describe('validation messages speak with one voice', () => {
  test.each(cases)('$label → $path $message', async ({ run, path, message }) => {
    const error = await Promise.resolve().then(run).then(
      () => expect.unreachable('should have thrown'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    const { issues } = error as ValidationError;
    expect(issues[0]).toEqual({ path, message });
    for (const issue of issues) expect(issue.message).toMatch(/^(is required|is not valid|must )/);
  });

  test("the host's own zod schemas keep zod's wording: nothing is installed globally", () => {
    const result = z.string().safeParse(5);
    expect(result.success || result.error.issues[0]!.message).toMatch(/expected string/);
  });
});
