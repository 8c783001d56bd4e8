// d1Store passes @keyward/store-tests' conformance suite (every section, lifecycle and fail-closed
// included) and its own D1 tests INSIDE workerd: the suite is bundled into a Worker, which Miniflare
// runs on a local D1 database; each test's result comes back as one row here.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Miniflare } from 'miniflare';
import { describe, expect, test } from 'vitest';
import { bundleWorker } from '../../../examples/runtime-matrix/src/bundle.js';

interface Result {
  name: string;
  ok: boolean;
  error?: string;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const outdir = here('../.out');
mkdirSync(outdir, { recursive: true });

async function runInWorkerd(): Promise<Result[]> {
  const script = await bundleWorker(here('./workerd/suite-worker.ts'), `${outdir}/suite-worker.mjs`, { nodejsCompat: true });
  const mf = new Miniflare({
    modules: true,
    scriptPath: script,
    compatibilityDate: '2025-09-01',
    compatibilityFlags: ['nodejs_compat'],
    d1Databases: { DB: 'keyward-d1-test', REPLICA: 'keyward-d1-replica' },
  });
  try {
    const response = await mf.dispatchFetch('http://localhost/');
    if (!response.ok) throw new Error(`the suite Worker answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as Result[];
  } finally {
    await mf.dispose();
  }
}

const results = await runInWorkerd();

describe('d1Store in workerd (Miniflare D1)', () => {
  test('the Worker ran the whole conformance suite, every contract v3 part and fail-closed included, and the D1 tests', () => {
    const names = results.map((r) => r.name);
    expect(names.filter((n) => n.startsWith('TokenStore conformance: d1Store')).length).toBeGreaterThanOrEqual(74);
    for (const section of ['limits (contract v3)', 'rate limiter (contract v3)', 'audit trail (contract v3)', 'usage counts (contract v3)']) {
      expect(names.some((n) => n.includes(`> ${section} >`)), section).toBe(true);
    }
    expect(names.some((n) => n.includes('a broken store never answers findByHash() with null'))).toBe(true);
    expect(names.some((n) => n.includes('roll() with a grace period'))).toBe(true);
    expect(names.filter((n) => n.startsWith('d1Store on D1 >')).length).toBeGreaterThanOrEqual(8);
  });

  test.each(results)('$name', ({ ok, error }) => {
    expect(ok, error).toBe(true);
  });
});
