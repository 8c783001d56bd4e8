// The Tokens page in headless Debian Chromium, driven by playwright-core: every behaviour of the
// product page, end to end, against the real app on SQLite. The page is the @keyward/ui element;
// playwright's CSS selectors reach into its shadow root.
import { serve, type ServerType } from '@hono/node-server';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDashboard } from '../src/app.js';

// Under a loaded CI machine a page may take a while to answer: wait up to 10 s, not vitest's 1 s.
const poll: typeof expect.poll = (fn, options) => expect.poll(fn, { timeout: 10_000, interval: 100, ...(typeof options === 'number' ? { timeout: options } : options) });

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
// Screenshots land in the repo only when asked (UPDATE_SCREENSHOTS=1); otherwise in the temp dir.
const dir = mkdtempSync(join(tmpdir(), 'keyward-dashboard-'));
const screenshotDir = process.env.UPDATE_SCREENSHOTS ? fileURLToPath(new URL('../screenshots/', import.meta.url)) : dir;

let dashboard: ReturnType<typeof createDashboard>;
let server: ServerType;
let origin: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  dashboard = createDashboard({ file: join(dir, 'dashboard.db'), lastUsedIntervalMs: 500 });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: dashboard.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1200, height: 820 } });
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await dashboard?.close();
  rmSync(dir, { recursive: true, force: true });
});

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function ready(state = 'ready') {
  await page.waitForSelector(`keyward-tokens[data-state="${state}"]`);
}

async function open(userId = 'user_olivia') {
  await page.goto(`${origin}/switch-user?as=${userId}`);
  await ready(userId === 'user_maya' ? 'forbidden' : 'ready');
}

/** Whether `needle` is in any DOM tree of the page (shadow roots included), any form value, or web storage. */
function pageHolds(needle: string): Promise<boolean> {
  return page.evaluate((needle) => {
    const seen: string[] = [document.documentElement.outerHTML];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) (seen.push(el.shadowRoot.innerHTML), walk(el.shadowRoot));
        if (typeof (el as HTMLInputElement).value === 'string') seen.push((el as HTMLInputElement).value);
      }
    };
    walk(document);
    for (const storage of [localStorage, sessionStorage]) for (let i = 0; i < storage.length; i++) seen.push(storage.key(i)!, storage.getItem(storage.key(i)!)!);
    return seen.some((text) => text.includes(needle));
  }, needle);
}

async function axeViolations(): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const { violations } = await (window as unknown as { axe: { run(d: Document): Promise<{ violations: { id: string }[] }> } }).axe.run(document);
    return violations.map((v) => v.id);
  });
}

async function createToken(name: string, scope: string, expiresIn = '30d', permissions = ['builds:read']): Promise<string> {
  await page.fill('#token-name', name);
  await page.selectOption('#token-scope', scope);
  await page.selectOption('#token-expiry', expiresIn);
  for (const permission of permissions) await page.check(`#permissions-list input[value="${permission}"]`);
  await page.click('#create-button');
  await page.waitForSelector('#reveal-dialog[open]');
  const plaintext = (await page.textContent('#reveal-secret'))!;
  await page.click('#reveal-done');
  await page.waitForSelector('#reveal-dialog', { state: 'hidden' });
  await row(name).waitFor();
  return plaintext;
}

function call(path: string, token: string, method = 'GET') {
  return fetch(origin + path, { method, headers: { authorization: `Bearer ${token}` } });
}

const row = (name: string) => page.locator('keyward-tokens #tokens-body > tr', { hasText: name });

async function rowAction(name: string, action: string) {
  await row(name).getByRole('button', { name: `Actions for ${name}` }).click();
  await row(name).getByRole('menuitem', { name: action }).click();
}

