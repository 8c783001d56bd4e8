// The contract-v3 parts of <keyward-tokens> on a 320 px touch phone, by keyboard only, in German
// (long words) and Arabic (right to left): the limit fields at create (open, and refused at a field),
// a row's limits, the Paused badge, Pause/Resume in the row menu (and a failed pause under its
// row), the usage chart and its "Daily numbers" table, the Activity view and its "Load more", the
// Leaked mark, and the Limits, Roll and Delete dialogs. Each rule is one test that goes through
// every state (a fresh page each, reached by keyboard where a user would type):
// - nothing is wider than the page, the element or an open dialog, and nothing scrolls sideways;
// - every control is at least 44 × 44 CSS px on this touch screen, and 24 × 24 with a mouse;
// - Tab visits every control in document order, and each shows its focus ring, in view, uncovered;
//   in an open menu the arrows do, and Tab leaves it for the next control;
// - every dialog keeps Tab and Shift+Tab inside, and Escape or Cancel give the focus back to the
//   row's menu button that opened it;
// - axe-core finds no violation.
import type { Browser, BrowserContext, CDPSession, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, launchChromium, ready } from './browser-support.js';
import { startUiServer, type UiServer } from './server.js';

const WIDTH = 320;
const HEIGHT = 568;
/** The least target on a touch screen (the element's --keyward-target there). */
const TARGET = 44;
const LEAKED = 'Geleakt Lieferantenstammdatensynchronisierungsschnittstelle';
const FOUND = `https://github.com/acme/${'lieferanten-'.repeat(6)}/blob/main/config/production.env`;

let server: UiServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let cdp: CDPSession;

