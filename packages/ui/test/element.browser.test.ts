// <keyward-tokens> in headless Debian Chromium (playwright-core) against a real Hono server with
// keyward's management API: every state and action, by mouse and by keyboard, with axe-core
// checking each state. Tests run in order and share one organization's tokens.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, focusedId, launchChromium, pageHolds, ready } from './browser-support.js';
import { startUiServer, type UiServer } from './server.js';

// Under a loaded CI machine a page may take a while to answer: wait up to 10 s, not vitest's 1 s.
const poll: typeof expect.poll = (fn, options) => expect.poll(fn, { timeout: 10_000, interval: 100, ...(typeof options === 'number' ? { timeout: options } : options) });

// Screenshots land in the package only when asked (UPDATE_SCREENSHOTS=1); otherwise in a temp dir.
const tmp = mkdtempSync(join(tmpdir(), 'keyward-ui-'));
const shots = process.env.UPDATE_SCREENSHOTS ? fileURLToPath(new URL('../screenshots/', import.meta.url)) : tmp;
const TOKEN_PATTERN = /^kw_[0-9A-Za-z]{36}$/;

let server: UiServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Paths the current page got answers for. */
let answered: string[] = [];

beforeAll(async () => {
  server = await startUiServer();
  browser = await launchChromium();
});

// Every announcement on every page of these tests: its text, and whether a screen reader could
// read it when it was made (no modal dialog open, or the live region inside the open one: the
// rest of the page is inert while a modal is open).
const WATCH_ANNOUNCEMENTS = () => {
  const said: { text: string; readable: boolean }[] = ((window as unknown as { __announcements: unknown[] }).__announcements = []) as never;
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    const last = new WeakMap<Element, string>();
    new MutationObserver(() => {
      for (const region of root.querySelectorAll('[role=status], [role=alert], [aria-live]')) {
        const text = region.textContent?.trim() ?? '';
        if (last.get(region) === text) continue;
        last.set(region, text);
        const open = root.querySelector('dialog[open]');
        if (text) said.push({ text, readable: !open || open.contains(region) });
      }
    }).observe(root, { subtree: true, childList: true, characterData: true });
    return root;
  };
};

afterEach(async () => {
  if (!page || page.isClosed()) return;
  const lost = await page.evaluate(() => ((window as unknown as { __announcements?: { text: string; readable: boolean }[] }).__announcements ?? []).filter((a) => !a.readable).map((a) => a.text));
  expect(lost, 'announcements made outside the open modal dialog').toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function openPage(path: string, user = 'owner_a'): Promise<Locator> {
  await context?.close();
  context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US', timezoneId: 'UTC' });
  await context.addInitScript(WATCH_ANNOUNCEMENTS);
  await context.addCookies([{ name: 'user', value: user, url: server.origin }]);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  page = await context.newPage();
  answered = [];
  page.on('response', (response) => answered.push(new URL(response.url()).pathname));
  await page.goto(server.origin + path);
  const element = page.locator('keyward-tokens').first();
  return element;
}

/**
 * The README's pictures of a state: at the desktop size, and with `phone` (what to scroll to the
 * top) also at 390 × 844 with touch, when the pictures are being refreshed.
 */
async function snap(name: string, { fullPage = false, phone }: { fullPage?: boolean; phone?: Locator } = {}): Promise<void> {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
  if (!phone || !process.env.UPDATE_SCREENSHOTS) return;
  const size = page.viewportSize()!;
  const cdp = await context.newCDPSession(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
  await phone.evaluate((node) => node.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: join(shots, `${name}-phone.png`) });
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false, maxTouchPoints: 5 });
  await page.setViewportSize(size);
  await cdp.detach();
}

async function expectNoAxeViolations(state: string) {
  const violations = await axeViolations(page);
  expect(violations, `axe violations in state "${state}"`).toEqual([]);
}

const rowOf = (el: Locator, name: string) => el.locator('#tokens-body > tr', { hasText: name });

/** Creates a token through the form by mouse; returns the revealed secret after closing the dialog. */
async function createByMouse(el: Locator, name: string, scope = '', expiry = '30d'): Promise<string> {
  await el.locator('#token-name').fill(name);
  await el.locator('#token-scope').selectOption(scope);
  await el.locator('#token-expiry').selectOption(expiry);
  await el.locator('#create-button').click();
  await el.locator('#reveal-dialog[open]').waitFor();
  const secret = (await el.locator('#reveal-secret').textContent())!;
  await el.locator('#reveal-done').click();
  await el.locator('#reveal-dialog').waitFor({ state: 'hidden' });
  await rowOf(el, name).waitFor();
  return secret;
}

const ping = (token: string) => fetch(`${server.origin}/api/ping`, { headers: { authorization: `Bearer ${token}` } });

