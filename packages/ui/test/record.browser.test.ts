// The record on the page (#24 item 4), in headless Chromium against the real management API
// (test/server.ts, usage flushed every 20 ms): each row's usage chart of the last 30 days with the
// day-by-day table behind a disclosure, the Activity view of the audit trail with "Load more",
// tokens found leaked marked as such (in the trail, and on their own row while the found secret
// works), and a host that keeps neither. By keyboard, in wide and
// phone layouts, axe-core 0 violations in each state. Tests run in order on one organization.
import type { Browser, BrowserContext, CDPSession, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, focusedId, launchChromium, ready } from './browser-support.js';
import { startUiServer, type UiServer } from './server.js';

const poll: typeof expect.poll = (fn, options) => expect.poll(fn, { timeout: 10_000, interval: 100, ...(typeof options === 'number' ? { timeout: options } : options) });

let server: UiServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;

beforeAll(async () => {
  server = await startUiServer();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
  await context.addCookies([{ name: 'user', value: 'owner_a', url: server.origin }]);
  page = await context.newPage();
  cdp = await context.newCDPSession(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const expectNoAxe = async (state: string) => expect(await axeViolations(page), `axe violations in state "${state}"`).toEqual([]);
const rowOf = (el: Locator, name: string) => el.locator('#tokens-body > tr[data-id]', { hasText: name });
const ping = (token: string) => fetch(`${server.origin}/api/ping`, { headers: { authorization: `Bearer ${token}` } });

async function api(method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(server.origin + path, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response;
}

/** Creates a token on a mount over HTTP (as owner_a), answering its secret and id. */
async function create(mount: string, name: string): Promise<{ plaintext: string; id: string }> {
  const created = (await (await api('POST', `${mount}/tokens`, { name, scope: { kind: 'organization' }, expiresIn: '30d' })).json()) as { plaintext: string; token: { id: string } };
  return { plaintext: created.plaintext, id: created.token.id };
}

async function open(path: string): Promise<Locator> {
  await page.goto(server.origin + path);
  const el = page.locator('keyward-tokens');
  await ready(el);
  return el;
}

/** Switches to a phone: 320 px wide, touch (44 px targets), and checks nothing scrolls sideways. */
async function asPhone(state: string): Promise<void> {
  await page.setViewportSize({ width: 320, height: 640 });
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${state}: horizontal scroll at 320 px`).toBeLessThanOrEqual(320);
  await expectNoAxe(`${state}, phone`);
}

async function asDesktop(): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 });
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false, maxTouchPoints: 5 });
}

describe('usage per token', () => {
  test('each row charts its last 30 days; "Daily numbers" opens the same numbers as a table, by keyboard, and stays open when the row is redrawn', async () => {
    const token = await create('/settings', 'Charted');
    for (let i = 0; i < 3; i++) expect((await ping(token.plaintext)).status).toBe(200);
    // A refusal is counted too: paused, one request, resumed.
    await api('PATCH', `/settings/tokens/${token.id}`, { enabled: false });
    expect((await ping(token.plaintext)).status).toBe(401);
    await api('PATCH', `/settings/tokens/${token.id}`, { enabled: true });
    await new Promise((resolve) => setTimeout(resolve, 100));

    const el = await open('/');
    const usage = rowOf(el, 'Charted').locator('td[data-col=usage]');
    await poll(() => usage.locator('.usage').getAttribute('data-accepted')).toBe('3');
    expect(await usage.locator('.usage').getAttribute('data-refused')).toBe('1');
    const chart = usage.locator('svg');
    expect(await chart.getAttribute('role')).toBe('img');
    expect(await chart.getAttribute('aria-label')).toBe('Requests per day, last 30 days');
    // Today's day (the last) has an accepted bar and a refused one stacked on it.
    expect(await chart.locator('rect.bar').count()).toBe(2);
    expect(await chart.locator('rect.refused').count()).toBe(1);
    expect(await usage.locator('.line').textContent()).toBe('Requests: 3 · Refused: 1');
    expect(await el.locator('thead th[data-col=usage]').textContent()).toBe('Usage (30 days)');
    await expectNoAxe('usage chart');

    const summary = usage.locator('summary');
    await summary.focus();
    await page.keyboard.press('Enter');
    const table = usage.locator('table.usage-table');
    await table.waitFor();
    expect(await table.locator('caption').textContent()).toBe('Requests per day to Charted');
    expect(await table.locator('thead th').allTextContents()).toEqual(['Day (UTC)', 'Accepted', 'Refused']);
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(30);
    const today = new Date().toISOString().slice(0, 10);
    expect(await rows.last().locator('time').getAttribute('datetime')).toBe(today);
    expect(await rows.last().locator('td').allTextContents()).toEqual(['3', '1']);
    expect(await rows.first().locator('td').allTextContents()).toEqual(['0', '0']);
    // A screen reader reaches the table by its name.
    expect(await el.getByRole('table', { name: 'Requests per day to Charted' }).count()).toBe(1);
    await expectNoAxe('usage table open');

    // Pausing redraws the row: the table is still open, the focus back on the row's menu.
    await rowOf(el, 'Charted').locator('[aria-haspopup]').click();
    await rowOf(el, 'Charted').getByRole('menuitem', { name: 'Pause' }).click();
    await poll(() => rowOf(el, 'Charted').getAttribute('data-status')).toBe('paused');
    expect(await usage.locator('details').getAttribute('open')).toBe('');
    expect(await focusedId(page)).toBe('button[Actions for Charted]');

    await asPhone('usage table open');
    // On a phone the cell is labelled like every other value of the card.
    expect(await usage.evaluate((td) => getComputedStyle(td, '::before').content)).toContain('Usage (30 days)');
    await asDesktop();
  });

  test('a usage request that fails says so in its row; the rest of the page works', async () => {
    const unlucky = await create('/settings', 'Unlucky');
    const route = `**/settings/tokens/${unlucky.id}/usage?*`;
    await page.route(route, (r) => r.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, code: 'STORE_UNAVAILABLE', detail: 'Try later.' }) }));
    const el = await open('/');
    await poll(() => rowOf(el, 'Unlucky').locator('td[data-col=usage]').textContent()).toBe('Usage could not be loaded.');
    await poll(() => rowOf(el, 'Charted').locator('.usage').getAttribute('data-accepted')).toBe('3');
    await expectNoAxe('usage failed in one row');
    await page.unroute(route);
  });
});

describe('the Activity view', () => {
  test('the trail newest first, "Load more" by keyboard, tokens found leaked marked; a failed page is said at the button', async () => {
    const leaky = await create('/settings', 'Leaky');
    expect(await server.reportLeak(leaky.plaintext, 'https://github.com/acme/site/blob/main/.env', 'revoke')).toBe('true_positive');
    const flagged = await create('/settings', 'Flagged');
    expect(await server.reportLeak(flagged.plaintext, 'https://gist.github.com/someone/abc', 'flag')).toBe('true_positive');

    // Two entries a page (page-size="2").
    const el = await open('/paged');
    const body = el.locator('#activity-body');
    await poll(() => body.locator('tr[data-entry]').count()).toBe(2);
    expect(await el.locator('#activity-heading').textContent()).toBe('Activity');
    const first = body.locator('tr[data-entry]').first();
    expect(await first.getAttribute('data-leaked')).toBe('flagged');
    expect(await first.locator('[data-col=action]').textContent()).toBe('Leaked Found in public, still active');
    expect(await first.locator('[data-col=token]').textContent()).toBe('Flagged');
    expect(await first.locator('[data-col=by]').textContent()).toBe('keyward (automatic)');
    expect(await first.locator('a').getAttribute('href')).toBe('https://gist.github.com/someone/abc');
    expect(await body.locator('tr[data-entry]').nth(1).locator('[data-col=action]').textContent()).toBe('Created');
    expect(await body.locator('tr[data-entry]').nth(1).locator('[data-col=by]').textContent()).toBe('owner_a (owner)');
    await expectNoAxe('activity, first page');

    // Load more, keyboard only: the focus stays on the button while more remain.
    const more = el.locator('#activity-more');
    await more.focus();
    const scrollBefore = await page.evaluate(() => scrollY);
    await page.keyboard.press('Enter');
    await poll(() => body.locator('tr[data-entry]').count()).toBe(4);
    expect(await focusedId(page)).toBe('activity-more');
    const revoked = body.locator('tr[data-leaked=revoked]');
    expect(await revoked.locator('[data-col=action]').textContent()).toBe('Leaked Revoked: found in public');
    expect(await revoked.locator('[data-col=token]').textContent()).toBe('Leaky');
    expect(await revoked.locator('[data-col=details]').textContent()).toBe('Found at https://github.com/acme/site/blob/main/.env');
    expect(await revoked.locator('.badge').evaluate((b) => getComputedStyle(b).color)).not.toBe(await revoked.locator('[data-col=token]').evaluate((c) => getComputedStyle(c).color));
    // Revoked: gone from the list; flagged: still listed, still working.
    expect(await rowOf(el, 'Leaky').count()).toBe(0);

    // A failed page: said under the button, in view; the button stays.
    await page.route('**/settings/tokens/audit?*cursor=*', (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, code: 'STORE_UNAVAILABLE', detail: 'Try later.' }) }));
    await page.keyboard.press('Enter');
    await poll(() => el.locator('#activity-more-error').textContent()).toBe('Could not load more activity: Try later.');
    expect(await focusedId(page)).toBe('activity-more');
    await expectNoAxe('activity, failed page');
    await page.unroute('**/settings/tokens/audit?*cursor=*');

    // Until the end: then the focus goes to the first entry just loaded, where the button was.
    for (let i = 0; i < 40 && (await more.isVisible()); i++) {
      const count = await body.locator('tr[data-entry]').count();
      await page.keyboard.press('Enter');
      await poll(async () => (await body.locator('tr[data-entry]').count()) > count || !(await more.isVisible())).toBe(true);
      if (await more.isVisible()) expect(await focusedId(page)).toBe('activity-more');
    }
    expect(await el.locator('#activity-more-error').textContent()).toBe('');
    const focused = await page.evaluate(() => {
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return { tag: active?.tagName, entry: active?.closest('tr')?.dataset.entry ?? null, top: active!.getBoundingClientRect().top, innerHeight };
    });
    expect(focused.tag).toBe('TH');
    expect(focused.entry).not.toBeNull();
    expect(focused.top).toBeGreaterThanOrEqual(0);
    expect(focused.top).toBeLessThan(focused.innerHeight);
    expect(Math.abs((await page.evaluate(() => scrollY)) - scrollBefore)).toBeLessThan(2000);
    await expectNoAxe('activity, every page');
    await asPhone('activity, every page');
    expect(await body.locator('tr[data-entry]').first().evaluate((tr) => getComputedStyle(tr).display)).toBe('block');
    await asDesktop();
  });

  test('an action on the page shows on top of the Activity view at once', async () => {
    const el = await open('/');
    const top = el.locator('#activity-body tr[data-entry]').first();
    await poll(() => top.count()).toBe(1);
    await rowOf(el, 'Flagged').locator('[aria-haspopup]').click();
    await rowOf(el, 'Flagged').getByRole('menuitem', { name: 'Pause' }).click();
    await poll(() => top.getAttribute('data-action')).toBe('paused');
    expect(await top.locator('[data-col=token]').textContent()).toBe('Flagged');
    expect(await top.locator('[data-col=action]').textContent()).toBe('Paused');
  });
});

describe('a token found leaked and only flagged, on its own row', () => {
  const FOUND = 'https://github.com/acme/app/blob/main/config.js';
  const when = (at: number) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(at);
  const leakOf = async (id: string) => ((await (await api('GET', '/settings/tokens')).json()) as { items: { id: string; leak: { at: number } | null }[] }).items.find((t) => t.id === id)!.leak;

  test('says Leaked in words, when and where it was found and what to do; its menu starts with rolling the secret, at once by default; then the mark goes', async () => {
    const exposed = await create('/settings', 'Exposed');
    expect(await server.reportLeak(exposed.plaintext, FOUND, 'flag')).toBe('true_positive');
    const { at } = (await leakOf(exposed.id))!;
    const el = await open('/');
    const row = rowOf(el, 'Exposed');
    expect(await row.getAttribute('data-leaked')).toBe('current');
    const status = row.locator('td[data-col=status]');
    expect(await status.locator('.badge.leaked').textContent()).toBe('Leaked');
    expect(await status.locator('[part=leak] .line').allTextContents()).toEqual([`Found in public on ${when(at)}`, `Found at ${FOUND}`, 'Roll its secret now, or delete the token.']);
    expect(await status.locator('a').getAttribute('href')).toBe(FOUND);
    // What a screen reader reads in the cell: the status, the mark and the details, as text.
    expect(await status.textContent()).toBe(`Active LeakedFound in public on ${when(at)}Found at ${FOUND}Roll its secret now, or delete the token.`);
    // A token never reported: no mark.
    expect(await rowOf(el, 'Charted').getAttribute('data-leaked')).toBeNull();
    expect(await rowOf(el, 'Charted').locator('.badge.leaked').count()).toBe(0);
    await expectNoAxe('a leaked row');

    // The menu opens on the fix; the other actions follow, Delete last.
    const button = row.getByRole('button', { name: 'Actions for Exposed' });
    await button.focus();
    await page.keyboard.press('Enter');
    expect(await focusedId(page)).toBe('button[Roll leaked secret]');
    expect(await row.getByRole('menuitem').allTextContents()).toEqual(['Roll leaked secret', 'Rename', 'Pause', 'Limits', 'Delete']);
    await expectNoAxe('a leaked row, its menu open');
    await page.keyboard.press('Enter');
    await el.locator('#roll-dialog[open]').waitFor();
    // The found secret stops at once unless the admin picks a grace period.
    expect(await el.locator('#roll-grace').inputValue()).toBe('now');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await focusedId(page)).toBe('roll-button');
    await page.keyboard.press('Enter');
    await el.locator('#reveal-dialog[open]').waitFor();
    await page.keyboard.press('Escape');
    await el.locator('#reveal-dialog').waitFor({ state: 'hidden' });
    expect(await focusedId(page)).toBe('button[Actions for Exposed]');
    expect(await row.getAttribute('data-leaked')).toBeNull();
    expect(await row.locator('.badge.leaked').count()).toBe(0);
    expect((await ping(exposed.plaintext)).status).toBe(401);
    expect(await leakOf(exposed.id)).toBeNull();
    await button.click();
    expect(await row.getByRole('menuitem').allTextContents()).toEqual(['Rename', 'Pause', 'Limits', 'Roll secret', 'Delete']);
    await page.keyboard.press('Escape');
  });

  test('rolled with a grace period, the found secret is the previous one: marked until the grace ends, as the server says after a reload', async () => {
    const exposed = await create('/settings', 'Exposed later');
    await server.reportLeak(exposed.plaintext, FOUND, 'flag');
    const el = await open('/');
    const row = rowOf(el, 'Exposed later');
    await row.locator('[aria-haspopup]').click();
    await row.getByRole('menuitem', { name: 'Roll leaked secret' }).click();
    await el.locator('#roll-grace').selectOption('1h');
    await el.locator('#roll-button').click();
    await el.locator('#reveal-done').click();
    await poll(() => row.getAttribute('data-leaked')).toBe('previous');
    expect(await row.locator('.badge.leaked').textContent()).toBe('Leaked');
    expect((await ping(exposed.plaintext)).status).toBe(200);
    await page.reload();
    await ready(el);
    expect(await rowOf(el, 'Exposed later').getAttribute('data-leaked')).toBe('previous');
    server.travel(3_600_000 + 1000);
    try {
      await el.evaluate((node: HTMLElement & { refresh(): Promise<void> }) => node.refresh());
      await poll(() => rowOf(el, 'Exposed later').getAttribute('data-leaked')).toBeNull();
    } finally {
      server.travel(0);
    }
  });
});

test('a host that keeps neither usage nor an audit trail: no usage column, no Activity view', async () => {
  await create('/no-history', 'Plain');
  const el = await open('/no-history-page');
  await rowOf(el, 'Plain').waitFor();
  await poll(() => el.locator('#tokens-table').getAttribute('class')).toContain('no-usage');
  expect(await el.locator('thead th[data-col=usage]').isVisible()).toBe(false);
  await poll(() => el.locator('#activity-section').isHidden()).toBe(true);
  await expectNoAxe('no usage, no activity');
});