async function post(path: string, body: unknown, method = 'POST'): Promise<{ plaintext: string; token: { id: string } }> {
  const response = await fetch(server.origin + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json() as Promise<{ plaintext: string; token: { id: string } }>;
}

/** owner_a's tokens: one used (Busy), one with every limit, one paused with a rate limit, one found leaked (flagged). Activity: 6 entries, pages of 4. */
async function seed(): Promise<void> {
  const org = { kind: 'organization' };
  const used = await post('/settings/tokens', { name: 'Busy', scope: org, expiresIn: '30d' });
  for (let i = 0; i < 3; i++) await fetch(`${server.origin}/api/ping`, { headers: { authorization: `Bearer ${used.plaintext}` } });
  await post('/settings/tokens', { name: 'Metered', scope: org, expiresIn: '30d', rateLimit: { limit: 1_000_000, window: '1h' }, remaining: 999_999_999, refill: { amount: 999_999_999, interval: '30d' } });
  const paused = await post('/settings/tokens', { name: 'Paused', scope: { kind: 'project', projectId: 'proj_catalog' }, expiresIn: '7d', rateLimit: { limit: 5, window: '1s' } });
  await post(`/settings/tokens/${paused.token.id}`, { enabled: false }, 'PATCH');
  const leaked = await post('/settings/tokens', { name: LEAKED, scope: org, expiresIn: 'never' });
  expect(await server.reportLeak(leaked.plaintext, FOUND, 'flag')).toBe('true_positive');
  // The usage counts reach the store within 20 ms.
  await new Promise((resolve) => setTimeout(resolve, 100));
}

beforeAll(async () => {
  server = await startUiServer();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, timezoneId: 'UTC' });
  page = await context.newPage();
  cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
  await seed();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const row = (el: Locator, name: string) => el.locator('#tokens-body > tr[data-id]', { hasText: name });
const menuButton = (el: Locator, name: string) => row(el, name).locator('[aria-haspopup]');

/** The element in `lang`, every row's usage and the Activity view's first page in, scrolled back to the top. */
async function load(lang: 'de' | 'ar'): Promise<Locator> {
  await page.goto(`${server.origin}/matrix?api=/settings&lang=${lang}&dir=${lang === 'ar' ? 'rtl' : 'ltr'}&size=4`);
  const el = page.locator('keyward-tokens');
  await ready(el);
  await el.locator('#activity-body tr[data-entry]').first().waitFor();
  // Each row asks for its numbers when it comes into view: bring each into view once.
  for (const cell of await el.locator('#tokens-body td[data-usage-for]').all()) await cell.scrollIntoViewIfNeeded();
  await expect.poll(() => el.locator('#tokens-body .usage.pending').count(), { timeout: 10_000 }).toBe(0);
  await page.evaluate(() => scrollTo(0, 0));
  return el;
}

/** Opens a row's menu from its button with Enter, and picks the item `index` with ↓ and Enter. */
async function pick(el: Locator, name: string, index?: number): Promise<void> {
  await menuButton(el, name).focus();
  await page.keyboard.press('Enter');
  await row(el, name).locator('[role=menu]:not([hidden])').waitFor();
  if (index === undefined) return;
  for (let i = 0; i < index; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
}

interface State {
  name: string;
  enter(el: Locator): Promise<void>;
  leave?(): Promise<void>;
  /** An open menu (the rows' menus are menu buttons: arrows inside, Tab out). */
  menu?: true;
  /** An open dialog: its id, and the token whose menu button opened it. */
  dialog?: { id: string; opener: string };
}

const failingPatch = '**/settings/tokens/*';

const STATES: State[] = [
  { name: 'the list: limits, paused, leaked, usage', enter: async () => {} },
  {
    name: 'create: the limits open',
    enter: async (el) => {
      await el.locator('#limits-field summary').focus();
      await page.keyboard.press('Enter');
      await el.locator('#create-limit').waitFor();
    },
  },
  {
    name: 'create: a limit refused at its field',
    enter: async (el) => {
      await el.locator('#token-name').focus();
      await page.keyboard.type('Abgelehnt');
      await el.locator('#limits-field summary').focus();
      await page.keyboard.press('Enter');
      await el.locator('#create-limit').focus();
      await page.keyboard.type('0');
      await page.keyboard.press('Enter');
      await expect.poll(() => el.locator('#create-rate-error').textContent()).not.toBe('');
    },
  },
  {
    name: 'usage: "Daily numbers" open',
    enter: async (el) => {
      await row(el, 'Busy').locator('[data-col=usage] summary').focus();
      await page.keyboard.press('Enter');
      await row(el, 'Busy').locator('table.usage-table').waitFor();
    },
  },
  { name: 'the leaked row\'s menu', menu: true, enter: (el) => pick(el, LEAKED) },
  { name: 'the paused row\'s menu (Resume)', menu: true, enter: (el) => pick(el, 'Paused') },
  {
    name: 'a failed pause, under its row',
    enter: async (el) => {
      await page.route(failingPatch, (route) =>
        route.request().method() === 'PATCH' ? route.fulfill({ status: 503, contentType: 'application/problem+json', body: JSON.stringify({ status: 503, code: 'STORE_UNAVAILABLE', detail: 'Der Speicher ist gerade nicht erreichbar.' }) }) : route.fallback(),
      );
      await pick(el, 'Metered', 1);
      await el.locator('#tokens-body tr.row-error').waitFor();
    },
    leave: () => page.unroute(failingPatch),
  },
  {
    name: 'the Limits dialog',
    dialog: { id: 'limits-dialog', opener: 'Paused' },
    enter: async (el) => {
      await pick(el, 'Paused', 2);
      await el.locator('#limits-dialog[open]').waitFor();
    },
  },
  {
    name: 'the Roll dialog of the leaked token',
    dialog: { id: 'roll-dialog', opener: LEAKED },
    enter: async (el) => {
      await pick(el, LEAKED, 0);
      await el.locator('#roll-dialog[open]').waitFor();
    },
  },
  {
    name: 'the Delete confirmation of the leaked token',
    dialog: { id: 'confirm-dialog', opener: LEAKED },
    enter: async (el) => {
      await pick(el, LEAKED, 4);
      await el.locator('#confirm-dialog[open]').waitFor();
    },
  },
  { name: 'Activity: the first page', enter: (el) => el.locator('#activity-more').scrollIntoViewIfNeeded() },
  {
    name: 'Activity: after "Load more"',
    enter: async (el) => {
      await el.locator('#activity-more').focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => el.locator('#activity-body tr[data-entry]').count()).toBeGreaterThan(4);
    },
  },
];

/** Goes through every state in `lang`, checking `rule` in each; answers what failed, state by state. */
async function everyState(lang: 'de' | 'ar', rule: (el: Locator, state: State) => Promise<string[]>, only: (state: State) => boolean = () => true): Promise<Record<string, string[]>> {
  const failures: Record<string, string[]> = {};
  for (const state of STATES.filter(only)) {
    const el = await load(lang);
    await state.enter(el);
    const found = await rule(el, state);
    await state.leave?.();
    if (found.length > 0) failures[state.name] = found;
  }
  return failures;
}

/** What is wider than its box: the page, the element (or, in an open dialog, the viewport), or a box that scrolls or cuts its content sideways. */
function overflow(): Promise<string[]> {
  return page.evaluate(() => {
    const host = document.querySelector('keyward-tokens')!;
    const root = host.shadowRoot!;
    const box = host.getBoundingClientRect();
    const found: string[] = [];
    const name = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''} "${(el.textContent ?? '').trim().slice(0, 24)}"`;
    if (document.documentElement.scrollWidth > innerWidth) found.push(`the page scrolls sideways: ${document.documentElement.scrollWidth} > ${innerWidth}`);
    // Text for screen readers only (.sr-only, card mode's column headers) is clipped to a pixel on purpose.
    const clipped = (el: Element | null): boolean => !!el && el instanceof Element && (getComputedStyle(el).clip.startsWith('rect') || clipped(el.parentElement));
    for (const el of root.querySelectorAll('*')) {
      if (!el.checkVisibility({ visibilityProperty: true }) || clipped(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const [left, right] = el.closest('dialog[open]') ? [0, innerWidth] : [box.left, box.right];
      if (r.left < left - 0.5 || r.right > right + 0.5) found.push(`${name(el)} spans ${Math.round(r.left)}–${Math.round(r.right)}, outside ${Math.round(left)}–${Math.round(right)}`);
      const style = getComputedStyle(el);
      if (!el.matches('input, select, textarea') && style.overflowX !== 'visible' && el.scrollWidth > el.clientWidth + 1) found.push(`${name(el)} scrolls or cuts sideways: ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return found;
  });
}

