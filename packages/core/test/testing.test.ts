// @keyward/core/testing: what a host app's own test suite gets in one import.
import { ConfigurationError, DAY_MS } from '@keyward/core';
import { createTestKeyward, generateToken } from '@keyward/core/testing';
import { describe, expect, test } from 'vitest';

describe('createTestKeyward()', () => {
  test('mint() gives a working organization token in one line, created by the default owner', async () => {
    const kw = createTestKeyward();
    const { plaintext, token } = await kw.mint();
    expect(token).toMatchObject({ organizationId: 'org_test', createdBy: 'user_test', scope: { kind: 'organization' }, expiresAt: null });
    expect(await kw.keyward.verify(plaintext)).toEqual({ ok: true, token });
    expect((await kw.mint()).token.name).not.toBe(token.name);
  });

  test('clock.advance() by a preset expires a token created with that preset, not a moment before', async () => {
    const kw = createTestKeyward();
    const { plaintext } = await kw.mint({ expiresIn: '7d' });
    kw.clock.advance(7 * DAY_MS - 1);
    expect((await kw.keyward.verify(plaintext)).ok).toBe(true);
    kw.clock.advance(1);
    expect(await kw.keyward.verify(plaintext)).toMatchObject({ ok: false, code: 'EXPIRED' });
    kw.clock.set(Date.UTC(2026, 0, 1));
    kw.clock.advance('7d');
    expect(await kw.keyward.verify(plaintext)).toMatchObject({ ok: false, code: 'EXPIRED' });
  });

  test('events are recorded in order, deletion included', async () => {
    const kw = createTestKeyward();
    const { token } = await kw.mint();
    await kw.keyward.delete(kw.actor, token.id);
    expect(kw.events.map((e) => e.type)).toEqual(['token.created', 'token.deleted']);
  });

  test('project tokens: any project belongs to the actor\'s organization unless projects are given', async () => {
    const kw = createTestKeyward();
    const { plaintext } = await kw.mint({ scope: { kind: 'project', projectId: 'proj_1' } });
    expect((await kw.keyward.verify(plaintext, { projectId: 'proj_1' })).ok).toBe(true);
    expect(await kw.keyward.verify(plaintext, { projectId: 'proj_2' })).toMatchObject({ ok: false, code: 'SCOPE_DENIED' });

    const strict = createTestKeyward({ projects: [{ id: 'proj_1', organizationId: 'org_test', name: 'Website' }] });
    await expect(strict.mint({ scope: { kind: 'project', projectId: 'proj_9' } })).rejects.toMatchObject({ field: 'scope.projectId' });
  });

  test('generateToken() is well-formed but unknown: NOT_FOUND, not MALFORMED', async () => {
    const kw = createTestKeyward();
    expect(await kw.keyward.verify(generateToken())).toEqual({ ok: false, code: 'NOT_FOUND' });
  });

  test('clock.advance() refuses what is not milliseconds or a preset, naming the argument', () => {
    const kw = createTestKeyward();
    expect(() => kw.clock.advance('never' as '7d')).toThrow(ConfigurationError);
    expect(() => kw.clock.advance('never' as '7d')).toThrow(/by must be/);
  });
});
