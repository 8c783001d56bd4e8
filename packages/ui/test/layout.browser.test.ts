// <keyward-tokens> on every screen, theme and direction, in Chromium: each state of the page at
// 320, 390, 768 and 1 280 px wide × light and dark × left-to-right (German) and right-to-left
// (Arabic), with 100-character unbroken names, a right-to-left name and long words. In every cell
// of that matrix: no horizontal page scroll, axe-core finds nothing, every control is big enough
// to tap (24 px, 44 px on a touch screen), an open dialog fits the viewport and each of its
// buttons can be reached. One browser, one page per direction; each state is set up once and
// looked at in the 8 cells of its direction by resizing, switching touch and theme in place.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, CDPSession, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, launchChromium, ready } from './browser-support.js';
import { startUiServer, type UiServer } from './server.js';

const poll: typeof expect.poll = (fn, options) => expect.poll(fn, { timeout: 10_000, interval: 100, ...(typeof options === 'number' ? { timeout: options } : options) });

const tmp = mkdtempSync(join(tmpdir(), 'keyward-ui-layout-'));
const shots = process.env.UPDATE_SCREENSHOTS ? fileURLToPath(new URL('../screenshots/', import.meta.url)) : tmp;

/** Viewports: phones and a tablet are touch screens (coarse pointer), the desktop has a mouse. */
const VIEWPORTS = [
  { width: 320, height: 568, touch: true },
  { width: 390, height: 844, touch: true },
  { width: 768, height: 1024, touch: true },
  { width: 1280, height: 800, touch: false },
] as const;
const THEMES = ['light', 'dark'] as const;
const LONG_NAME = 'x'.repeat(100);
const RTL_NAME = 'بناء 2 CI';
const LONG_WORD = 'Lieferantenstammdatensynchronisierungsschnittstelle';

/** Screenshots kept in the package: a few cells that show the themes and directions (the list scrolled into view). */
const KEPT: Record<string, string> = {
  'ready 390 dark rtl': 'layout-phone-dark-rtl.png',
  'ready 1280 dark ltr': 'layout-desktop-dark-de.png',
  'reveal 320 light rtl': 'layout-reveal-phone-rtl.png',
  'ready 1280 light rtl': 'layout-desktop-rtl.png',
  'rowMenu 390 dark ltr': 'layout-menu-phone-dark.png',
};

let server: UiServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;

interface Measure {
  scrollWidth: number;
  innerWidth: number;
  /** Controls smaller than the least target size, with their size. */
  small: string[];
  /** An open dialog's box, and its buttons that cannot be brought into view and tapped. */
  dialog: { left: number; right: number; top: number; bottom: number; unreachable: string[] } | null;
  /** Boxes inside the element wider than the element. */
  wider: string[];
}

