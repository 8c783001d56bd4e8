// Issue #24 item 3: GitHub's secret scanning reports, the same cases on every adapter. Keys are
// generated here (node:crypto), served through the injectable fetcher, and reports signed as
// GitHub signs them: ECDSA P-256 over SHA-256 of the raw body, DER, base64.
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { createKeyward, memoryStore, type Keyward, type LeakNotice } from '@keyward/core';
import type { SecretScanningOptions } from '@keyward/core/http';
import { describe, expect, test } from 'vitest';
import { ACTORS, fixedClock, resolveProject } from '../fixtures.js';

/** Where every adapter test mounts the endpoint. */
export const SECRET_SCANNING_PATH = '/github/secret-scanning';

/** A stand-in for GitHub: a key pair, its published keys document, and a signer. */
export interface FakeGitHub {
  keyId: string;
  /** The injectable fetcher; `calls` counts how often keyward fetched. */
  fetchKeys: () => Promise<unknown>;
  readonly calls: number;
  /** Base64 DER signature of `body`, by this key (or by `other`'s). */
  sign(body: string): string;
}

export function fakeGitHub(keyId = 'f9525bf080f75b3506ca1ead061add62b8633a346606dc5fe544e29231c6ee0d'): FakeGitHub {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let calls = 0;
  return {
    keyId,
    fetchKeys: async () => {
      calls++;
      return { public_keys: [{ key_identifier: keyId, key: pem, is_current: true }] };
    },
    get calls() {
      return calls;
    },
    sign: (body) => sign('sha256', Buffer.from(body), { key: privateKey, dsaEncoding: 'der' }).toString('base64'),
  };
}

export interface SecretScanningServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the adapter's endpoint at SECRET_SCANNING_PATH with these options. */
export type StartSecretScanning = (options: SecretScanningOptions) => Promise<SecretScanningServer>;

const REPO_URL = 'https://github.com/octocat/Hello-World/blob/12345600b9cbe38a219f39a9941c9319b600c002/foo/bar.txt';

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

interface Context {
  keyward: Keyward;
  github: FakeGitHub;
  notices: LeakNotice[];
  server: SecretScanningServer;
  post(body: string, headers?: Record<string, string>): Promise<Response>;
  signed(body: string): Promise<Response>;
  token(name: string): Promise<{ id: string; plaintext: string }>;
}