describe('<keyward-tokens> in Chromium', () => {
  test('loading, then the empty state', async () => {
    const el = await openPage('/slow-page');
    await el.locator('#loading').waitFor();
    expect(await el.getAttribute('data-state')).toBe('loading');
    expect(await el.locator('#loading').textContent()).toBe('Loading tokens…');
    expect(await el.locator("#create-section").isHidden()).toBe(true);
    await page.screenshot({ path: join(shots, 'loading.png') });
    await expectNoAxeViolations('loading');
    server.releaseSlow();
    await ready(el);
    expect(await el.getAttribute('data-state')).toBe('ready');
    expect(await el.locator('#empty').textContent()).toContain('No tokens yet');
    expect(await el.locator('#tokens-table').isHidden()).toBe(true);
    await poll(() => el.locator('#expiry-preview').textContent()).toMatch(/^Expires on /);
    await snap('empty', { phone: el.locator('#create-section') });
    await expectNoAxeViolations('empty');
  });

  let catalogSecret = '';

  test('create → the secret is revealed once, copied, and gone from the page and storage once closed', async () => {
    const el = await openPage('/');
    await ready(el);
    await el.locator('#token-name').fill('Catalog sync');
    await el.locator('#token-scope').selectOption('proj_catalog');
    await el.locator('#create-button').click();
    await el.locator('#reveal-dialog[open]').waitFor();
    catalogSecret = (await el.locator('#reveal-secret').textContent())!;
    expect(catalogSecret).toMatch(TOKEN_PATTERN);
    // Said inside the dialog (and read with it as it opens), not behind it.
    expect(await el.locator('#reveal-status').textContent()).toBe('Token "Catalog sync" created.');
    expect(await el.locator('#reveal-warning').textContent()).toContain('only time it is shown');
    expect(await focusedId(page)).toBe('copy-button');
    await snap('reveal', { phone: el.locator('#reveal-dialog') });
    await expectNoAxeViolations('reveal dialog');
    await el.locator('#copy-button').click();
    await poll(() => el.locator('#copy-button').textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(catalogSecret);
    await el.locator('#reveal-done').click();
    await el.locator('#reveal-dialog').waitFor({ state: 'hidden' });
    // Focus goes back to where it was, and the secret is nowhere on the page or in storage.
    expect(await focusedId(page)).toBe('create-button');
    expect(await pageHolds(page, catalogSecret)).toBe(false);
    expect(await pageHolds(page, catalogSecret.slice(10, 30))).toBe(false);
    const row = rowOf(el, 'Catalog sync');
    await row.waitFor();
    expect(await row.locator('[data-col="scope"]').textContent()).toBe('Catalog');
    expect(await row.locator('[data-col="status"]').textContent()).toBe('Active');
    expect(await row.locator('[data-col="last-active"]').textContent()).toBe('Never');
    expect(await row.textContent()).toContain(`${catalogSecret.slice(0, 7)}…`);
    expect((await ping(catalogSecret)).status).toBe(403); // a project token on an organization-level route
    await page.reload();
    await ready(page.locator('keyward-tokens'));
    expect(await pageHolds(page, catalogSecret)).toBe(false);
  });

  test('the headers hook sends the host CSRF header with every change', () => {
    expect(server.csrfSeen.length).toBeGreaterThan(0);
    expect(server.csrfSeen.every((value) => /^csrf-\d+$/.test(value))).toBe(true);
  });

  test('validation errors name the field: empty name, a name taken in any case', async () => {
    const el = page.locator('keyward-tokens');
    await el.locator('#create-button').click();
    await poll(() => el.locator('#name-error').textContent()).not.toBe('');
    expect(await el.locator('#token-name').getAttribute('aria-invalid')).toBe('true');
    expect(await focusedId(page)).toBe('token-name');
    await el.locator('#token-name').fill('CATALOG SYNC');
    await el.locator('#create-button').click();
    await poll(() => el.locator('#name-error').textContent()).toContain('already');
    expect(await el.locator('#reveal-dialog[open]').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'name-taken.png') });
    await expectNoAxeViolations('validation error');
  });

  test('the live expiry preview is what gets stored, shown in the user\'s locale', async () => {
    const el = page.locator('keyward-tokens');
    await el.locator('#token-expiry').selectOption('7d');
    const preview = el.locator('#expiry-preview');
    const week = 7 * 86_400_000;
    await poll(async () => Math.abs(Number(await preview.getAttribute('data-expires-at')) - Date.now() - week) < 60_000).toBe(true);
    const previewMs = Number(await preview.getAttribute('data-expires-at'));
    const day = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(previewMs);
    expect(await preview.textContent()).toContain(day);
    await createByMouse(el, 'Weekly export', '', '7d');
    const expires = rowOf(el, 'Weekly export').locator('[data-col="expires"]');
    const stored = Number(await expires.getAttribute('data-expires-at'));
    expect(stored).toBeGreaterThanOrEqual(previewMs);
    expect(stored - previewMs).toBeLessThan(30_000);
    expect(await expires.textContent()).toBe(day);
    await el.locator('#token-expiry').selectOption('never');
    await poll(() => preview.textContent()).toBe('This token will never expire.');
    await createByMouse(el, 'Forever', '', 'never');
    expect(await rowOf(el, 'Forever').locator('[data-col="expires"]').textContent()).toBe('Never');
  });

  test('"Last active" shows a use of the token', async () => {
    const el = page.locator('keyward-tokens');
    const secret = await createByMouse(el, 'Used once');
    expect((await ping(secret)).status).toBe(200);
    await expect
      .poll(
        async () => {
          await el.evaluate((node) => (node as HTMLElement & { refresh(): Promise<void> }).refresh());
          return rowOf(el, 'Used once').locator('[data-col="last-active"]').textContent();
        },
        { timeout: 10_000, interval: 300 },
      )
      .toBe('just now');
    await snap('table', { fullPage: true, phone: page.locator('keyward-tokens').locator('#list-section') });
    await expectNoAxeViolations('table');
  });

  test('keyboard only: create, reveal, close, then delete from the row menu with Escape and Cancel along the way', async () => {
    const el = page.locator('keyward-tokens');
    await el.locator('#token-name').focus();
    await page.keyboard.type('Keyboard token');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('token-scope');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('token-expiry');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('summary[Limits (optional)]');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('create-button');
    await page.keyboard.press('Enter');
    await el.locator('#reveal-dialog[open]').waitFor();
    const secret = (await el.locator('#reveal-secret').textContent())!;
    expect(secret).toMatch(TOKEN_PATTERN);
    // The dialog keeps focus inside: Tab cycles among its own controls, both ways.
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('reveal-done');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('copy-button');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedId(page)).toBe('reveal-done');
    await page.keyboard.press('Escape');
    await el.locator('#reveal-dialog').waitFor({ state: 'hidden' });
    expect(await pageHolds(page, secret)).toBe(false);
    expect(await focusedId(page)).toBe('create-button');
    expect((await ping(secret)).status).toBe(200);

    const row = rowOf(el, 'Keyboard token');
    await row.waitFor();
    // Tab from the create button reaches the header menu, select-all, then the first row (newest first).
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('button[Actions for selected tokens]');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('select-all');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('input[Select Keyboard token]');
    // The row's usage disclosure, then its menu.
    await row.locator('[data-col=usage] summary').waitFor();
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('summary[Daily numbers]');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('button[Actions for Keyboard token]');
    const menuButton = row.getByRole('button', { name: 'Actions for Keyboard token' });
    await page.keyboard.press('ArrowDown');
    expect(await menuButton.getAttribute('aria-expanded')).toBe('true');
    expect(await focusedId(page)).toBe('button[Rename]');
    expect(await row.getByRole('menuitem').allTextContents()).toEqual(['Rename', 'Pause', 'Limits', 'Roll secret', 'Delete']);
    await snap('row-menu', { phone: row });
    await expectNoAxeViolations('row menu open');
    await page.keyboard.press('Escape');
    expect(await menuButton.getAttribute('aria-expanded')).toBe('false');
    expect(await focusedId(page)).toBe('button[Actions for Keyboard token]');
    // Enter opens on the first item; End goes to the last, Delete.
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    expect(await focusedId(page)).toBe('button[Delete]');
    await page.keyboard.press('Enter');
    await el.locator('#confirm-dialog[open]').waitFor();
    expect(await el.locator('#confirm-heading').textContent()).toBe('Delete "Keyboard token"?');
    expect(await focusedId(page)).toBe('confirm-cancel');
    await snap('confirm-delete', { phone: el.locator('#confirm-dialog') });
    await expectNoAxeViolations('confirm dialog');
    await page.keyboard.press('Escape');
    await el.locator('#confirm-dialog').waitFor({ state: 'hidden' });
    expect(await focusedId(page)).toBe('button[Actions for Keyboard token]');
    expect((await ping(secret)).status).toBe(200);
    // Space opens the menu too, ↑ from the first item wraps to Delete; Enter, Tab to the Delete button, Enter confirms.
    await page.keyboard.press('Space');
    expect(await focusedId(page)).toBe('button[Rename]');
    await page.keyboard.press('ArrowUp');
    expect(await focusedId(page)).toBe('button[Delete]');
    await page.keyboard.press('Enter');
    await el.locator('#confirm-dialog[open]').waitFor();
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('confirm-button');
    await page.keyboard.press('Enter');
    await poll(() => row.count()).toBe(0);
    // The focus goes to the row now in its place (the next one), not back up to the heading.
    expect(await focusedId(page)).toBe('button[Actions for Used once]');
    await poll(() => el.locator('#announce').textContent()).toBe('Token "Keyboard token" deleted.');
    const after = await ping(secret);
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toContain('invalid_token');
  });

  test('menus: a disabled item does nothing, Tab and a click elsewhere close, one menu open at a time', async () => {
    const el = page.locator('keyward-tokens');
    const bulk = el.getByRole('button', { name: 'Actions for selected tokens' });
    await bulk.focus();
    await page.keyboard.press('ArrowUp');
    expect(await focusedId(page)).toBe('button[Delete selected]');
    expect(await el.getByRole('menuitem', { name: 'Delete selected' }).getAttribute('aria-disabled')).toBe('true');
    // Nothing selected: the item does nothing.
    await page.keyboard.press('Enter');
    expect(await el.locator('#confirm-dialog[open]').count()).toBe(0);
    await page.keyboard.press('Tab');
    expect(await bulk.getAttribute('aria-expanded')).toBe('false');
    await bulk.click();
    expect(await bulk.getAttribute('aria-expanded')).toBe('true');
    await rowOf(el, 'Weekly export').getByRole('button', { name: 'Actions for Weekly export' }).click();
    expect(await bulk.getAttribute('aria-expanded')).toBe('false');
    await page.locator('h1').click();
    expect(await el.locator('[role="menu"]:not([hidden])').count()).toBe(0);
  });

  test('bulk delete of the selected tokens, keyboard only, with the header menu', async () => {
    const el = page.locator('keyward-tokens');
    const secrets = [await createByMouse(el, 'Bulk one'), await createByMouse(el, 'Bulk two', 'proj_royalties', '1d'), await createByMouse(el, 'Bulk three', '', 'never')];
    for (const name of ['Bulk one', 'Bulk two', 'Bulk three']) {
      await rowOf(el, name).getByRole('checkbox').focus();
      await page.keyboard.press('Space');
    }
    expect(await el.locator('#select-all').evaluate((box) => (box as HTMLInputElement).indeterminate)).toBe(true);
    const bulk = el.getByRole('button', { name: 'Actions for selected tokens' });
    await bulk.focus();
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).toBe('button[Delete selected (3)]');
    await page.screenshot({ path: join(shots, 'bulk-menu.png') });
    await expectNoAxeViolations('bulk menu');
    await page.keyboard.press('Enter');
    await el.locator('#confirm-dialog[open]').waitFor();
    expect(await el.locator('#confirm-heading').textContent()).toBe('Delete 3 tokens?');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await poll(() => el.locator('#tokens-body > tr', { hasText: 'Bulk' }).count()).toBe(0);
    await poll(() => el.locator('#announce').textContent()).toBe('3 tokens deleted.');
    expect(await focusedId(page)).toBe('button[Actions for selected tokens]');
    expect(await rowOf(el, 'Weekly export').count()).toBe(1);
    for (const secret of secrets) expect((await ping(secret)).status).toBe(401);
  });

  test('bulk delete after another admin deleted one of the selected tokens: the others are deleted, the gone one is named', async () => {
    const el = page.locator('keyward-tokens');
    const secrets = [await createByMouse(el, 'Race one'), await createByMouse(el, 'Race two'), await createByMouse(el, 'Race three')];
    for (const name of ['Race one', 'Race two', 'Race three']) await rowOf(el, name).getByRole('checkbox').check();
    // Another admin deletes "Race two" while this page still lists it.
    const goneId = await rowOf(el, 'Race two').getAttribute('data-id');
    expect(await page.evaluate(async (id) => (await fetch(`/settings/tokens/${id}`, { method: 'DELETE' })).status, goneId)).toBe(204);
    await el.getByRole('button', { name: 'Actions for selected tokens' }).click();
    await el.getByRole('menuitem', { name: 'Delete selected (3)' }).click();
    await el.locator('#confirm-button').click();
    await poll(() => el.locator('#tokens-body > tr', { hasText: 'Race' }).count()).toBe(0);
    expect(await el.locator('#bulk-error').textContent()).toBe('Already deleted by someone else: "Race two".');
    // Said 50 ms later (a live region must change to be read): polled, like every announcement.
    await poll(() => el.locator('#announce').textContent()).toBe('2 tokens deleted.');
    for (const secret of secrets) expect((await ping(secret)).status).toBe(401);
    await expectNoAxeViolations('bulk delete with one already gone');
  });

  test('select all, then unselect all', async () => {
    const el = page.locator('keyward-tokens');
    await el.locator('#select-all').check();
    const rows = await el.locator('#tokens-body > tr').count();
    expect(await el.locator('#tokens-body input:checked').count()).toBe(rows);
    expect(await el.locator('.table-head [role=menuitem]').textContent()).toBe(`Delete selected (${rows})`);
    await el.locator('#select-all').uncheck();
    expect(await el.locator('#tokens-body input:checked').count()).toBe(0);
  });

  test('an expired token stays listed, marked Expired', async () => {
    const el = page.locator('keyward-tokens');
    await createByMouse(el, 'Short-lived', '', '1d');
    server.travel(2 * 86_400_000);
    try {
      await el.evaluate((node) => (node as HTMLElement & { refresh(): Promise<void> }).refresh());
      await poll(() => rowOf(el, 'Short-lived').getAttribute('data-status')).toBe('expired');
      expect(await rowOf(el, 'Short-lived').locator('[data-col="status"]').textContent()).toBe('Expired');
      await page.screenshot({ path: join(shots, 'expired.png') });
      await expectNoAxeViolations('expired row');
    } finally {
      server.travel(0);
    }
  });

  test('pagination: "Load more" follows nextCursor until every token is listed', async () => {
    const el = await openPage('/paged');
    await ready(el);
    const all = await (await fetch(`${server.origin}/settings/tokens?limit=100`, { headers: { cookie: 'user=owner_a' } })).json();
    const total = (all as { items: unknown[] }).items.length;
    expect(total).toBeGreaterThanOrEqual(4);
    expect(await el.locator('#tokens-body > tr').count()).toBe(2);
    await expectNoAxeViolations('paged');
    for (let clicks = 0; await el.locator('#load-more').isVisible(); clicks++) {
      expect(clicks).toBeLessThan(total);
      await el.locator('#load-more').click();
      await poll(() => el.locator('#load-more').getAttribute('aria-busy')).toBe('false');
    }
    expect(await el.locator('#tokens-body > tr').count()).toBe(total);
    const ids = await el.locator('#tokens-body > tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
    expect(new Set(ids).size).toBe(total);
  });

  test('an error state with a retry', async () => {
    server.setFailing(true);
    const el = await openPage('/flaky-page');
    await ready(el);
    expect(await el.getAttribute('data-state')).toBe('error');
    expect(await el.locator('#load-error-text').textContent()).toContain('cannot be reached');
    expect(await el.locator('#create-section').isHidden()).toBe(true);
    await page.screenshot({ path: join(shots, 'error.png') });
    await expectNoAxeViolations('error');
    server.setFailing(false);
    await el.locator('#retry').click();
    await poll(() => el.getAttribute('data-state')).toBe('ready');
    expect(await rowOf(el, 'Weekly export').count()).toBe(1);
  });

  test("a member's page shows a notice and no tokens", async () => {
    const el = await openPage('/', 'member_a');
    await ready(el);
    expect(await el.getAttribute('data-state')).toBe('forbidden');
    expect(await el.locator('#notice-heading').textContent()).toBe("You don't have access to API tokens");
    expect(await el.locator('#create-section').isHidden()).toBe(true);
    expect(await el.locator('#list-section').isHidden()).toBe(true);
    expect(await el.locator('#tokens-body > tr').count()).toBe(0);
    expect(await pageHolds(page, 'Weekly export')).toBe(false);
    await page.screenshot({ path: join(shots, 'member.png') });
    await expectNoAxeViolations('member');
  });

  test('nobody signed in: a notice to sign in', async () => {
    const el = await openPage('/', 'nobody');
    await ready(el);
    expect(await el.getAttribute('data-state')).toBe('unauthenticated');
    expect(await el.locator('#notice').textContent()).toContain('Sign in');
    await expectNoAxeViolations('unauthenticated');
  });

  test('two elements on one page do not interfere', async () => {
    await openPage('/two');
    const [a, b] = [page.locator('keyward-tokens').nth(0), page.locator('keyward-tokens').nth(1)];
    await ready(a);
    await ready(b);
    expect(await b.locator('#tokens-body > tr').count()).toBe(0);
    // A project's name is isolated (U+2068 … U+2069) in its option: an <option> cannot hold a <bdi>.
    expect(await b.locator('#token-scope option').allTextContents()).toEqual(['Organization: every project', 'Project: \u2068Beta launch\u2069']);
    await createByMouse(b, 'Beta deploy', 'proj_beta');
    expect(await a.locator('#tokens-body > tr', { hasText: 'Beta deploy' }).count()).toBe(0);
    expect(await rowOf(b, 'Beta deploy').count()).toBe(1);
    await rowOf(a, 'Weekly export').getByRole('checkbox').check();
    expect(await b.locator('input:checked').count()).toBe(0);
    await a.locator('#token-name').fill('Only in A');
    expect(await b.locator('#token-name').inputValue()).toBe('');
    await a.getByRole('button', { name: 'Actions for Weekly export' }).click();
    await a.getByRole('menuitem', { name: 'Delete' }).click();
    await a.locator('#confirm-dialog[open]').waitFor();
    expect(await b.locator('#confirm-dialog[open]').count()).toBe(0);
    await a.locator('#confirm-cancel').click();
    await b.getByRole('button', { name: 'Actions for Beta deploy' }).click();
    await b.getByRole('menuitem', { name: 'Delete' }).click();
    await b.locator('#confirm-button').click();
    await poll(() => b.locator('#tokens-body > tr').count()).toBe(0);
    expect(await rowOf(a, 'Weekly export').count()).toBe(1);
    await expectNoAxeViolations('two elements');
  });

  test('projects: the property takes an array, or the attribute\'s JSON (as a framework may pass it)', async () => {
    const el = await openPage('/');
    await ready(el);
    const options = () => el.locator('#token-scope option').allTextContents();
    await el.evaluate((node) => ((node as unknown as { projects: unknown }).projects = [{ id: 'p1', name: 'One' }]));
    expect(await options()).toEqual(['Organization: every project', 'Project: \u2068One\u2069']);
    await el.evaluate((node) => ((node as unknown as { projects: unknown }).projects = '[{"id":"p2","name":"Two"}]'));
    expect(await options()).toEqual(['Organization: every project', 'Project: \u2068Two\u2069']);
  });

  test('the expiry preview is asked again each minute while the page is open', async () => {
    await context?.close();
    context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    await context.addCookies([{ name: 'user', value: 'owner_a', url: server.origin }]);
    page = await context.newPage();
    await page.clock.install();
    const previews: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/tokens/expiration-preview')) previews.push(request.url());
    });
    await page.goto(`${server.origin}/`);
    const el = page.locator('keyward-tokens');
    await ready(el);
    await poll(() => previews.length).toBe(1);
    await page.clock.fastForward(61_000);
    await poll(() => previews.length).toBe(2);
    expect(previews[1]).toContain('expiresIn=30d');
  });

  test('themed: replaced strings, CSS custom properties, ::part, dates in the given locale', async () => {
    const el = await openPage('/themed');
    await ready(el);
    await poll(() => el.locator('#create-heading').textContent()).toBe('Neues Token');
    expect(await el.locator('#create-button').textContent()).toBe('Erstellen');
    expect(await el.locator('label[for="token-name"]').textContent()).toBe('Bezeichnung');
    expect(await el.locator('#tokens-heading').textContent()).toBe('Schlüssel');
    expect(await el.locator('#create-button').evaluate((b) => getComputedStyle(b).backgroundColor)).toBe('rgb(107, 33, 168)');
    const row = rowOf(el, 'Weekly export');
    expect(await row.evaluate((r) => getComputedStyle(r).backgroundColor)).toBe('rgb(250, 250, 250)');
    const created = Number(await row.locator('[data-col="created"] time').evaluate((t) => Date.parse(t.getAttribute('datetime')!)));
    expect(await row.locator('[data-col="created"]').textContent()).toBe(new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium', timeZone: 'UTC' }).format(created));
    await page.screenshot({ path: join(shots, 'themed.png') });
    await expectNoAxeViolations('themed');
  });
});

