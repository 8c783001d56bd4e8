// Pause/resume and the limits (rate limit, credits, refill) of <keyward-tokens>, in headless
// Chromium against the real management API (test/server.ts): by mouse and keyboard, errors where
// they happened, axe-core 0 violations in each state. Tests run in order on one organization.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, focusedId, launchChromium, ready } from './browser-support.js';
import { startUiServer, type UiServer } from './server.js';

const poll: typeof expect.poll = (fn, options) => expect.poll(fn, { timeout: 10_000, interval: 100, ...(typeof options === 'number' ? { timeout: options } : options) });

let server: UiServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let el: Locator;

beforeAll(async () => {
  server = await startUiServer();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US', timezoneId: 'UTC' });
  await context.addCookies([{ name: 'user', value: 'owner_a', url: server.origin }]);
  page = await context.newPage();
  await page.goto(`${server.origin}/`);
  el = page.locator('keyward-tokens');
  await ready(el);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const rowOf = (name: string) => el.locator('#tokens-body > tr[data-id]', { hasText: name });
const ping = (token: string) => fetch(`${server.origin}/api/ping`, { headers: { authorization: `Bearer ${token}` } });
const expectNoAxe = async (state: string) => expect(await axeViolations(page), `axe violations in state "${state}"`).toEqual([]);

async function create(name: string, fill?: () => Promise<void>): Promise<string> {
  await el.locator('#token-name').fill(name);
  await fill?.();
  await el.locator('#create-button').click();
  await el.locator('#reveal-dialog[open]').waitFor();
  const secret = (await el.locator('#reveal-secret').textContent())!;
  await el.locator('#reveal-done').click();
  await rowOf(name).waitFor();
  return secret;
}

/** Opens the row's menu from the keyboard and picks `item` with the arrow keys. */
async function menuByKeyboard(name: string, item: string): Promise<void> {
  await rowOf(name).getByRole('button', { name: `Actions for ${name}` }).focus();
  await page.keyboard.press('Enter');
  for (let i = 0; i < 6 && (await focusedId(page)) !== `button[${item}]`; i++) await page.keyboard.press('ArrowDown');
  expect(await focusedId(page)).toBe(`button[${item}]`);
  await page.keyboard.press('Enter');
}

describe('pause and resume', () => {
  test('Pause from the row menu refuses the token and marks the row Paused; Resume accepts it again; the focus stays on the row', async () => {
    const secret = await create('Pausable');
    const row = rowOf('Pausable');
    expect((await ping(secret)).status).toBe(200);
    const scrollBefore = await page.evaluate(() => scrollY);
    await menuByKeyboard('Pausable', 'Pause');
    await poll(() => row.getAttribute('data-status')).toBe('paused');
    expect(await row.locator('.badge.status').textContent()).toBe('Paused');
    expect((await ping(secret)).status).toBe(401);
    expect(await focusedId(page)).toBe('button[Actions for Pausable]');
    expect(await page.evaluate(() => scrollY)).toBe(scrollBefore);
    await poll(() => el.locator('#announce').textContent()).toBe('Token "Pausable" paused: it is refused until resumed.');
    await expectNoAxe('paused row');
    // The menu now offers Resume, and the server keeps the pause across a reload.
    await page.reload();
    await ready(el);
    expect(await rowOf('Pausable').locator('.badge.status').textContent()).toBe('Paused');
    await menuByKeyboard('Pausable', 'Resume');
    await poll(() => rowOf('Pausable').getAttribute('data-status')).toBe('active');
    expect((await ping(secret)).status).toBe(200);
  });

  test('a failed pause is said under its row, and the row keeps its status', async () => {
    await page.route('**/settings/tokens/*', (route) => (route.request().method() === 'PATCH' ? route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, code: 'STORE_UNAVAILABLE', detail: 'Try later.' }) }) : route.fallback()));
    await menuByKeyboard('Pausable', 'Pause');
    const error = el.locator('tr.row-error', { hasText: 'Could not save the change: Try later.' });
    await error.waitFor();
    expect(await rowOf('Pausable').getAttribute('data-status')).toBe('active');
    await expectNoAxe('failed pause');
    await page.unroute('**/settings/tokens/*');
  });
});