/** Controls (in the open dialog, when one is) smaller than `min` × `min`; a checkbox is tapped through its label. */
function smallTargets(min: number): Promise<string[]> {
  return page.evaluate((min) => {
    const root = document.querySelector('keyward-tokens')!.shadowRoot!;
    const scope = root.querySelector('dialog[open]') ?? root;
    const small: string[] = [];
    for (const el of scope.querySelectorAll<HTMLElement>('button, input, select, textarea, summary, a[href], [tabindex]:not([tabindex="-1"])')) {
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      const target = (el.matches('input[type=checkbox]') && el.closest('label')) || el;
      const r = target.getBoundingClientRect();
      if (r.width < min - 0.5 || r.height < min - 0.5) small.push(`${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? el.id).trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
    return small;
  }, min);
}

/** Remembers, in the page, the controls Tab should visit (in `dialog` when given), in document order. */
function listTabStops(dialog?: string): Promise<number> {
  return page.evaluate((dialog) => {
    const root = document.querySelector('keyward-tokens')!.shadowRoot!;
    const scope = dialog ? root.getElementById(dialog)! : root;
    const stops = [...scope.querySelectorAll<HTMLElement>('button, input, select, textarea, summary, a[href], [tabindex]')].filter(
      (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && el.checkVisibility({ visibilityProperty: true }) && !el.closest('[inert]'),
    );
    (window as unknown as { stops: HTMLElement[] }).stops = stops;
    return stops.length;
  }, dialog);
}

interface Focused {
  /** Index among the listed tab stops, or -1. */
  stop: number;
  name: string;
  inside: boolean;
  ring: boolean;
  inView: boolean;
  uncovered: boolean;
}

/** The control with the focus (through shadow roots) and how it shows it. */
function focused(): Promise<Focused> {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    const host = document.querySelector('keyward-tokens')!;
    const stops = (window as unknown as { stops?: HTMLElement[] }).stops ?? [];
    if (!el || !(el instanceof HTMLElement)) return { stop: -1, name: 'nothing', inside: false, ring: false, inView: false, uncovered: false };
    const style = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max(r.top + Math.min(r.height / 2, 20), 0), innerHeight - 1);
    const hit = host.shadowRoot!.elementFromPoint(x, y);
    return {
      stop: stops.indexOf(el),
      name: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}"`,
      inside: host.contains(el) || host.shadowRoot!.contains(el),
      ring: el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      inView: r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth,
      uncovered: !!hit && (hit === el || el.contains(hit) || (el.matches('input[type=checkbox]') && hit === el.closest('label'))),
    };
  });
}

const shows = (f: Focused) => [f.ring ? '' : 'no focus ring', f.inView ? '' : 'out of view', f.uncovered ? '' : 'covered'].filter(Boolean).join(', ');

/** Tab through the page (or the open dialog) from its start: each stop once, in document order, each shown. */
async function tabOrder(el: Locator, state: State): Promise<string[]> {
  const problems: string[] = [];
  if (state.menu) {
    // A menu button's menu: the arrows visit every item in order and wrap; Tab leaves for the next control.
    const items = await page.evaluate(() => {
      const root = document.querySelector('keyward-tokens')!.shadowRoot!;
      const stops = [...root.querySelectorAll<HTMLElement>('[role=menu]:not([hidden]) [role=menuitem]')];
      (window as unknown as { stops: HTMLElement[] }).stops = stops;
      return stops.length;
    });
    for (let i = 0; i <= items; i++) {
      const f = await focused();
      if (f.stop !== i % items) problems.push(`arrow ${i}: ${f.name} is item ${f.stop}, not ${i % items}`);
      else if (shows(f)) problems.push(`${f.name}: ${shows(f)}`);
      await page.keyboard.press('ArrowDown');
    }
    const menuOpen = await page.evaluate(() => {
      let a = document.activeElement;
      while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
      return !!a?.closest('[role=menu]');
    });
    if (!menuOpen) problems.push('the focus left the open menu');
    await page.keyboard.press('Tab');
    const after = await focused();
    if (!after.inside || (await el.locator('[role=menu]:not([hidden])').count()) > 0) problems.push(`Tab from the menu: menu still open or focus on ${after.name}`);
    else if (shows(after)) problems.push(`after the menu, ${after.name}: ${shows(after)}`);
    return problems;
  }
  const count = await listTabStops(state.dialog?.id);
  if (!state.dialog) {
    // From the top of the document, as a keyboard user arriving on the page.
    await page.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      scrollTo(0, 0);
    });
    await page.mouse.click(1, 1);
    await page.keyboard.press('Tab');
  }
  const start = (await focused()).stop;
  if (start < 0) problems.push(`the focus starts on ${(await focused()).name}, not a control of the page`);
  for (let i = 0; i < count; i++) {
    const f = await focused();
    const expected = state.dialog ? (start + i) % count : i;
    if (f.stop !== expected) {
      problems.push(`Tab ${i}: ${f.name} (stop ${f.stop}) instead of stop ${expected}`);
      break;
    }
    if (shows(f)) problems.push(`${f.name}: ${shows(f)}`);
    await page.keyboard.press('Tab');
  }
  return problems;
}