/** Everything checked in one cell, measured inside the page. */
function measure(min: number): Promise<Measure> {
  return page.evaluate((min) => {
    const host = document.querySelector('keyward-tokens')!;
    const root = host.shadowRoot!;
    const hostBox = host.getBoundingClientRect();
    const describe = (el: Element) => `${el.tagName.toLowerCase()}#${el.id || (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}`;
    const small: string[] = [];
    const open = root.querySelector('dialog[open]');
    const scope = open ?? root;
    for (const el of scope.querySelectorAll<HTMLElement>('button, input, select, summary, a[href], [tabindex]:not([tabindex="-1"])')) {
      if (!el.checkVisibility({ visibilityProperty: true }) || el.closest('[hidden]')) continue;
      // A checkbox is tapped through its label, which is what the user's finger hits.
      const target = (el.matches('input[type=checkbox]') && el.closest('label')) || el;
      const box = target.getBoundingClientRect();
      if (box.width < min - 0.5 || box.height < min - 0.5) small.push(`${describe(el)} ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
    const wider: string[] = [];
    if (!open) {
      for (const el of root.querySelectorAll<HTMLElement>('section, table, tr, form, .fields, .table-head')) {
        if (!el.checkVisibility()) continue;
        const box = el.getBoundingClientRect();
        if (box.left < hostBox.left - 0.5 || box.right > hostBox.right + 0.5 || el.scrollWidth > el.clientWidth + 1) wider.push(`${describe(el)} ${Math.round(box.width)} in ${Math.round(hostBox.width)}`);
      }
    }
    let dialog: Measure['dialog'] = null;
    if (open) {
      const box = open.getBoundingClientRect();
      const unreachable: string[] = [];
      for (const button of open.querySelectorAll<HTMLElement>('button')) {
        button.scrollIntoView({ block: 'nearest' });
        const b = button.getBoundingClientRect();
        const hit = root.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
        if (!(hit && (hit === button || button.contains(hit))) || b.bottom > innerHeight || b.top < 0 || b.left < 0 || b.right > innerWidth) unreachable.push(describe(button));
      }
      open.scrollTop = 0;
      dialog = { left: box.left, right: box.right, top: box.top, bottom: box.bottom, unreachable };
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth, small, dialog, wider };
  }, min);
}

/** Looks at the page as it is in every viewport × theme, and keeps the screenshots asked for. */
async function checkEveryCell(state: string, dir: 'ltr' | 'rtl'): Promise<void> {
  const el = page.locator('keyward-tokens');
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: viewport.touch, maxTouchPoints: 5 });
    for (const theme of THEMES) {
      const cell = `${state} ${viewport.width} ${theme} ${dir}`;
      await el.evaluate((node, theme) => node.setAttribute('theme', theme), theme);
      await page.emulateMedia({ colorScheme: theme });
      const m = await measure(viewport.touch ? 44 : 24);
      expect(m.innerWidth, `${cell}: the page was zoomed out`).toBe(viewport.width);
      expect(m.scrollWidth, `${cell}: horizontal page scroll`).toBeLessThanOrEqual(viewport.width);
      expect(m.wider, `${cell}: wider than the element`).toEqual([]);
      expect(m.small, `${cell}: tap targets too small`).toEqual([]);
      if (m.dialog) {
        expect(m.dialog.left, `${cell}: dialog cut off`).toBeGreaterThanOrEqual(0);
        expect(m.dialog.right, `${cell}: dialog cut off`).toBeLessThanOrEqual(viewport.width);
        expect(m.dialog.top, `${cell}: dialog cut off`).toBeGreaterThanOrEqual(0);
        expect(m.dialog.bottom, `${cell}: dialog cut off`).toBeLessThanOrEqual(viewport.height);
        expect(m.dialog.unreachable, `${cell}: buttons that cannot be tapped`).toEqual([]);
      }
      // The DOM is the same in both themes: only what rendering decides can differ, so the second
      // theme's run is limited to those rules (contrast, target size).
      expect(await axeViolations(page, theme === THEMES[0] ? undefined : ['color-contrast', 'target-size']), `${cell}: axe`).toEqual([]);
      if (KEPT[cell]) {
        if (state !== 'reveal') await el.locator('#list-section').evaluate((node) => node.scrollIntoView({ block: 'start' }));
        await page.screenshot({ path: join(shots, KEPT[cell]!) });
      }
    }
  }
}

async function openMatrix(api: string, dir: 'ltr' | 'rtl', waitReady = true): Promise<Locator> {
  await page.goto(`${server.origin}/matrix?api=${api}&lang=${dir === 'rtl' ? 'ar' : 'de'}&dir=${dir}`);
  const el = page.locator('keyward-tokens');
  if (waitReady) await ready(el);
  return el;
}

async function post(path: string, body: unknown): Promise<Response> {
  const response = await fetch(server.origin + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

/** The wide organization's tokens: every kind of row, with names that stress the layout. */
async function seed(): Promise<void> {
  const create = async (name: string, scope: object, expiresIn: string, permissions: string[], extra: object = {}) =>
    (await (await post('/wide/tokens', { name, scope, expiresIn, permissions, ...extra })).json()) as { plaintext: string; token: { id: string } };
  server.travel(-2 * 86_400_000);
  await create('Abgelaufen', { kind: 'organization' }, '1d', ['builds:read']);
  server.travel(0);
  const used = await create('Used', { kind: 'organization' }, '90d', ['builds:read']);
  await fetch(`${server.origin}/catalog-api/ping`, { headers: { authorization: `Bearer ${used.plaintext}` } });
  const rolled = await create('Rolled', { kind: 'project', projectId: 'proj_rtl' }, '60d', ['builds:read']);
  await post(`/wide/tokens/${rolled.token.id}/roll`, { previousSecretExpiresIn: '24h' });
  await create(LONG_WORD, { kind: 'project', projectId: 'proj_long' }, 'never', ['builds:read', 'builds:write']);
  // A paused token with every limit: the Paused badge and the limits column's longest lines.
  const limited = await create(RTL_NAME, { kind: 'project', projectId: 'proj_rtl' }, '7d', ['builds:read', 'builds:write', 'deploys:write'], {
    rateLimit: { limit: 1_000_000, window: 90_000 },
    remaining: 999_999_999,
    refill: { amount: 999_999_999, interval: '30d' },
  });
  await fetch(`${server.origin}/wide/tokens/${limited.token.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enabled: false }) });
  await create(LONG_NAME, { kind: 'organization' }, '30d', ['deploys:write']);
  // A token found leaked and revoked: the Activity view marks it, with the long URL it was found at.
  const leaked = await create(`${LONG_WORD} leaked`, { kind: 'organization' }, '30d', ['builds:read']);
  await server.reportLeak(leaked.plaintext, `https://github.com/acme/${LONG_WORD}/blob/main/${'config/'.repeat(12)}.env`, 'revoke', true);
}

beforeAll(async () => {
  server = await startUiServer();
  browser = await launchChromium();
  context = await browser.newContext({ timezoneId: 'UTC' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  page = await context.newPage();
  cdp = await context.newCDPSession(page);
  await seed();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const row = (el: Locator, name: string) => el.locator('tbody tr[data-id]', { hasText: name });
const menuOf = (el: Locator, name: string) => row(el, name).locator('[aria-haspopup]');

describe.each(['ltr', 'rtl'] as const)('every state at 320, 390, 768, 1280 px × light, dark (%s)', (dir) => {
  test('loading, load error, no access, empty', { timeout: 240_000 }, async () => {
    // Requests to /hang never answer: the loading state stays.
    await page.route('**/hang/tokens**', () => undefined);
    await openMatrix('/hang', dir, false);
    await page.locator('keyward-tokens[data-state="loading"]').waitFor();
    await checkEveryCell('loading', dir);
    await page.route('**/broken/tokens**', (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, code: 'STORE_UNAVAILABLE', detail: 'API tokens cannot be reached right now; retry later.' }) }));
    await openMatrix('/broken', dir);
    expect(await page.locator('keyward-tokens').getAttribute('data-state')).toBe('error');
    await checkEveryCell('error', dir);
    await page.route('**/denied/tokens**', (route) => route.fulfill({ status: 403, contentType: 'application/problem+json', body: JSON.stringify({ status: 403, code: 'FORBIDDEN' }) }));
    await openMatrix('/denied', dir);
    expect(await page.locator('keyward-tokens').getAttribute('data-state')).toBe('forbidden');
    await checkEveryCell('forbidden', dir);
    const el = await openMatrix('/empty-org', dir);
    await el.locator('#permissions-field:not([hidden])').waitFor();
    await poll(() => el.locator('#expiry-preview').textContent()).not.toBe('');
    await checkEveryCell('empty', dir);
  });

  test('the list with long, unbroken and right-to-left names; its menus; a field error', { timeout: 240_000 }, async () => {
    const el = await openMatrix('/wide', dir);
    await row(el, LONG_NAME).waitFor();
    await row(el, RTL_NAME).locator('summary').first().click();
    // The usage of a used token, its day-by-day table open; the Activity view with a leaked token.
    // A row asks for its numbers when it comes into view.
    await row(el, 'Used').scrollIntoViewIfNeeded();
    await row(el, 'Used').locator('[data-col=usage] summary').click();
    await row(el, 'Used').locator('table.usage-table').waitFor();
    await el.locator('#activity-body tr[data-leaked=revoked]').waitFor();
    await checkEveryCell('ready', dir);
    // And on a wide desktop: still no sideways scroll, nothing wider than the element.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false, maxTouchPoints: 5 });
    const wide = await measure(24);
    expect([wide.scrollWidth, wide.wider, wide.small]).toEqual([1920, [], []]);
    // The whole name is there to read, and to a screen reader (the row header holds it).
    expect(await row(el, LONG_NAME).locator('.token-name').textContent()).toBe(LONG_NAME);
    expect(await el.getByRole('rowheader', { name: LONG_NAME }).count()).toBe(1);
    await menuOf(el, LONG_NAME).click();
    await checkEveryCell('rowMenu', dir);
    await page.keyboard.press('Escape');
    await row(el, 'Used').locator('input[type=checkbox]').check();
    await el.locator('.table-head [aria-haspopup]').click();
    await checkEveryCell('bulkMenu', dir);
    await page.keyboard.press('Escape');
    await el.locator('#token-name').fill(LONG_NAME.toUpperCase());
    await el.locator('#permissions-list input').first().check();
    await el.locator('#create-button').click();
    await poll(() => el.locator('#name-error').textContent()).not.toBe('');
    await checkEveryCell('nameTaken', dir);
  });

  test('dialogs: reveal, confirm, rename with an error, roll; a failed delete under its row', { timeout: 240_000 }, async () => {
    const el = await openMatrix('/wide', dir);
    await row(el, LONG_NAME).waitFor();
    await el.locator('#token-name').fill(`${RTL_NAME} ${dir} ${'y'.repeat(80)}`);
    await el.locator('#permissions-list input').first().check();
    await el.locator('#create-button').click();
    await el.locator('#reveal-dialog[open]').waitFor();
    await checkEveryCell('reveal', dir);
    await el.locator('#reveal-done').click();
    await el.locator('#reveal-dialog').waitFor({ state: 'hidden' });

    await menuOf(el, LONG_NAME).click();
    await row(el, LONG_NAME).getByRole('menuitem').last().click();
    await el.locator('#confirm-dialog[open]').waitFor();
    await checkEveryCell('confirm', dir);
    await page.keyboard.press('Escape');

    await menuOf(el, LONG_NAME).click();
    await row(el, LONG_NAME).getByRole('menuitem').first().click();
    await el.locator('#rename-dialog[open]').waitFor();
    await el.locator('#rename-name').fill(LONG_WORD);
    await el.locator('#rename-button').click();
    await poll(() => el.locator('#rename-error').textContent()).not.toBe('');
    await checkEveryCell('renameTaken', dir);
    await page.keyboard.press('Escape');

    await menuOf(el, LONG_NAME).click();
    await row(el, LONG_NAME).getByRole('menuitem').nth(3).click();
    await el.locator('#roll-dialog[open]').waitFor();
    await checkEveryCell('roll', dir);
    await page.keyboard.press('Escape');

    // The paused row with every limit (its name is also part of other rows' texts).
    const limited = el.locator('tbody tr[data-status=paused]');
    await limited.locator('[aria-haspopup]').click();
    await limited.getByRole('menuitem').nth(2).click();
    await el.locator('#limits-dialog[open]').waitFor();
    await checkEveryCell('limits', dir);
    await page.keyboard.press('Escape');

    await page.route('**/wide/tokens/*', (route) =>
      route.request().method() === 'DELETE' ? route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, code: 'STORE_UNAVAILABLE', detail: 'API tokens cannot be reached right now; retry later.' }) }) : route.fallback(),
    );
    await menuOf(el, LONG_NAME).click();
    await row(el, LONG_NAME).getByRole('menuitem').last().click();
    await el.locator('#confirm-button').click();
    await el.locator('.row-error').waitFor();
    await checkEveryCell('rowError', dir);
    await page.unroute('**/wide/tokens/*');
  });
});