describe('<keyward-tokens> permissions, rename and roll', () => {
  const catalogPing = (token: string) => fetch(`${server.origin}/catalog-api/ping`, { headers: { authorization: `Bearer ${token}` } });
  const deploy = (token: string) => fetch(`${server.origin}/catalog-api/deploys`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  /** The value of the focused control, looking through shadow roots (the checkboxes have no id). */
  const focusedValue = () =>
    page.evaluate(() => {
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return (active as HTMLInputElement | null)?.value ?? '';
    });

  async function createWithPermissions(el: Locator, name: string, permissions: string[], expiry = '30d'): Promise<string> {
    await el.locator('#token-name').fill(name);
    await el.locator('#token-expiry').selectOption(expiry);
    for (const permission of permissions) await el.locator(`#permissions-list input[value="${permission}"]`).check();
    await el.locator('#create-button').click();
    await el.locator('#reveal-dialog[open]').waitFor();
    const secret = (await el.locator('#reveal-secret').textContent())!;
    await el.locator('#reveal-done').click();
    await el.locator('#reveal-dialog').waitFor({ state: 'hidden' });
    await rowOf(el, name).waitFor();
    return secret;
  }

  async function openRowMenu(el: Locator, name: string, item: string): Promise<void> {
    await rowOf(el, name).getByRole('button', { name: `Actions for ${name}` }).click();
    await rowOf(el, name).getByRole('menuitem', { name: item }).click();
  }

  async function roll(el: Locator, name: string, grace: string): Promise<string> {
    await openRowMenu(el, name, 'Roll secret');
    await el.locator('#roll-dialog[open]').waitFor();
    await el.locator('#roll-grace').selectOption(grace);
    await el.locator('#roll-button').click();
    await el.locator('#reveal-dialog[open]').waitFor();
    return (await el.locator('#reveal-secret').textContent())!;
  }

  async function closeReveal(el: Locator): Promise<void> {
    await el.locator('#reveal-done').click();
    await el.locator('#reveal-dialog').waitFor({ state: 'hidden' });
  }

  test('a host without a catalog: no permission picker, no permissions column', async () => {
    const el = await openPage('/');
    await ready(el);
    // Asked, and answered with an empty catalog.
    await poll(() => answered.includes('/settings/tokens/permissions')).toBe(true);
    expect(await el.locator('#permissions-list input').count()).toBe(0);
    expect(await el.locator('#permissions-field').isHidden()).toBe(true);
    expect(await el.locator('#tokens-table').getAttribute('class')).toContain('no-perms');
    expect(await el.locator('th[data-col="permissions"]').isHidden()).toBe(true);
  });

  let reader = '';
  let everything = '';

  test('create with permissions: the catalog as a checklist, at least one required at the group, chips or "3 permissions" per row', async () => {
    const el = await openPage('/catalog-page');
    await ready(el);
    await el.locator('#permissions-field').waitFor();
    expect(await el.locator('#permissions-field legend').textContent()).toBe('Permissions');
    expect(await el.locator('#permissions-list input').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value))).toEqual(['builds:read', 'builds:write', 'deploys:write']);
    expect(await el.getByRole('checkbox', { name: 'deploys:write Deploy to production' }).count()).toBe(1);
    await expectNoAxeViolations('create form with permissions');
    // None picked: the server's field error lands at the group, which takes the focus.
    await el.locator('#token-name').fill('Deployer');
    await el.locator('#create-button').click();
    await poll(() => el.locator('#permissions-error').textContent()).not.toBe('');
    expect(await el.locator('#permissions-field').getAttribute('aria-invalid')).toBe('true');
    expect(await focusedValue()).toBe('builds:read');
    expect(await el.locator('#reveal-dialog[open]').count()).toBe(0);
    await page.screenshot({ path: join(shots, 'permissions-required.png') });
    await expectNoAxeViolations('permissions required');

    reader = await createWithPermissions(el, 'Deployer', ['builds:read']);
    expect(reader).toMatch(TOKEN_PATTERN);
    // The checklist is cleared with the name, ready for the next token.
    expect(await el.locator('#permissions-list input:checked').count()).toBe(0);
    expect(await el.locator('#permissions-field').getAttribute('aria-invalid')).toBeNull();
    const readerRow = rowOf(el, 'Deployer');
    expect(await readerRow.locator('[data-col="permissions"] .chip').allTextContents()).toEqual(['builds:read']);

    everything = await createWithPermissions(el, 'All access', ['builds:read', 'builds:write', 'deploys:write'], '7d');
    const allRow = rowOf(el, 'All access');
    const summary = allRow.locator('[data-col="permissions"] summary');
    expect(await summary.textContent()).toBe('3 permissions');
    expect(await allRow.locator('[data-col="permissions"] .chip').first().isVisible()).toBe(false);
    await summary.click();
    expect(await allRow.locator('[data-col="permissions"] .chip').allInnerTexts()).toEqual(['builds:read', 'builds:write', 'deploys:write']);
    // A 7-day token is active and expires within a week: "Expires soon".
    expect(await allRow.getAttribute('data-expires-soon')).toBe('');
    expect(await allRow.locator('[data-col="status"]').textContent()).toBe('Expires soon');
    expect(await readerRow.locator('[data-col="status"]').textContent()).toBe('Active');
    await page.screenshot({ path: join(shots, 'permissions.png'), fullPage: true });
    await expectNoAxeViolations('rows with permissions');

    // The route that needs deploys:write: 403 insufficient_scope naming it for the reader, 202 for the other.
    const refused = await deploy(reader);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(refused.headers.get('www-authenticate')).toContain('scope="deploys:write"');
    expect((await deploy(everything)).status).toBe(202);
  });

  test('rename: a taken name (any case) is refused at the field and the dialog stays; a free one renames the row', async () => {
    const el = page.locator('keyward-tokens');
    const id = await rowOf(el, 'Deployer').getAttribute('data-id');
    await openRowMenu(el, 'Deployer', 'Rename');
    await el.locator('#rename-dialog[open]').waitFor();
    expect(await el.locator('#rename-heading').textContent()).toBe('Rename "Deployer"');
    expect(await el.locator('#rename-name').inputValue()).toBe('Deployer');
    expect(await focusedId(page)).toBe('rename-name');
    await expectNoAxeViolations('rename dialog');
    await page.keyboard.type('ALL ACCESS');
    await page.keyboard.press('Enter');
    await poll(() => el.locator('#rename-error').textContent()).toContain('already');
    expect(await el.locator('#rename-name').getAttribute('aria-invalid')).toBe('true');
    expect(await focusedId(page)).toBe('rename-name');
    expect(await el.locator('#rename-dialog[open]').count()).toBe(1);
    await snap('rename-taken', { phone: el.locator('#rename-dialog') });
    await expectNoAxeViolations('rename: name taken');
    // An empty name: the server's 400 for the field, shown the same way.
    await el.locator('#rename-name').fill('   ');
    await el.locator('#rename-button').click();
    // The slot empties at once on submit, then gets the 400's message.
    await poll(async () => {
      const text = (await el.locator('#rename-error').textContent()) ?? '';
      return text !== '' && !text.includes('already');
    }).toBe(true);
    expect(await el.locator('#rename-name').getAttribute('aria-invalid')).toBe('true');
    await el.locator('#rename-name').fill('Build reader');
    await el.locator('#rename-button').click();
    await el.locator('#rename-dialog').waitFor({ state: 'hidden' });
    const renamed = rowOf(el, 'Build reader');
    await renamed.waitFor();
    expect(await renamed.getAttribute('data-id')).toBe(id);
    expect(await rowOf(el, 'Deployer').count()).toBe(0);
    await poll(() => el.locator('#announce').textContent()).toBe('Token renamed to "Build reader".');
    expect(await focusedId(page)).toBe('button[Actions for Build reader]');
    // Same token, same secret.
    expect((await catalogPing(reader)).status).toBe(200);
    // Escape leaves the name as it was.
    await openRowMenu(el, 'Build reader', 'Rename');
    await el.locator('#rename-name').fill('Not kept');
    await page.keyboard.press('Escape');
    await el.locator('#rename-dialog').waitFor({ state: 'hidden' });
    expect(await focusedId(page)).toBe('button[Actions for Build reader]');
    expect(await rowOf(el, 'Not kept').count()).toBe(0);
  });

  test('roll with a grace period: the new secret is shown once, the old one works until the grace ends, the row says until when', async () => {
    const el = page.locator('keyward-tokens');
    // Cancel first: nothing changes.
    await openRowMenu(el, 'Build reader', 'Roll secret');
    await el.locator('#roll-dialog[open]').waitFor();
    expect(await el.locator('#roll-heading').textContent()).toBe('Roll the secret of "Build reader"?');
    expect(await el.locator('#roll-grace option').allTextContents()).toEqual(['Immediately', '1 hour', '24 hours', '3 days', '7 days']);
    expect(await el.locator('#roll-grace').inputValue()).toBe('24h');
    expect(await focusedId(page)).toBe('roll-grace');
    await page.screenshot({ path: join(shots, 'roll.png') });
    await expectNoAxeViolations('roll dialog');
    await page.keyboard.press('Escape');
    await el.locator('#roll-dialog').waitFor({ state: 'hidden' });
    expect(await focusedId(page)).toBe('button[Actions for Build reader]');
    expect(await el.locator('#reveal-dialog[open]').count()).toBe(0);

    const before = Date.now();
    const rolled = await roll(el, 'Build reader', '1h');
    expect(rolled).toMatch(TOKEN_PATTERN);
    expect(rolled).not.toBe(reader);
    expect(await el.locator('#reveal-heading').textContent()).toBe('The new secret of "Build reader"');
    expect(await el.locator('#reveal-warning').textContent()).toContain('only time it is shown');
    // Said inside the dialog, where a screen reader is while it is open.
    expect(await el.locator('#reveal-status').textContent()).toBe('Secret of "Build reader" rolled.');
    await page.screenshot({ path: join(shots, 'roll-reveal.png') });
    await expectNoAxeViolations('roll reveal');
    await closeReveal(el);
    expect(await pageHolds(page, rolled)).toBe(false);
    expect(await focusedId(page)).toBe('button[Actions for Build reader]');

    const row = rowOf(el, 'Build reader');
    expect(await row.locator('.hint-code').textContent()).toBe(`${rolled.slice(0, 7)}…`);
    const previous = row.locator('[part="previous-secret"]');
    const until = Number(await previous.getAttribute('data-expires-at'));
    expect(until).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(until).toBeLessThan(Date.now() + 3_600_000 + 1000);
    const untilText = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(until);
    expect(await previous.textContent()).toBe(`Previous secret ${reader.slice(0, 7)}… valid until ${untilText}`);
    await page.screenshot({ path: join(shots, 'rolled-row.png'), fullPage: true });
    await expectNoAxeViolations('row with a previous secret');
    // Both secrets work during the grace period; after it, only the new one.
    expect((await catalogPing(reader)).status).toBe(200);
    expect((await catalogPing(rolled)).status).toBe(200);
    server.travel(2 * 3_600_000);
    try {
      expect((await catalogPing(reader)).status).toBe(401);
      expect((await catalogPing(rolled)).status).toBe(200);
      await el.evaluate((node) => (node as HTMLElement & { refresh(): Promise<void> }).refresh());
      await poll(() => row.locator('[part="previous-secret"]').count()).toBe(0);
    } finally {
      server.travel(0);
    }
    // The reload after the grace left the page: still no secret anywhere.
    expect(await pageHolds(page, rolled)).toBe(false);
  });

  test('roll immediately, keyboard only: the old secret is refused at once and no previous secret is listed', async () => {
    const el = page.locator('keyward-tokens');
    expect((await catalogPing(everything)).status).toBe(200);
    await rowOf(el, 'All access').getByRole('button', { name: 'Actions for All access' }).focus();
    await page.keyboard.press('Enter');
    for (const _ of ['Pause', 'Limits', 'Roll secret']) await page.keyboard.press('ArrowDown');
    expect(await focusedId(page)).toBe('button[Roll secret]');
    await page.keyboard.press('Enter');
    await el.locator('#roll-dialog[open]').waitFor();
    expect(await focusedId(page)).toBe('roll-grace');
    await el.locator('#roll-grace').selectOption('now');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('roll-cancel');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('roll-button');
    await page.keyboard.press('Enter');
    await el.locator('#reveal-dialog[open]').waitFor();
    const rolled = (await el.locator('#reveal-secret').textContent())!;
    expect(await focusedId(page)).toBe('copy-button');
    await page.keyboard.press('Escape');
    await el.locator('#reveal-dialog').waitFor({ state: 'hidden' });
    expect(await focusedId(page)).toBe('button[Actions for All access]');
    const old = await catalogPing(everything);
    expect(old.status).toBe(401);
    expect(old.headers.get('www-authenticate')).toContain('invalid_token');
    expect((await catalogPing(rolled)).status).toBe(200);
    expect((await deploy(rolled)).status).toBe(202);
    expect(await rowOf(el, 'All access').locator('[part="previous-secret"]').count()).toBe(0);
    expect(await pageHolds(page, rolled)).toBe(false);
  });
});

