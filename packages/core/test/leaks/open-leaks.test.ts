// A token GitHub reported leaked while the host only flags leaks: list() says so on the token's
// own row (`leak`: when, where, which secret) for as long as the reported secret works, and not a
// moment longer — a roll (at once, or when its grace ends), expiry, or a revoke ends it.
import type { Keyward, TokenListItem } from '@keyward/core';
import { ACTORS, T0, setup } from '@keyward/test-kit/fixtures';
import { describe, expect, test } from 'vitest';

const { owner, admin } = ACTORS;
const HOUR_MS = 3_600_000;
const org = { kind: 'organization' } as const;
const URL_A = 'https://github.com/acme/site/blob/main/.env';
const URL_B = 'https://gist.github.com/someone/abc';

const report = (keyward: Keyward, token: string, url = URL_A, mode: 'flag' | 'revoke' = 'flag') => keyward.reportLeaks([{ token, type: 'keyward_api_token', url, source: 'commit' }], { mode });

async function leakOf(keyward: Keyward, name: string): Promise<TokenListItem['leak'] | undefined> {
  return (await keyward.list(owner)).items.find((t) => t.name === name)?.leak;
}

describe('list() items say `leak` while a reported secret works', () => {
  test('a flagged token: when, where, from which source, which secret; other tokens none', async () => {
    const { keyward, clock } = setup();
    const ci = await keyward.create(owner, { name: 'CI', scope: org, expiresIn: '30d' });
    await keyward.create(owner, { name: 'Clean', scope: org, expiresIn: '30d' });
    clock.advance(1000);
    expect(await report(keyward, ci.plaintext)).toEqual(['true_positive']);
    expect(await leakOf(keyward, 'CI')).toEqual({ at: T0 + 1000, url: URL_A, source: 'commit', secret: 'current' });
    expect(await leakOf(keyward, 'Clean')).toBeNull();
    // Still working (flagged, not revoked), and found again elsewhere: the newest report is shown.
    expect((await keyward.verify(ci.plaintext)).ok).toBe(true);
    clock.advance(1000);
    await report(keyward, ci.plaintext, URL_B);
    expect(await leakOf(keyward, 'CI')).toMatchObject({ at: T0 + 2000, url: URL_B });
  });

  test('renames, pauses and limit changes after the report do not hide it, however many (the trail is read past its first page)', async () => {
    const { keyward, clock } = setup();
    const ci = await keyward.create(owner, { name: 'CI', scope: org, expiresIn: 'never' });
    await report(keyward, ci.plaintext);
    for (let i = 0; i < 45; i++) {
      clock.advance(1000);
      await keyward.update(admin, ci.token.id, i % 2 === 0 ? { enabled: false } : { enabled: true, name: `CI ${i}` });
    }
    const item = (await keyward.list(owner)).items[0]!;
    expect(item.status).toBe('paused');
    expect(item.leak).toMatchObject({ url: URL_A, secret: 'current' });
  });

  test('a roll with no grace ends it at once; with a grace, the found secret is the previous one until the grace ends', async () => {
    const { keyward, clock } = setup();
    const now = await keyward.create(owner, { name: 'Now', scope: org, expiresIn: '30d' });
    const later = await keyward.create(owner, { name: 'Later', scope: org, expiresIn: '30d' });
    await report(keyward, now.plaintext);
    await report(keyward, later.plaintext);
    clock.advance(1000);
    await keyward.roll(owner, now.token.id, { previousSecretExpiresIn: 'now' });
    await keyward.roll(owner, later.token.id, { previousSecretExpiresIn: '1h' });
    expect(await leakOf(keyward, 'Now')).toBeNull();
    expect(await leakOf(keyward, 'Later')).toMatchObject({ url: URL_A, secret: 'previous' });
    clock.advance(HOUR_MS);
    expect((await keyward.verify(later.plaintext)).ok).toBe(false);
    expect(await leakOf(keyward, 'Later')).toBeNull();
  });

  test('a second roll ends it even within the first grace; a report of the previous secret ends with it', async () => {
    const { keyward, clock } = setup();
    const twice = await keyward.create(owner, { name: 'Twice', scope: org, expiresIn: '30d' });
    await report(keyward, twice.plaintext);
    clock.advance(1000);
    await keyward.roll(owner, twice.token.id, { previousSecretExpiresIn: '24h' });
    clock.advance(1000);
    await keyward.roll(owner, twice.token.id, { previousSecretExpiresIn: '24h' });
    expect(await leakOf(keyward, 'Twice')).toBeNull();

    // The rolled-away secret (still in its grace) is the one found: the current one is clean.
    const old = await keyward.create(owner, { name: 'Old', scope: org, expiresIn: '30d' });
    await keyward.roll(owner, old.token.id, { previousSecretExpiresIn: '1h' });
    clock.advance(1000);
    await report(keyward, old.plaintext, URL_B);
    expect(await leakOf(keyward, 'Old')).toMatchObject({ url: URL_B, secret: 'previous' });
    clock.advance(HOUR_MS);
    expect(await leakOf(keyward, 'Old')).toBeNull();
  });

  test('an older report of the current secret shows again once a newer report, of the previous secret, has stopped', async () => {
    const { keyward, clock } = setup();
    const first = await keyward.create(owner, { name: 'Both', scope: org, expiresIn: '30d' });
    const second = await keyward.roll(owner, first.token.id, { previousSecretExpiresIn: '1h' });
    clock.advance(1000);
    await report(keyward, second.plaintext, URL_A);
    clock.advance(1000);
    await report(keyward, first.plaintext, URL_B);
    expect(await leakOf(keyward, 'Both')).toMatchObject({ url: URL_B, secret: 'previous' });
    clock.advance(HOUR_MS);
    expect(await leakOf(keyward, 'Both')).toMatchObject({ url: URL_A, secret: 'current' });
  });

  test('an expired token, a revoked one and a host without an audit trail say nothing', async () => {
    const { keyward, clock } = setup();
    const week = await keyward.create(owner, { name: 'Week', scope: org, expiresIn: '7d' });
    const gone = await keyward.create(owner, { name: 'Gone', scope: org, expiresIn: '30d' });
    await report(keyward, week.plaintext);
    await report(keyward, gone.plaintext, URL_A, 'revoke');
    expect(await leakOf(keyward, 'Gone')).toBeUndefined();
    clock.advance('7d');
    expect(await leakOf(keyward, 'Week')).toBeNull();

    const off = setup({ audit: false });
    const ci = await off.keyward.create(owner, { name: 'CI', scope: org, expiresIn: '30d' });
    expect(await report(off.keyward, ci.plaintext)).toEqual(['true_positive']);
    expect(await leakOf(off.keyward, 'CI')).toBeNull();
    expect(off.store.calls.auditLog).toBe(0);
  });

  test('one trail read per listed token when its trail is short', async () => {
    const { keyward, store } = setup();
    for (let i = 0; i < 5; i++) await keyward.create(owner, { name: `T${i}`, scope: org, expiresIn: '30d' });
    const before = store.calls.auditLog;
    await keyward.list(owner);
    expect(store.calls.auditLog - before).toBe(5);
  });
});