const activeIs = (target: Locator) =>
  target.evaluate((node) => {
    let a = document.activeElement;
    while (a?.shadowRoot?.activeElement) a = a.shadowRoot.activeElement;
    return a === node && node.matches(':focus-visible');
  });

/** In an open dialog: Tab and Shift+Tab stay inside (wrapping), Escape and Cancel close it onto the row's menu button. */
async function trapAndReturn(el: Locator, state: State): Promise<string[]> {
  const { id, opener } = state.dialog!;
  const problems: string[] = [];
  const count = await listTabStops(id);
  for (const key of ['Tab', 'Shift+Tab']) {
    const seen = new Set<number>();
    for (let i = 0; i < count + 1; i++) {
      await page.keyboard.press(key);
      const f = await focused();
      if (f.stop < 0) {
        problems.push(`${key} ${i + 1}: the focus left the dialog, for ${f.name}`);
        break;
      }
      seen.add(f.stop);
    }
    if (seen.size !== count) problems.push(`${key} visited ${seen.size} of the dialog's ${count} controls`);
  }
  await page.keyboard.press('Escape');
  await el.locator(`#${id}`).waitFor({ state: 'hidden' });
  if (!(await activeIs(menuButton(el, opener)))) problems.push(`after Escape the focus is on ${(await focused()).name}, not the menu button that opened the dialog`);
  await state.enter(el);
  await el.locator(`#${id} button.secondary`).first().focus();
  await page.keyboard.press('Enter');
  await el.locator(`#${id}`).waitFor({ state: 'hidden' });
  if (!(await activeIs(menuButton(el, opener)))) problems.push(`after Cancel the focus is on ${(await focused()).name}, not the menu button that opened the dialog`);
  return problems;
}

describe.each(['de', 'ar'] as const)('the contract-v3 parts at 320 px, touch, keyboard only (%s)', (lang) => {
  test('nothing overflows sideways, in every state', { timeout: 300_000 }, async () => {
    expect(await everyState(lang, () => overflow())).toEqual({});
  });

  test(`every control is at least ${TARGET} × ${TARGET} px on touch, and 24 × 24 px with a mouse, in every state`, { timeout: 300_000 }, async () => {
    expect(await everyState(lang, () => smallTargets(TARGET))).toEqual({});
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: false, maxTouchPoints: 5 });
    try {
      expect(await everyState(lang, () => smallTargets(24))).toEqual({});
    } finally {
      await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
    }
  });

  test('Tab (arrows in a menu) visits every control in order, each with a visible focus ring, in view, in every state', { timeout: 300_000 }, async () => {
    expect(await everyState(lang, tabOrder)).toEqual({});
  });

  test('every dialog keeps the focus inside and gives it back to what opened it', { timeout: 300_000 }, async () => {
    expect(await everyState(lang, trapAndReturn, (state) => !!state.dialog)).toEqual({});
  });

  test('axe-core finds no violation, in every state', { timeout: 300_000 }, async () => {
    const violations = await everyState(lang, async () => (await axeViolations(page)).map((v) => `${v.id}: ${v.help} ${v.targets.join(' ')}`));
    expect(violations).toEqual({});
  });
});
