// The program every runtime runs: the guard and management case tables against @keyward/fetch
// and @keyward/hono, in process, plus the SHA-256 check that proves the hash backend this runtime picked is correct.
// Not public API: which backend core picked is exactly what this program checks.
import { createHasher, hashBackend } from '../../../packages/core/src/hash.js';
import { memoryStore } from '@keyward/core';
import { createFetchGuard } from '@keyward/fetch';
import { requireToken as honoRequireToken } from '@keyward/hono';
import { describeTokenStore } from '@keyward/store-tests';
import { describeGuardCases, describeManagementApi } from '@keyward/test-kit/http';
import { countingStore, type CountingStore } from '@keyward/test-kit/stores';
import { buildHandler } from '../../../packages/fetch/test/handler.js';
import { buildApp as buildHonoApp } from '../../../packages/hono/test/app.js';
import { installFetch, serve, serveOverHttp } from './in-process.js';
import { expect, run, test, type TestResult } from './mini-vitest.js';

// FIPS 180-2 test vectors, as base64url (the form keyward stores).
const SHA256_VECTORS: readonly [string, string][] = [
  ['abc', 'ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0'],
  ['', '47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU'],
  ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 'JI1qYdIGOLjlwCaTDD5gOaM85Flk_yFn9uzt1BnbBsE'],
];

export interface SuiteReport {
  hashBackend: string;
  results: TestResult[];
}

/**
 * Declares and runs every test; never throws (a failure is a result). `http`: serve the apps with
 * the runtime's own HTTP server (Bun, Deno) instead of answering in process.
 */
export async function runSuite({ http = false } = {}): Promise<SuiteReport> {
  const host = http ? serveOverHttp : async (handler: (request: Request) => Promise<Response>) => serve(handler);
  if (!http) installFetch();
  const start = async (setup: Parameters<typeof buildHandler>[0]) => host(buildHandler(setup));
  describeGuardCases('fetch', start, createFetchGuard);
  describeManagementApi('fetch', start);
  // Hono is fetch-based too: its own app.fetch, as a Worker or Bun.serve would call it.
  const startHono = async (setup: Parameters<typeof buildHonoApp>[0]) => {
    const app = buildHonoApp(setup);
    return host(async (request) => app.fetch(request));
  };
  describeGuardCases('hono', startHono, honoRequireToken);
  describeManagementApi('hono', startHono);
  // The memory store's conformance suite, as packages/core runs it on Node: what this runtime
  // keeps in one process (or isolate) behaves as every other store.
  describeTokenStore('memoryStore', () => countingStore(memoryStore()), {
    breakStore: (store) => void ((store as CountingStore).down = true),
    parts: ['limits', 'rateLimiter', 'audit', 'usage'],
  });
  test('SHA-256 and HMAC-SHA-256 test vectors (hash backend of this runtime)', () => {
    const hasher = createHasher();
    for (const [input, digest] of SHA256_VECTORS) expect(hasher.hash(input)).toBe(digest);
    // HMAC-SHA-256 (peppered tokens), checked against node:crypto's answer.
    expect(createHasher('a pepper of 16+ characters').hash('kw_example')).toBe('ANVtEQzTTC-TLKGtTx2VHQOQZQV7wEQDs7BE6JzMmsY');
  });
  return { hashBackend, results: await run() };
}