describe('<keyward-tokens> keeps the reader where they are: focus, errors, announcements', () => {
  /** Where the page is scrolled, and whether the focused control (through shadow roots) is in view. */
  const where = () =>
    page.evaluate(() => {
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      const box = active?.getBoundingClientRect();
      return { scrollY, inView: !!box && box.top >= 0 && box.bottom <= innerHeight, focused: active?.getAttribute('aria-label') ?? active?.id ?? '' };
    });
  const inView = (locator: Locator) => locator.evaluate((node) => {
    const box = node.getBoundingClientRect();
    return box.height > 0 && box.top >= 0 && box.bottom <= innerHeight;
  });
  const failWith503 = { status: 503, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, code: 'STORE_UNAVAILABLE', detail: 'API tokens cannot be reached right now; retry later.' }) };

  test('60 tokens: "Load more" and deleting row 55 keep the page where it is; failures show under their row or button, in view', async () => {
    for (let i = 1; i <= 60; i++) {
      const response = await fetch(`${server.origin}/many/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: `Job ${String(i).padStart(2, '0')}`, scope: { kind: 'organization' }, expiresIn: '30d' }) });
      expect(response.status).toBe(201);
    }
    await openPage('/matrix?api=/many&lang=en');
    const el = page.locator('keyward-tokens');
    await ready(el);
    expect(await el.locator('#tokens-body > tr[data-id]').count()).toBe(50);

    // Load more fails: the message is under the button, in view; the page stays.
    await page.route('**/many/tokens?*cursor=*', (route) => route.fulfill(failWith503));
    await el.locator('#load-more').scrollIntoViewIfNeeded();
    const atButton = (await where()).scrollY;
    expect(atButton).toBeGreaterThan(1500);
    await el.locator('#load-more').click();
    await poll(() => el.locator('#more-error').textContent()).toContain('Could not load more tokens');
    expect(await inView(el.locator('#more-error'))).toBe(true);
    expect(Math.abs((await where()).scrollY - atButton)).toBeLessThan(300);
    await page.unroute('**/many/tokens?*cursor=*');

    // Load more works: the focus goes to the first row it brought, where the button was.
    await el.locator('#load-more').click();
    await poll(() => el.locator('#tokens-body > tr[data-id]').count()).toBe(60);
    expect(await el.locator('#more-error').textContent()).toBe('');
    const afterMore = await where();
    expect(afterMore.focused).toBe('Select Job 10');
    expect(afterMore.inView).toBe(true);
    expect(Math.abs(afterMore.scrollY - atButton)).toBeLessThan(760);

    // Delete row 55 (newest first: "Job 06"): the focus goes to the next row's menu, in view.
    const row55 = el.locator('#tokens-body > tr[data-id]').nth(54);
    expect(await row55.textContent()).toContain('Job 06');
    await row55.locator('[aria-haspopup]').click();
    // Near the bottom of the window the menu opens above its button: its last item is in view
    // without a scroll (clicking it used to move the page ~490 px).
    expect(await inView(row55.getByRole('menuitem', { name: 'Delete' }))).toBe(true);
    const before = (await where()).scrollY;
    await row55.getByRole('menuitem', { name: 'Delete' }).click();
    await el.locator('#confirm-button').click();
    await poll(() => el.locator('#tokens-body > tr[data-id]').count()).toBe(59);
    const afterDelete = await where();
    expect(afterDelete.focused).toBe('Actions for Job 05');
    expect(afterDelete.inView).toBe(true);
    expect(Math.abs(afterDelete.scrollY - before)).toBeLessThan(300);
    await poll(() => el.locator('#announce').textContent()).toBe('Token "Job 06" deleted.');

    // A failed delete: the message is under that row (not at the top of the list), in view.
    await page.route('**/many/tokens/*', (route) => (route.request().method() === 'DELETE' ? route.fulfill(failWith503) : route.fallback()));
    const job03 = rowOf(el, 'Job 03');
    await job03.locator('[aria-haspopup]').click();
    await job03.getByRole('menuitem', { name: 'Delete' }).click();
    await el.locator('#confirm-button').click();
    const message = el.locator('tr.row-error');
    await message.waitFor();
    expect(await message.getAttribute('data-error-for')).toBe(await job03.getAttribute('data-id'));
    expect(await message.evaluate((tr) => (tr.previousElementSibling as HTMLElement).dataset.id)).toBe(await job03.getAttribute('data-id'));
    expect(await message.textContent()).toBe('Could not delete: API tokens cannot be reached right now; retry later.');
    expect(await message.locator('[role=alert]').count()).toBe(1);
    expect(await inView(message)).toBe(true);
    expect((await where()).focused).toBe('Actions for Job 03');
    await page.screenshot({ path: join(shots, 'row-error.png') });
    await expectNoAxeViolations('a failed delete under its row');
    await page.unroute('**/many/tokens/*');
    // Acting on the row again clears its message first.
    await job03.locator('[aria-haspopup]').click();
    await job03.getByRole('menuitem', { name: 'Delete' }).click();
    await el.locator('#confirm-button').click();
    await poll(() => job03.count()).toBe(0);
    expect(await el.locator('tr.row-error').count()).toBe(0);
  });

  test('a failed expiry preview leaves no stale error once the choice changes; a field error goes when its field changes', async () => {
    const el = await openPage('/');
    await ready(el);
    await poll(() => el.locator('#expiry-preview').textContent()).toMatch(/^Expires on/);
    await page.route('**/expiration-preview?expiresIn=7d', (route) => route.fulfill(failWith503));
    await el.locator('#token-expiry').selectOption('7d');
    await poll(() => el.locator('#expiry-error').textContent()).toContain('cannot be reached');
    await el.locator('#token-expiry').selectOption('90d');
    await poll(() => el.locator('#expiry-preview').textContent()).toMatch(/^Expires on/);
    expect(await el.locator('#expiry-error').textContent()).toBe('');
    await page.unroute('**/expiration-preview?expiresIn=7d');
    // An empty name is refused at the field; typing clears the error and aria-invalid at once.
    await el.locator('#create-button').click();
    await poll(() => el.locator('#name-error').textContent()).not.toBe('');
    expect(await el.locator('#token-name').getAttribute('aria-invalid')).toBe('true');
    await page.keyboard.type('A');
    expect(await el.locator('#name-error').textContent()).toBe('');
    expect(await el.locator('#token-name').getAttribute('aria-invalid')).toBeNull();
  });

  test('theme: the page\'s prefers-color-scheme by default, the theme attribute over it', async () => {
    const el = await openPage('/');
    await ready(el);
    const background = () => el.locator('#create-section').evaluate((node) => getComputedStyle(node).backgroundColor);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe('rgb(21, 27, 35)');
    await el.evaluate((node) => node.setAttribute('theme', 'light'));
    expect(await background()).toBe('rgb(255, 255, 255)');
    await page.emulateMedia({ colorScheme: 'light' });
    await el.evaluate((node) => node.setAttribute('theme', 'dark'));
    expect(await background()).toBe('rgb(21, 27, 35)');
    expect(await el.evaluate((node) => (node as HTMLElement & { theme: string }).theme)).toBe('dark');
    await el.evaluate((node) => node.setAttribute('theme', 'auto'));
    expect(await background()).toBe('rgb(255, 255, 255)');
  });
});