async function context(start: StartSecretScanning, mode: 'revoke' | 'flag', extra: Partial<SecretScanningOptions> = {}): Promise<Context> {
  const clock = fixedClock();
  const keyward = createKeyward({ store: memoryStore(), resolveProject, now: clock.now, onError: () => {} });
  const github = fakeGitHub();
  const notices: LeakNotice[] = [];
  const server = await start({ keyward, mode, fetchKeys: github.fetchKeys, now: clock.now, onLeak: (n) => void notices.push(n), onError: () => {}, ...extra });
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(server.url + SECRET_SCANNING_PATH, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return {
    keyward,
    github,
    notices,
    server,
    post,
    signed: (body) => post(body, { 'github-public-key-identifier': github.keyId, 'github-public-key-signature': github.sign(body) }),
    token: async (name) => {
      const { plaintext, token } = await keyward.create(ACTORS.owner, { name, scope: { kind: 'organization' }, expiresIn: 'never' });
      return { id: token.id, plaintext };
    },
  };
}

async function withContext(start: StartSecretScanning, mode: 'revoke' | 'flag', run: (c: Context) => Promise<void>, extra?: Partial<SecretScanningOptions>): Promise<void> {
  const c = await context(start, mode, extra);
  try {
    await run(c);
  } finally {
    await c.server.close();
    await c.keyward.close();
  }
}

/**
 * The secret scanning cases for one adapter: the documented payload and answer, revoke and flag,
 * replay, unknown key, bad, malformed and missing signatures, a non-report body, an oversized
 * body, and 1 000 tokens in one report.
 */
export function describeSecretScanning(name: string, start: StartSecretScanning): void {
  describe(`${name}: GitHub secret scanning reports`, () => {
    test('the documented payload: a real token is true_positive and revoked, an unknown well-formed one and a non-token are false_positive; the answer holds hashes, never a token', async () => {
      await withContext(start, 'revoke', async (c) => {
        const real = await c.token('CI');
        const unknown = (await c.token('gone')).plaintext;
        await c.keyward.delete(ACTORS.owner, (await c.keyward.list(ACTORS.owner)).items.find((t) => t.name === 'gone')!.id);
        const body = JSON.stringify([
          { token: real.plaintext, type: 'keyward_api_token', url: REPO_URL, source: 'content' },
          { token: unknown, type: 'keyward_api_token', url: REPO_URL, source: 'commit' },
          { token: 'NMIfyYncKcRALEXAMPLE', type: 'keyward_api_token', url: REPO_URL },
        ]);
        const response = await c.signed(body);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/json');
        const text = await response.text();
        expect(JSON.parse(text)).toEqual([
          { token_hash: sha256Hex(real.plaintext), token_type: 'keyward_api_token', label: 'true_positive' },
          { token_hash: sha256Hex(unknown), token_type: 'keyward_api_token', label: 'false_positive' },
          { token_hash: sha256Hex('NMIfyYncKcRALEXAMPLE'), token_type: 'keyward_api_token', label: 'false_positive' },
        ]);
        expect(text).not.toContain(real.plaintext);
        expect((await c.keyward.verify(real.plaintext)).ok).toBe(false);
        const entry = (await c.keyward.auditLog(ACTORS.owner, { tokenId: real.id })).items.find((e) => e.action === 'leaked');
        expect(entry).toMatchObject({ action: 'leaked', actor: { type: 'system' }, tokenId: real.id, tokenName: 'CI', changes: { url: REPO_URL, source: 'content', revoked: true } });
        expect(c.notices).toEqual([expect.objectContaining({ tokenId: real.id, action: 'revoked', url: REPO_URL, source: 'content' })]);
      });
    });

    test("mode 'flag': the token keeps working, the leak is in the audit trail and on the token's list item, and onLeak hears it", async () => {
      await withContext(start, 'flag', async (c) => {
        const real = await c.token('CI');
        const response = await c.signed(JSON.stringify([{ token: real.plaintext, type: 'keyward_api_token', url: REPO_URL, source: 'content' }]));
        expect(await response.json()).toEqual([{ token_hash: sha256Hex(real.plaintext), token_type: 'keyward_api_token', label: 'true_positive' }]);
        expect((await c.keyward.verify(real.plaintext)).ok).toBe(true);
        const entry = (await c.keyward.auditLog(ACTORS.owner, { tokenId: real.id })).items.find((e) => e.action === 'leaked');
        expect(entry).toMatchObject({ action: 'leaked', actor: { type: 'system' }, changes: { url: REPO_URL, revoked: false, secret: 'current' } });
        // The token's own row says so too, for as long as the found secret works.
        const listed = (await c.keyward.list(ACTORS.owner)).items.find((t) => t.id === real.id);
        expect(listed?.leak).toEqual({ at: entry!.at, url: REPO_URL, source: 'content', secret: 'current' });
        expect(c.notices).toEqual([expect.objectContaining({ tokenId: real.id, action: 'flagged' })]);
      });
    });

    test('a replayed report (same bytes, same signature) is refused with 409 and acted on once', async () => {
      await withContext(start, 'flag', async (c) => {
        const real = await c.token('CI');
        const body = JSON.stringify([{ token: real.plaintext, type: 'keyward_api_token', url: REPO_URL }]);
        const signature = c.github.sign(body);
        const headers = { 'github-public-key-identifier': c.github.keyId, 'github-public-key-signature': signature };
        expect((await c.post(body, headers)).status).toBe(200);
        const replay = await c.post(body, headers);
        expect(replay.status).toBe(409);
        expect(await replay.json()).toMatchObject({ code: 'REPORT_REPLAYED' });
        // A fresh signature over the same bytes is a replay all the same.
        expect((await c.signed(body)).status).toBe(409);
        expect(c.notices).toHaveLength(1);
      });
    });

    test('a signature by a key GitHub does not list is 401, after fetching the keys again once', async () => {
      await withContext(start, 'revoke', async (c) => {
        const real = await c.token('CI');
        const body = JSON.stringify([{ token: real.plaintext, type: 'keyward_api_token', url: REPO_URL }]);
        expect((await c.signed('[]')).status).toBe(200);
        expect(c.github.calls).toBe(1);
        const stranger = fakeGitHub('0000000000000000000000000000000000000000000000000000000000000000');
        const response = await c.post(body, { 'github-public-key-identifier': stranger.keyId, 'github-public-key-signature': stranger.sign(body) });
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ code: 'SIGNATURE_INVALID' });
        // An unknown id makes keyward fetch the keys again (GitHub may have rotated), then refuse.
        expect(c.github.calls).toBe(2);
        expect((await c.keyward.verify(real.plaintext)).ok).toBe(true);
      }, { minRefetchMs: 0 });
    });

    test('a signature that does not match the body, or by another key under GitHub\'s id, is 401 and nothing is revoked', async () => {
      await withContext(start, 'revoke', async (c) => {
        const real = await c.token('CI');
        const body = JSON.stringify([{ token: real.plaintext, type: 'keyward_api_token', url: REPO_URL }]);
        const otherBody = await c.post(body, { 'github-public-key-identifier': c.github.keyId, 'github-public-key-signature': c.github.sign('[]') });
        expect(otherBody.status).toBe(401);
        const impostor = fakeGitHub(c.github.keyId);
        const otherKey = await c.post(body, { 'github-public-key-identifier': c.github.keyId, 'github-public-key-signature': impostor.sign(body) });
        expect(otherKey.status).toBe(401);
        expect((await c.keyward.verify(real.plaintext)).ok).toBe(true);
      });
    });

    test('an unsigned request is 401, a signature that is not base64 DER is 400', async () => {
      await withContext(start, 'revoke', async (c) => {
        const body = JSON.stringify([{ token: 'x', type: 't', url: REPO_URL }]);
        const unsigned = await c.post(body);
        expect(unsigned.status).toBe(401);
        expect(await unsigned.json()).toMatchObject({ code: 'SIGNATURE_MISSING' });
        expect((await c.post(body, { 'github-public-key-identifier': c.github.keyId })).status).toBe(401);
        const garbled = await c.post(body, { 'github-public-key-identifier': c.github.keyId, 'github-public-key-signature': 'not-a-signature!' });
        expect(garbled.status).toBe(400);
        expect(await garbled.json()).toMatchObject({ code: 'SIGNATURE_MALFORMED' });
        expect(c.github.calls).toBe(0);
      });
    });

    test('a signed body that is not a report array is 400; a body over maxBodyBytes is 413', async () => {
      await withContext(start, 'revoke', async (c) => {
        const notArray = await c.signed('{"token":"x"}');
        expect(notArray.status).toBe(400);
        expect(await notArray.json()).toMatchObject({ code: 'INVALID_REPORT' });
        const big = JSON.stringify([{ token: 'x'.repeat(2048), type: 't', url: REPO_URL }]);
        expect((await c.signed(big)).status).toBe(413);
      }, { maxBodyBytes: 1024 });
    });

    test('1 000 tokens in one report: every one labelled in order, the 500 real ones revoked', async () => {
      await withContext(start, 'revoke', async (c) => {
        const reports = [];
        const real: string[] = [];
        for (let i = 0; i < 500; i++) {
          const { plaintext } = await c.token(`t${i}`);
          real.push(plaintext);
          reports.push({ token: plaintext, type: 'keyward_api_token', url: `${REPO_URL}#L${i}` });
          reports.push({ token: `kw_notatoken${i}`, type: 'keyward_api_token', url: REPO_URL });
        }
        const response = await c.signed(JSON.stringify(reports));
        expect(response.status).toBe(200);
        const labels = ((await response.json()) as { label: string }[]).map((item) => item.label);
        expect(labels).toEqual(reports.map((_, i) => (i % 2 === 0 ? 'true_positive' : 'false_positive')));
        expect((await c.keyward.list(ACTORS.owner)).items).toHaveLength(0);
        expect(c.notices).toHaveLength(500);
      });
    });
  });
}
