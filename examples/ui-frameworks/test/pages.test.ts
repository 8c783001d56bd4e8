// <keyward-tokens> from plain HTML, React 19 and Vue 3 (each bundled by esbuild), in Debian's
// Chromium under playwright-core: the same create → reveal → list → delete on each page, with
// the host's props, events and header hook going through the framework.
import { serve, type ServerType } from '@hono/node-server';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFrameworksApp } from '../src/app.js';

// Under a loaded CI machine a page may take a while to answer: wait up to 10 s, not vitest's 1 s.
const poll: typeof expect.poll = (fn, options) => expect.poll(fn, { timeout: 10_000, interval: 100, ...(typeof options === 'number' ? { timeout: options } : options) });

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// Screenshots land in the example only when asked (UPDATE_SCREENSHOTS=1); otherwise in a temp dir.
const tmp = mkdtempSync(join(tmpdir(), 'keyward-ui-frameworks-'));
const shots = process.env.UPDATE_SCREENSHOTS ? fileURLToPath(new URL('../screenshots/', import.meta.url)) : tmp;

let host: Awaited<ReturnType<typeof createFrameworksApp>>;
let server: ServerType;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  host = await createFrameworksApp();
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: host.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await host?.keyward.close();
  rmSync(tmp, { recursive: true, force: true });
});

function secretOnPage(page: Page, secret: string): Promise<boolean> {
  return page.evaluate((secret) => {
    const seen: string[] = [document.documentElement.outerHTML];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) (seen.push(el.shadowRoot.innerHTML), walk(el.shadowRoot));
    };
    walk(document);
    return seen.some((text) => text.includes(secret)) || JSON.stringify({ ...localStorage, ...sessionStorage }).includes(secret);
  }, secret);
}

const PAGES = [
  { path: '/plain', heading: 'Create a token', csrf: 'plain-csrf' },
  { path: '/react', heading: 'New token', csrf: 'react-csrf' },
  { path: '/vue', heading: 'New token', csrf: 'vue-csrf' },
];

describe.each(PAGES)('$path', ({ path, heading, csrf }) => {
  test('create → reveal once → listed → deleted, with the host props, event and CSRF header', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
    await context.addCookies([{ name: 'csrf', value: 'plain-csrf', url: origin }]);
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(origin + path);
      const el = page.locator('keyward-tokens');
      await page.waitForSelector('keyward-tokens[data-state="ready"]');
      expect(await el.locator('#create-heading').textContent()).toBe(heading);
      // Project names are isolated (U+2068 … U+2069) in their options, whatever their script.
      expect(await el.locator('#token-scope option').allTextContents()).toEqual(['Organization: every project', 'Project: \u2068Website\u2069', 'Project: \u2068Mobile app\u2069']);

      const name = `Deploy hook ${path.slice(1)}`;
      await el.locator('#token-name').fill(name);
      await el.locator('#token-scope').selectOption('proj_web');
      await el.locator('#create-button').click();
      await el.locator('#reveal-dialog[open]').waitFor();
      // The host heard the event (and re-rendered) while the dialog stays open with the secret.
      await poll(() => page.locator('#log').textContent()).toContain(name);
      expect(await el.locator('#reveal-dialog').getAttribute('open')).toBe('');
      const secret = (await el.locator('#reveal-secret').textContent())!;
      expect(secret).toMatch(/^kw_[0-9A-Za-z]{36}$/);
      expect(await page.evaluate(async () => {
        const axe = (window as unknown as { axe?: unknown }).axe;
        return axe === undefined;
      })).toBe(true);
      await page.addScriptTag({ content: AXE_SOURCE });
      const violations = await page.evaluate(async () => (await (window as unknown as { axe: { run(d: Document): Promise<{ violations: { id: string }[] }> } }).axe.run(document)).violations.map((v) => v.id));
      expect(violations).toEqual([]);
      await page.screenshot({ path: join(shots, `${path.slice(1)}.png`) });
      await el.locator('#reveal-done').click();
      await el.locator('#reveal-dialog').waitFor({ state: 'hidden' });
      expect(await secretOnPage(page, secret)).toBe(false);

      const row = el.locator('#tokens-body > tr', { hasText: name });
      await row.waitFor();
      expect(await row.locator('[data-col="scope"]').textContent()).toBe('Website');
      await row.getByRole('button', { name: `Actions for ${name}` }).click();
      await row.getByRole('menuitem', { name: 'Delete' }).click();
      await el.locator('#confirm-button').click();
      await poll(() => row.count()).toBe(0);
      const ping = await fetch(`${origin}/settings/tokens`);
      expect(ping.status).toBe(200);
      expect(host.csrfSeen.slice(-2)).toEqual([csrf, csrf]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