/** Rolls `name`'s secret with the given grace through the dialogs; returns the new secret, revealed once. */
async function roll(name: string, grace: string, screenshots = false): Promise<string> {
  await rowAction(name, 'Roll secret');
  await page.waitForSelector('#roll-dialog[open]');
  await page.selectOption('#roll-grace', grace);
  if (screenshots) {
    await page.screenshot({ path: join(screenshotDir, 'roll-dialog.png') });
    expect(await axeViolations()).toEqual([]);
  }
  await page.click('#roll-button');
  await page.waitForSelector('#reveal-dialog[open]');
  const plaintext = (await page.textContent('#reveal-secret'))!;
  if (screenshots) {
    await page.screenshot({ path: join(screenshotDir, 'roll-reveal.png') });
    expect(await axeViolations()).toEqual([]);
  }
  await page.click('#reveal-done');
  await page.waitForSelector('#reveal-dialog', { state: 'hidden' });
  return plaintext;
}

describe('Tokens settings page in Chromium', () => {
  let catalogToken = '';

  test('create → revealed once with a warning → reload → not shown again', async () => {
    await open();
    await page.waitForSelector('#permissions-field:not([hidden])');
    await page.screenshot({ path: join(screenshotDir, 'empty-create-form.png') });
    await page.fill('#token-name', 'Catalog sync');
    await page.selectOption('#token-scope', 'proj_catalog');
    await page.check('#permissions-list input[value="builds:read"]');
    await page.click('#create-button');
    await page.waitForSelector('#reveal-dialog[open]');
    catalogToken = (await page.textContent('#reveal-secret'))!;
    expect(catalogToken).toMatch(/^kw_[0-9A-Za-z]{36}$/);
    expect(await page.textContent('#reveal-warning')).toContain('only time it is shown');
    await page.screenshot({ path: join(screenshotDir, 'reveal-once.png') });
    expect(await axeViolations()).toEqual([]);
    await page.click('#reveal-done');
    await page.waitForSelector('#reveal-dialog', { state: 'hidden' });
    expect(await pageHolds(catalogToken)).toBe(false);
    await page.reload();
    await ready();
    expect(await pageHolds(catalogToken)).toBe(false);
    expect(await row('Catalog sync').textContent()).toContain('Catalog');
    expect(await row('Catalog sync').textContent()).toContain(catalogToken.slice(0, 7));
  });

  test('a duplicate name (any case) is refused next to the name field', async () => {
    await page.fill('#token-name', 'CATALOG SYNC');
    await page.check('#permissions-list input[value="builds:read"]');
    await page.click('#create-button');
    await page.waitForSelector('#name-error:not(:empty)');
    expect(await page.textContent('#name-error')).toContain('already exists');
    expect(await page.locator('#reveal-dialog[open]').count()).toBe(0);
  });

  test('the token calls the API: 200 on its project, 403 on another project and on org routes', async () => {
    expect((await call('/api/projects/proj_catalog/status', catalogToken)).status).toBe(200);
    const other = await call('/api/projects/proj_royalties/status', catalogToken);
    expect(other.status).toBe(403);
    expect(other.headers.get('www-authenticate')).toContain('insufficient_scope');
    expect((await call('/api/organization', catalogToken)).status).toBe(403);
  });

  test('"Last active" changes after a call', async () => {
    const before = await row('Catalog sync').locator('[data-col="last-active"]').textContent();
    expect(before).toBe('Never');
    await poll(async () => {
      await call('/api/projects/proj_catalog/status', catalogToken);
      await page.reload();
      await ready();
      return row('Catalog sync').locator('[data-col="last-active"]').textContent();
    }, { timeout: 15_000, interval: 700 }).toBe('just now');
  });

  test('the previewed expiry date is the one stored', async () => {
    await page.selectOption('#token-expiry', '7d');
    const preview = page.locator('#expiry-preview');
    // Wait for the 7-day preview (the form starts on 30 days).
    const sevenDays = 7 * 86_400_000;
    await poll(async () => Math.abs(Number(await preview.getAttribute('data-expires-at')) - Date.now() - sevenDays) < 60_000).toBe(true);
    expect(await preview.textContent()).toMatch(/^Expires on/);
    const previewMs = Number(await preview.getAttribute('data-expires-at'));
    const previewDay = await page.evaluate((ms) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(ms), previewMs);
    expect(await preview.textContent()).toContain(previewDay);
    await createToken('Weekly export', '', '7d');
    const stored = Number(await row('Weekly export').locator('[data-col="expires"]').getAttribute('data-expires-at'));
    expect(await row('Weekly export').locator('[data-col="expires"]').textContent()).toBe(previewDay);
    // Both come from previewExpiration(); they differ only by the time between preview and click.
    expect(stored).toBeGreaterThanOrEqual(previewMs);
    expect(stored - previewMs).toBeLessThan(10_000);
    await page.selectOption('#token-expiry', 'never');
    await poll(() => page.textContent('#expiry-preview')).toContain('never expire');
  });

  let deploySecret = '';

  test('permissions: the catalog in the form, at least one required, shown per row; deploying needs deploys:write (403 insufficient_scope)', async () => {
    expect(await page.locator('#permissions-list input').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value))).toEqual(['builds:read', 'builds:write', 'deploys:write']);
    await page.fill('#token-name', 'No permissions');
    await page.click('#create-button');
    await page.waitForSelector('#permissions-error:not(:empty)');
    expect(await page.getAttribute('#permissions-field', 'aria-invalid')).toBe('true');
    expect(await page.locator('#reveal-dialog[open]').count()).toBe(0);
    expect(await axeViolations()).toEqual([]);

    // Catalog sync may read builds only: the deploy route refuses it, naming what is missing.
    expect(await row('Catalog sync').locator('[data-col="permissions"]').textContent()).toBe('builds:read');
    const refused = await call('/api/projects/proj_catalog/deploys', catalogToken, 'POST');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(refused.headers.get('www-authenticate')).toContain('scope="deploys:write"');
    expect(((await refused.json()) as { code: string }).code).toBe('MISSING_PERMISSIONS');

    const releaser = (deploySecret = await createToken('Release bot', 'proj_catalog', '30d', ['builds:read', 'builds:write', 'deploys:write']));
    expect(await row('Release bot').locator('[data-col="permissions"] summary').textContent()).toBe('3 permissions');
    const deployed = await call('/api/projects/proj_catalog/deploys', releaser, 'POST');
    expect(deployed.status).toBe(202);
    expect(await deployed.json()).toEqual({ project: 'Catalog', deploy: 'queued', token: 'Release bot' });
    // Permissions narrow the scope, never widen it: another project is still refused.
    expect((await call('/api/projects/proj_royalties/deploys', releaser, 'POST')).status).toBe(403);
    // "Weekly export" expires within 7 days.
    expect(await row('Weekly export').locator('[data-col="status"]').textContent()).toBe('Expires soon');
  });

  test('rename from the row menu; a name taken (any case) is refused at the field', async () => {
    await rowAction('Release bot', 'Rename');
    await page.waitForSelector('#rename-dialog[open]');
    await page.fill('#rename-name', 'weekly EXPORT');
    await page.click('#rename-button');
    await page.waitForSelector('#rename-error:not(:empty)');
    expect(await page.textContent('#rename-error')).toContain('already exists');
    expect(await page.getAttribute('#rename-name', 'aria-invalid')).toBe('true');
    await page.screenshot({ path: join(screenshotDir, 'rename-taken.png') });
    expect(await axeViolations()).toEqual([]);
    await page.fill('#rename-name', 'Deploy bot');
    await page.click('#rename-button');
    await page.waitForSelector('#rename-dialog', { state: 'hidden' });
    await row('Deploy bot').waitFor();
    expect(await row('Release bot').count()).toBe(0);
    await page.reload();
    await ready();
    expect(await row('Deploy bot').count()).toBe(1);
  });

  test('roll with a 24-hour grace: the new secret is shown once, the old one still works, the row says until when', async () => {
    // Renamed, not rolled: the secret from creation still works.
    expect((await call('/api/projects/proj_catalog/deploys', deploySecret, 'POST')).status).toBe(202);
    const id = await row('Deploy bot').getAttribute('data-id');
    const rolled = await roll('Deploy bot', '24h', true);
    expect(rolled).not.toBe(deploySecret);
    expect(await pageHolds(rolled)).toBe(false);
    // Same token (id, scope, permissions), new secret.
    expect(await row('Deploy bot').getAttribute('data-id')).toBe(id);
    expect(await row('Deploy bot').textContent()).toContain(`${rolled.slice(0, 7)}…`);
    const previous = row('Deploy bot').locator('[part="previous-secret"]');
    expect(await previous.textContent()).toMatch(new RegExp(`^Previous secret ${deploySecret.slice(0, 7)}… valid until `));
    const until = Number(await previous.getAttribute('data-expires-at'));
    expect(Math.abs(until - Date.now() - 86_400_000)).toBeLessThan(60_000);
    for (const secret of [deploySecret, rolled]) expect((await call('/api/projects/proj_catalog/deploys', secret, 'POST')).status).toBe(202);
    await page.reload();
    await ready();
    expect(await pageHolds(rolled)).toBe(false);
    expect(await row('Deploy bot').locator('[part="previous-secret"]').count()).toBe(1);
    await page.screenshot({ path: join(screenshotDir, 'rolled-row.png'), fullPage: true });
    expect(await axeViolations()).toEqual([]);
    deploySecret = rolled;
  });

  test('roll immediately: the old secret is refused at once', async () => {
    const rolled = await roll('Deploy bot', 'now');
    const old = await call('/api/projects/proj_catalog/deploys', deploySecret, 'POST');
    expect(old.status).toBe(401);
    expect(old.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await call('/api/projects/proj_catalog/deploys', rolled, 'POST')).status).toBe(202);
    // Rolling "now" also ends the grace of the roll before: no previous secret is listed.
    expect(await row('Deploy bot').locator('[part="previous-secret"]').count()).toBe(0);
  });

  test('delete from the row menu with confirmation → the next call answers 401', async () => {
    expect((await call('/api/projects/proj_catalog/status', catalogToken)).status).toBe(200);
    await row('Catalog sync').getByRole('button', { name: 'Actions for Catalog sync' }).click();
    await row('Catalog sync').getByRole('menuitem', { name: 'Delete' }).click();
    await page.waitForSelector('#confirm-dialog[open]');
    await page.screenshot({ path: join(screenshotDir, 'confirm-delete.png') });
    expect(await axeViolations()).toEqual([]);
    await page.click('#confirm-button');
    await poll(() => row('Catalog sync').count()).toBe(0);
    const after = await call('/api/projects/proj_catalog/status', catalogToken);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('invalid_token');
  });

  test('bulk delete of three selected tokens', async () => {
    const tokens = [
      await createToken('Bulk one', ''),
      await createToken('Bulk two', 'proj_royalties', '1d'),
      await createToken('Bulk three', 'proj_distribution', 'never'),
    ];
    expect((await call('/api/organization', tokens[0]!)).status).toBe(200);
    expect((await call('/api/projects/proj_royalties/status', tokens[1]!)).status).toBe(200);
    expect((await call('/api/projects/proj_distribution/status', tokens[2]!)).status).toBe(200);
    await page.screenshot({ path: join(screenshotDir, 'tokens-table.png'), fullPage: true });
    expect(await axeViolations()).toEqual([]);
    for (const name of ['Bulk one', 'Bulk two', 'Bulk three']) await row(name).locator('input[type=checkbox]').check();
    await page.getByRole('button', { name: 'Actions for selected tokens' }).click();
    const deleteSelected = page.getByRole('menuitem', { name: 'Delete selected (3)' });
    await deleteSelected.click();
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.textContent('#confirm-heading')).toBe('Delete 3 tokens?');
    await page.click('#confirm-button');
    await poll(() => page.locator('keyward-tokens #tokens-body > tr', { hasText: 'Bulk' }).count()).toBe(0);
    expect(await row('Weekly export').count()).toBe(1);
    expect((await call('/api/organization', tokens[0]!)).status).toBe(401);
    expect((await call('/api/projects/proj_royalties/status', tokens[1]!)).status).toBe(401);
    expect((await call('/api/projects/proj_distribution/status', tokens[2]!)).status).toBe(401);
  });

  test('every width from 320 px, light and dark: no sideways scroll, the sidebar collapses on a phone, the element takes the width, targets big enough, axe clean', { timeout: 120_000 }, async () => {
    // A 100-character unbroken name and a right-to-left one among the rows.
    for (const name of ['n'.repeat(100), 'بناء 2 CI']) {
      const created = await fetch(`${origin}/settings/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: 'dashboard_user=user_olivia' }, body: JSON.stringify({ name, scope: { kind: 'organization' }, expiresIn: '30d', permissions: ['builds:read'] }) });
      expect(created.status).toBe(201);
    }
    await page.reload();
    await ready();
    await row('n'.repeat(100)).waitFor();
    const cdp = await page.context().newCDPSession(page);
    try {
      for (const { width, height, touch } of [{ width: 320, height: 640, touch: true }, { width: 390, height: 844, touch: true }, { width: 768, height: 1024, touch: true }, { width: 1280, height: 800, touch: false }]) {
        await page.setViewportSize({ width, height });
        await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: touch, maxTouchPoints: 5 });
        for (const scheme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: scheme });
          const cell = `${width} ${scheme}`;
          const m = await page.evaluate((min) => {
            const sidebar = document.querySelector('.sidebar')!.getBoundingClientRect();
            const main = document.querySelector('main')!.getBoundingClientRect();
            const element = document.querySelector('keyward-tokens')!.getBoundingClientRect();
            const small: string[] = [];
            const controls = [...document.querySelectorAll<HTMLElement>('a, select, button'), ...document.querySelector('keyward-tokens')!.shadowRoot!.querySelectorAll<HTMLElement>('button, input, select, summary')];
            for (const el of controls) {
              if (!el.checkVisibility({ visibilityProperty: true }) || el.closest('[hidden]')) continue;
              const box = ((el.matches('input[type=checkbox]') && el.closest('label')) || el).getBoundingClientRect();
              if (box.width < min - 0.5 || box.height < min - 0.5) small.push(`${el.tagName} ${el.textContent?.trim().slice(0, 20) ?? ''} ${Math.round(box.width)}×${Math.round(box.height)}`);
            }
            return { scrollWidth: document.documentElement.scrollWidth, innerWidth, sidebarAbove: sidebar.bottom <= main.top, element: element.width, small };
          }, touch ? 44 : 24);
          expect(m.innerWidth, cell).toBe(width);
          expect(m.scrollWidth, `${cell}: sideways scroll`).toBeLessThanOrEqual(width);
          // On a phone the sidebar is a row above the page, and the element gets the whole width.
          expect(m.sidebarAbove, `${cell}: sidebar collapsed`).toBe(width <= 720);
          expect(m.element, `${cell}: element width`).toBeGreaterThanOrEqual(width <= 720 ? width - 32 : 480);
          expect(m.small, `${cell}: tap targets`).toEqual([]);
          expect(await axeViolations(), `${cell}: axe`).toEqual([]);
          if (width === 390) await page.screenshot({ path: join(screenshotDir, `phone-${scheme}.png`) });
        }
      }
    } finally {
      await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false, maxTouchPoints: 5 });
      await page.emulateMedia({ colorScheme: 'light' });
      await page.setViewportSize({ width: 1200, height: 820 });
    }
  });

  test('an admin manages tokens too; a member sees that they have no access', async () => {
    await open('user_adam');
    expect(await row('Weekly export').count()).toBe(1);
    await open('user_maya');
    expect(await page.textContent('#notice-heading')).toBe("You don't have access to API tokens");
    expect(await page.locator('#create-section').isHidden()).toBe(true);
    expect(await page.locator('#tokens-table').isHidden()).toBe(true);
    expect(await page.locator('keyward-tokens #tokens-body > tr').count()).toBe(0);
    expect(await pageHolds('Weekly export')).toBe(false);
    await page.screenshot({ path: join(screenshotDir, 'member-no-access.png') });
    expect(await axeViolations()).toEqual([]);
    const listed = await page.evaluate(async () => (await fetch('/settings/tokens')).status);
    expect(listed).toBe(403);
  });
});
