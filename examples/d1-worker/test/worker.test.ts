// The D1 Worker example, run in workerd by Miniflare with a local D1 database: create → use →
// delete → refused over the management API and the guard, tokens surviving a restart of the
// runtime (they live in D1, not in the isolate), and the settings page driven in Chromium.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
// The Worker as wrangler would build it (esbuild, for workerd), from the packages' sources.
import { bundleWorker } from '../../runtime-matrix/src/bundle.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const root = (path: string) => here(`../../../${path}`);
const outdir = here('../.out');
const scratch = mkdtempSync(join(tmpdir(), 'keyward-d1-worker-'));
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let script: string;
let element: string;

/** `@keyward/ui`'s keyward-tokens.js, made from its sources: what public/assets/ holds in a deployment. */
async function elementScript(): Promise<string> {
  const result = await build({
    stdin: { contents: "import '@keyward/ui/define';", resolveDir: here('.'), loader: 'ts' },
    alias: { '@keyward/ui/define': root('packages/ui/src/define/index.ts') },
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    write: false,
  });
  return result.outputFiles[0]!.text;
}

/** The Worker in Miniflare, its D1 kept in `persist` (so a second runtime sees the same tokens). */
function start(persist: string, compatibilityFlags: string[] = ['nodejs_compat']): Miniflare {
  return new Miniflare({
    modules: true,
    scriptPath: script,
    compatibilityDate: '2025-09-01',
    compatibilityFlags,
    d1Databases: { DB: 'keyward' },
    d1Persist: persist,
    // Workers Static Assets' binding, answered from Node: the element's file, and 404 for anything else.
    serviceBindings: {
      ASSETS: async (request: { url: string }) =>
        new URL(request.url).pathname === '/assets/keyward-tokens.js'
          ? new Response(element, { headers: { 'content-type': 'text/javascript; charset=utf-8' } })
          : new Response('Not found', { status: 404 }),
    },
  });
}

const ada = { cookie: 'session=session-ada' };
const bob = { cookie: 'session=session-bob' };
const json = { 'content-type': 'application/json' };

beforeAll(async () => {
  mkdirSync(outdir, { recursive: true });
  script = await bundleWorker(here('../src/worker.ts'), join(outdir, 'worker.mjs'), { nodejsCompat: true });
  element = await elementScript();
}, 120_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('examples/d1-worker in workerd with D1', () => {
  // Without nodejs_compat core hashes with @noble/hashes; the store needs nothing of Node either way.
  test.each([
    { flags: ['nodejs_compat'], label: 'with nodejs_compat' },
    { flags: [], label: 'without nodejs_compat' },
  ])('$label: create → use → refused elsewhere → delete → refused, and tokens outlive the runtime', { timeout: 120_000 }, async ({ flags, label }) => {
    const persist = join(scratch, label.replaceAll(' ', '-'));
    let mf = start(persist, flags);
    let plaintext: string;
    let id: string;
    try {
      const created = await mf.dispatchFetch('http://worker/settings/tokens', {
        method: 'POST',
        headers: { ...ada, ...json },
        body: JSON.stringify({ name: 'CI', scope: { kind: 'project', projectId: 'proj_web' }, expiresIn: '7d' }),
      });
      expect(created.status).toBe(201);
      ({ plaintext, token: { id } } = (await created.json()) as { plaintext: string; token: { id: string } });
      const bearer = { authorization: `Bearer ${plaintext}` };
      expect(await (await mf.dispatchFetch('http://worker/projects/proj_web/builds', { headers: bearer })).json()).toEqual({ projectId: 'proj_web', builds: [], calledBy: 'CI' });
      expect((await mf.dispatchFetch('http://worker/projects/proj_api/builds', { headers: bearer })).status).toBe(403);
      expect((await mf.dispatchFetch('http://worker/projects/proj_web/builds')).status).toBe(401);
      expect((await mf.dispatchFetch('http://worker/settings/tokens', { headers: bob })).status).toBe(403);
    } finally {
      await mf.dispose();
    }

    // A new runtime (a new isolate, as after a deploy): the token is still there, in D1.
    mf = start(persist, flags);
    try {
      const bearer = { authorization: `Bearer ${plaintext}` };
      expect((await mf.dispatchFetch('http://worker/projects/proj_web/builds', { headers: bearer })).status).toBe(200);
      const listed = (await (await mf.dispatchFetch('http://worker/settings/tokens', { headers: ada })).json()) as { items: { id: string; name: string }[] };
      expect(listed.items.map((t) => t.name)).toEqual(['CI']);
      expect((await mf.dispatchFetch(`http://worker/settings/tokens/${id}`, { method: 'DELETE', headers: ada })).status).toBe(204);
      const refused = await mf.dispatchFetch('http://worker/projects/proj_web/builds', { headers: bearer });
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ code: 'INVALID_TOKEN' });
    } finally {
      await mf.dispose();
    }
  });

  test('the settings page: <keyward-tokens> in Chromium creates a token over the Worker\'s API, and the guard accepts it', { timeout: 120_000 }, async () => {
    const mf = start(join(scratch, 'page'));
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const origin = (await mf.ready).origin;
      const context = await browser.newContext();
      await context.addCookies([{ name: 'session', value: 'session-ada', url: origin }]);
      const page = await context.newPage();
      await page.goto(`${origin}/settings/tokens-page`);
      await page.fill('#token-name', 'From the page');
      await page.click('#create-button');
      await page.waitForSelector('#reveal-dialog[open]');
      const plaintext = (await page.textContent('#reveal-secret'))!.trim();
      await page.click('#reveal-done');
      await page.locator('keyward-tokens #tokens-body > tr', { hasText: 'From the page' }).waitFor();
      const used = await fetch(`${origin}/projects/proj_web/builds`, { headers: { authorization: `Bearer ${plaintext}` } });
      expect(await used.json()).toMatchObject({ calledBy: 'From the page' });
    } finally {
      await browser.close();
      await mf.dispose();
    }
  });
});