describe('limits at create', () => {
  test('credits with a refill and a rate limit are set at create, shown on the row, and enforced', async () => {
    const secret = await create('Metered', async () => {
      await el.locator('#limits-field summary').click();
      await el.locator('#create-limit').fill('100');
      await el.locator('#create-window').selectOption('1h');
      await el.locator('#create-credits').fill('2');
      await el.locator('#create-refill').selectOption('7d');
      await expectNoAxe('create form with limits');
    });
    const row = rowOf('Metered');
    expect(await row.locator('[part=credits]').textContent()).toBe('Credits left: 2 of 2');
    expect(await row.locator('[part=rate-limit]').textContent()).toBe('100 per hour');
    expect((await ping(secret)).status).toBe(200);
    expect((await ping(secret)).status).toBe(200);
    expect((await ping(secret)).status).toBe(429);
    await el.evaluate((node: HTMLElement & { refresh(): Promise<void> }) => node.refresh());
    await poll(() => rowOf('Metered').locator('[part=credits]').textContent()).toBe('Credits left: 0 of 2');
    // The fields are emptied for the next token.
    expect(await el.locator('#create-credits').inputValue()).toBe('');
    await expectNoAxe('row with limits');
  });

  test('a refill without credits, and a limit the server refuses, are shown under their field, which takes the focus', async () => {
    await el.locator('#token-name').fill('Refused limits');
    await el.locator('#create-refill').selectOption('1d');
    await el.locator('#create-button').click();
    await poll(() => el.locator('#create-credits-error').textContent()).toBe('Enter the credits to refill to.');
    expect(await el.locator('#create-credits').getAttribute('aria-invalid')).toBe('true');
    expect(await focusedId(page)).toBe('create-credits');
    await expectNoAxe('refill without credits');
    // Typing in the field clears its error.
    await page.keyboard.type('5');
    expect(await el.locator('#create-credits-error').textContent()).toBe('');
    await el.locator('#create-limit').fill('0');
    await el.locator('#create-button').click();
    await poll(() => el.locator('#create-rate-error').textContent()).not.toBe('');
    expect(await el.locator('#create-limit').getAttribute('aria-invalid')).toBe('true');
    expect(await focusedId(page)).toBe('create-limit');
    expect(await rowOf('Refused limits').count()).toBe(0);
    await el.locator('#create-limit').fill('');
    await el.locator('#create-refill').selectOption('');
    await el.locator('#create-credits').fill('');
  });
});

describe('the Limits dialog', () => {
  test('by keyboard: opens on the row\'s limits, saves only what changed, gives the focus back to the row', async () => {
    await menuByKeyboard('Metered', 'Limits');
    await el.locator('#limits-dialog[open]').waitFor();
    expect(await el.locator('#limits-heading').textContent()).toBe('Limits of "Metered"');
    expect(await focusedId(page)).toBe('edit-limit');
    expect(await el.locator('#edit-limit').inputValue()).toBe('100');
    expect(await el.locator('#edit-window').inputValue()).toBe('1h');
    expect(await el.locator('#edit-credits').inputValue()).toBe('0');
    expect(await el.locator('#edit-refill').inputValue()).toBe('7d');
    await expectNoAxe('limits dialog');
    const patches: unknown[] = [];
    page.on('request', (request) => void (request.method() === 'PATCH' && patches.push(request.postDataJSON())));
    // Clear the rate limit, set 50 credits; Enter saves.
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await el.locator('#edit-credits').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('50');
    await page.keyboard.press('Enter');
    await el.locator('#limits-dialog').waitFor({ state: 'hidden' });
    expect(patches).toEqual([{ rateLimit: null, remaining: 50, refill: { amount: 50, interval: '7d' } }]);
    const row = rowOf('Metered');
    await poll(() => row.locator('[part=credits]').textContent()).toBe('Credits left: 50 of 50');
    expect(await row.locator('[part=rate-limit]').count()).toBe(0);
    expect(await focusedId(page)).toBe('button[Actions for Metered]');
    await poll(() => el.locator('#announce').textContent()).toBe('Limits of "Metered" saved.');
  });

  test('a refused value keeps the dialog open with the field marked; Escape cancels and nothing changes', async () => {
    await menuByKeyboard('Metered', 'Limits');
    await el.locator('#limits-dialog[open]').waitFor();
    await page.keyboard.type('0');
    await page.keyboard.press('Enter');
    await poll(() => el.locator('#edit-rate-error').textContent()).not.toBe('');
    expect(await el.locator('#edit-limit').getAttribute('aria-invalid')).toBe('true');
    expect(await focusedId(page)).toBe('edit-limit');
    expect(await el.locator('#limits-dialog[open]').count()).toBe(1);
    await expectNoAxe('limits dialog: refused');
    await page.keyboard.press('Escape');
    await el.locator('#limits-dialog').waitFor({ state: 'hidden' });
    expect(await focusedId(page)).toBe('button[Actions for Metered]');
    expect(await rowOf('Metered').locator('[part=rate-limit]').count()).toBe(0);
  });
});
