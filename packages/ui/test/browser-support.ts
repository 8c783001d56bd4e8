// Shared by the element's browser tests: Chromium launch, axe-core inside the page, and a search
// of every DOM tree (shadow roots included), form values and web storage for a string.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.x A/AA and best practices, and WCAG 2.2's target size) over the page as
 * it is now, shadow roots included; `only` limits the run to those rules.
 */
export async function axeViolations(page: Page, only?: string[]): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async (only) => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const options = only ? { runOnly: { type: 'rule', values: only } } : { rules: { 'target-size': { enabled: true } } };
    const result = await axe.run(document, { resultTypes: ['violations'], ...options });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  }, only);
}

/** Whether `needle` is anywhere the page keeps things: any DOM tree, any form value, local or session storage. */
export function pageHolds(page: Page, needle: string): Promise<boolean> {
  return page.evaluate((needle) => {
    const seen: string[] = [document.documentElement.outerHTML];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.shadowRoot) {
          seen.push(el.shadowRoot.innerHTML);
          walk(el.shadowRoot);
        }
        const value = (el as HTMLInputElement).value;
        if (typeof value === 'string') seen.push(value);
      }
    };
    walk(document);
    for (const storage of [localStorage, sessionStorage]) for (let i = 0; i < storage.length; i++) seen.push(storage.key(i)!, storage.getItem(storage.key(i)!)!);
    return seen.some((text) => text.includes(needle));
  }, needle);
}

/** Waits until the element has been upgraded and is past its loading state. */
export async function ready(element: Locator): Promise<void> {
  const handle = await element.elementHandle();
  await element.page().waitForFunction((el) => el instanceof HTMLElement && !!el.dataset.state && el.dataset.state !== 'loading', handle);
}

/** The id of the element that has focus, looking through shadow roots. */
export function focusedId(page: Page): Promise<string> {
  return page.evaluate(() => {
    let active = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active ? active.id || `${active.tagName.toLowerCase()}[${active.getAttribute('aria-label') ?? active.textContent?.trim() ?? ''}]` : '';
  });
}
