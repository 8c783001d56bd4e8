// Issue #24 item 3 in core: the pieces of the secret scanning endpoint on their own.
import { generateKeyPairSync, sign } from 'node:crypto';
import { GitHubKeyring, KeysUnavailableError, isWellFormedToken, memoryReplayGuard, secretScanningPattern } from '@keyward/core';
import { generateToken } from '../../src/token-format.js';
import { fakeGitHub } from '@keyward/test-kit/http';
import { describe, expect, test } from 'vitest';
import { derToP1363, decodeBase64, importP256PublicKey, verifyP256 } from '../../src/leaks/signature.js';

describe('signature', () => {
  test('a DER signature by node:crypto verifies over WebCrypto, and not over other bytes', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = await importP256PublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const body = new TextEncoder().encode('[{"token":"x"}]');
    for (let i = 0; i < 20; i++) {
      const der = sign('sha256', body, { key: privateKey, dsaEncoding: 'der' });
      const raw = derToP1363(new Uint8Array(der))!;
      expect(await verifyP256(key, raw, body)).toBe(true);
      expect(await verifyP256(key, raw, new TextEncoder().encode('[]'))).toBe(false);
    }
  });

  test('derToP1363 refuses what is not one strict DER signature', () => {
    const good = new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02]);
    expect(derToP1363(good)?.length).toBe(64);
    expect(derToP1363(new Uint8Array([...good, 0x00]))).toBeNull(); // trailing byte
    expect(derToP1363(new Uint8Array([0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x02]))).toBeNull(); // needless leading zero
    expect(derToP1363(new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x02]))).toBeNull(); // negative r
    expect(derToP1363(new Uint8Array([0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02]))).toBeNull(); // not a SEQUENCE
    expect(decodeBase64('not base64!')).toBeNull();
    expect(decodeBase64(' AAE=')).toBeNull();
  });
});

describe('GitHubKeyring', () => {
  test('fetches once, keeps the keys for ttlMs, fetches again after it', async () => {
    const github = fakeGitHub();
    let now = 0;
    const keys = new GitHubKeyring({ fetchKeys: github.fetchKeys, ttlMs: 1000, now: () => now });
    expect(await keys.key(github.keyId)).not.toBeNull();
    expect(await keys.key(github.keyId)).not.toBeNull();
    expect(github.calls).toBe(1);
    now = 1000;
    await keys.key(github.keyId);
    expect(github.calls).toBe(2);
  });

  test('an unknown key id fetches again at most once per minRefetchMs, and answers null', async () => {
    const github = fakeGitHub();
    let now = 0;
    const keys = new GitHubKeyring({ fetchKeys: github.fetchKeys, minRefetchMs: 60_000, now: () => now });
    await keys.key(github.keyId);
    expect(await keys.key('made-up')).toBeNull();
    expect(await keys.key('made-up-2')).toBeNull();
    expect(github.calls).toBe(1);
    now = 60_000;
    expect(await keys.key('made-up')).toBeNull();
    expect(github.calls).toBe(2);
  });

  test('concurrent lookups share one fetch; a failed fetch is KeysUnavailableError', async () => {
    const github = fakeGitHub();
    const keys = new GitHubKeyring({ fetchKeys: github.fetchKeys });
    await Promise.all([keys.key(github.keyId), keys.key(github.keyId), keys.key(github.keyId)]);
    expect(github.calls).toBe(1);
    const broken = new GitHubKeyring({ fetchKeys: async () => Promise.reject(new Error('offline')) });
    await expect(broken.key('x')).rejects.toBeInstanceOf(KeysUnavailableError);
    const junk = new GitHubKeyring({ fetchKeys: async () => ({ keys: [] }) });
    await expect(junk.key('x')).rejects.toBeInstanceOf(KeysUnavailableError);
  });
});

describe('memoryReplayGuard', () => {
  test('a key is refused within its window, taken again after it, and after release', () => {
    let now = 0;
    const guard = memoryReplayGuard({ now: () => now });
    expect(guard.claim('a', 100)).toBe(true);
    expect(guard.claim('a', 100)).toBe(false);
    now = 100;
    expect(guard.claim('a', 100)).toBe(true);
    guard.release('a');
    expect(guard.claim('a', 100)).toBe(true);
  });

  test('past maxEntries the oldest claims are forgotten first (the documented limit)', () => {
    const guard = memoryReplayGuard({ maxEntries: 2, now: () => 0 });
    guard.claim('a', 100);
    guard.claim('b', 100);
    guard.claim('c', 100);
    expect(guard.claim('c', 100)).toBe(false);
    expect(guard.claim('a', 100)).toBe(true);
  });
});

describe('secretScanningPattern', () => {
  test('matches every generated token of its prefix, whole, and not one of another prefix', () => {
    const pattern = new RegExp(secretScanningPattern('acme'), 'g');
    for (let i = 0; i < 200; i++) {
      const token = generateToken('acme');
      expect(` key=${token}; `.match(pattern)).toEqual([token]);
      expect(isWellFormedToken(token, 'acme')).toBe(true);
    }
    expect(generateToken('kw').match(pattern)).toBeNull();
    expect(secretScanningPattern('kw')).toBe('\\bkw_[0-9A-Za-z]{36}\\b');
  });
});
