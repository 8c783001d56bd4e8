// The Tokens page in headless Debian Chromium, driven by playwright-core: every behaviour of the
// product page, end to end, against the real app on SQLite.
import { serve, type ServerType } from '@hono/node-server';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDashboard } from '../src/app.js';

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

async function open(userId = 'user_olivia') {
  await page.goto(`${origin}/switch-user?as=${userId}`);
  if (userId !== 'user_maya') await page.waitForSelector('body[data-ready="true"]');
}

async function createToken(name: string, scope: string, expiresIn = '30d'): Promise<string> {
  await page.fill('#token-name', name);
  await page.selectOption('#token-scope', scope);
  await page.selectOption('#token-expiry', expiresIn);
  await page.click('#create-button');
  await page.waitForSelector('#reveal-dialog[open]');
  const plaintext = (await page.textContent('#reveal-token'))!;
  await page.click('#reveal-close');
  await page.waitForSelector('#reveal-dialog', { state: 'hidden' });
  await row(name).waitFor();
  return plaintext;
}

function call(path: string, token: string) {
  return fetch(origin + path, { headers: { authorization: `Bearer ${token}` } });
}

const row = (name: string) => page.locator('tr[data-testid="token-row"]', { hasText: name });

describe('Tokens settings page in Chromium', () => {
  let catalogToken = '';

  test('create → revealed once with a warning and a curl line → reload → not shown again', async () => {
    await open();
    await page.screenshot({ path: join(screenshotDir, 'empty-create-form.png') });
    await page.fill('#token-name', 'Catalog sync');
    await page.selectOption('#token-scope', 'proj_catalog');
    await page.click('#create-button');
    await page.waitForSelector('#reveal-dialog[open]');
    catalogToken = (await page.textContent('#reveal-token'))!;
    expect(catalogToken).toMatch(/^kw_[0-9A-Za-z]{36}$/);
    expect(await page.textContent('#reveal-dialog .warning')).toContain('only time it will be shown');
    expect(await page.textContent('#reveal-curl')).toContain(`Bearer ${catalogToken}`);
    expect(await page.textContent('#reveal-curl')).toContain('/api/projects/proj_catalog/status');
    await page.screenshot({ path: join(screenshotDir, 'reveal-once.png') });
    await page.click('#reveal-close');
    await page.waitForSelector('#reveal-dialog', { state: 'hidden' });
    expect(await page.content()).not.toContain(catalogToken);
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    const html = await page.content();
    expect(html).not.toContain(catalogToken);
    expect(await row('Catalog sync').textContent()).toContain('Catalog');
    expect(await row('Catalog sync').textContent()).toContain(catalogToken.slice(0, 7));
  });

  test('a duplicate name (any case) is refused next to the name field', async () => {
    await page.fill('#token-name', 'CATALOG SYNC');
    await page.click('#create-button');
    await page.waitForSelector('[data-error-for="name"]:not(:empty)');
    expect(await page.textContent('[data-error-for="name"]')).toContain('already exists');
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
    const before = await row('Catalog sync').locator('[data-testid="last-active"]').textContent();
    expect(before).toBe('Never');
    await expect.poll(async () => {
      await call('/api/projects/proj_catalog/status', catalogToken);
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      return row('Catalog sync').locator('[data-testid="last-active"]').textContent();
    }, { timeout: 15_000, interval: 700 }).toBe('just now');
  });

  test('the previewed expiry date is the one stored', async () => {
    await page.selectOption('#token-expiry', '7d');
    const preview = page.locator('#expiry-preview');
    // Wait for the 7-day preview (the form starts on 30 days).
    const sevenDays = 7 * 86_400_000;
    await expect.poll(async () => Math.abs(Number(await preview.getAttribute('data-expires-at')) - Date.now() - sevenDays) < 60_000).toBe(true);
    expect(await preview.textContent()).toMatch(/^Expires on/);
    const previewDay = await preview.getAttribute('data-day');
    const previewMs = Number(await preview.getAttribute('data-expires-at'));
    await createToken('Weekly export', 'organization', '7d');
    const stored = Number(await row('Weekly export').locator('[data-testid="expires"]').getAttribute('data-expires-at'));
    expect(await row('Weekly export').locator('[data-testid="expires"]').textContent()).toContain(previewDay!);
    // Both come from previewExpiration(); they differ only by the time between preview and click.
    expect(stored).toBeGreaterThanOrEqual(previewMs);
    expect(stored - previewMs).toBeLessThan(10_000);
    await page.selectOption('#token-expiry', 'never');
    await expect.poll(() => page.textContent('#expiry-preview')).toContain('never expire');
  });

  test('delete from the row menu with confirmation → the next call answers 401', async () => {
    expect((await call('/api/projects/proj_catalog/status', catalogToken)).status).toBe(200);
    await row('Catalog sync').getByRole('button', { name: 'Actions for Catalog sync' }).click();
    await row('Catalog sync').getByRole('button', { name: 'Delete' }).click();
    await page.waitForSelector('#confirm-dialog[open]');
    await page.screenshot({ path: join(screenshotDir, 'confirm-delete.png') });
    await page.click('#confirm-button');
    await expect.poll(() => row('Catalog sync').count()).toBe(0);
    const after = await call('/api/projects/proj_catalog/status', catalogToken);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('invalid_token');
  });

  test('bulk delete of three selected tokens', async () => {
    const tokens = [
      await createToken('Bulk one', 'organization'),
      await createToken('Bulk two', 'proj_royalties', '1d'),
      await createToken('Bulk three', 'proj_distribution', 'never'),
    ];
    expect((await call('/api/organization', tokens[0]!)).status).toBe(200);
    expect((await call('/api/projects/proj_royalties/status', tokens[1]!)).status).toBe(200);
    expect((await call('/api/projects/proj_distribution/status', tokens[2]!)).status).toBe(200);
    await page.screenshot({ path: join(screenshotDir, 'tokens-table.png'), fullPage: true });
    for (const name of ['Bulk one', 'Bulk two', 'Bulk three']) await row(name).locator('input[type=checkbox]').check();
    await page.click('#bulk-menu-button');
    expect(await page.textContent('#delete-selected')).toBe('Delete selected (3)');
    await page.click('#delete-selected');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.textContent('#confirm-title')).toBe('Delete 3 tokens?');
    await page.click('#confirm-button');
    await expect.poll(() => page.locator('tr[data-testid="token-row"]', { hasText: 'Bulk' }).count()).toBe(0);
    expect(await row('Weekly export').count()).toBe(1);
    expect((await call('/api/organization', tokens[0]!)).status).toBe(401);
    expect((await call('/api/projects/proj_royalties/status', tokens[1]!)).status).toBe(401);
    expect((await call('/api/projects/proj_distribution/status', tokens[2]!)).status).toBe(401);
  });

  test('an admin manages tokens too; a member sees that they have no access', async () => {
    await open('user_adam');
    expect(await row('Weekly export').count()).toBe(1);
    await open('user_maya');
    await page.waitForSelector('[data-testid="no-access"]');
    expect(await page.locator('#create-form').count()).toBe(0);
    expect(await page.locator('#tokens-table').count()).toBe(0);
    await page.screenshot({ path: join(screenshotDir, 'member-no-access.png') });
    const listed = await page.evaluate(async () => (await fetch('/settings/tokens')).status);
    expect(listed).toBe(403);
  });
});
