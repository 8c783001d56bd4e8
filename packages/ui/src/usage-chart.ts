// A token's usage over the last days, as a row shows it: a small bar chart (accepted requests,
// refusals stacked on top), the total, and the same numbers as a table behind a disclosure, which
// is what a screen reader reads. Pure builders: data in, DOM out.
import type { UsageDay, UsageReport } from './api.js';
import { h } from './dom.js';
import type { Localizer } from './i18n.js';

const SVG = 'http://www.w3.org/2000/svg';
// One day is a 2 px bar and a 1 px gap: 30 days fit in 90 px, narrow enough for the table.
const STEP = 3;
const HEIGHT = 24;

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

/**
 * A day's refused requests, every code summed.
 * @example refusedOn({ day: '2026-12-01', accepted: 3, refused: { EXPIRED: 1, RATE_LIMITED: 2 } }) // 3
 */
export const refusedOn = (day: UsageDay): number => Object.values(day.refused).reduce((sum, n) => sum + n, 0);

// Days are UTC calendar days: written in the reader's language, never moved into their time zone.
const dayFormats = new Map<string, Intl.DateTimeFormat>();
function dayText(day: string, locale: string): string {
  let format = dayFormats.get(locale);
  if (!format) dayFormats.set(locale, (format = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' })));
  return format.format(Date.parse(`${day}T00:00:00Z`));
}

/** The bars: height is relative to the busiest day; a day without requests has none. */
function chart(days: readonly UsageDay[], l10n: Localizer): SVGElement {
  const width = days.length * STEP;
  const max = Math.max(1, ...days.map((d) => d.accepted + refusedOn(d)));
  const root = svg('svg', { class: 'chart', part: 'usage-chart', role: 'img', 'aria-label': l10n.text('usageChart', { count: days.length }), viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT });
  root.append(svg('rect', { class: 'axis', x: 0, y: HEIGHT - 1, width, height: 1 }));
  days.forEach((day, i) => {
    const refused = refusedOn(day);
    // At least 1 px for any request at all, so a quiet day still shows next to a busy one.
    const px = (n: number) => (n === 0 ? 0 : Math.max(1, Math.round((n / max) * (HEIGHT - 1))));
    const ok = px(day.accepted);
    const bad = px(refused);
    if (ok) root.append(svg('rect', { class: 'bar', x: i * STEP, y: HEIGHT - 1 - ok, width: STEP - 1, height: ok }));
    if (bad) root.append(svg('rect', { class: 'bar refused', x: i * STEP, y: HEIGHT - 1 - ok - bad, width: STEP - 1, height: bad }));
  });
  return root;
}

/** The day-by-day table, oldest day first like the chart. */
function table(report: UsageReport, name: string, l10n: Localizer): HTMLTableElement {
  const t = l10n.text;
  return h(
    'table',
    { class: 'usage-table', part: 'usage-table' },
    h('caption', { class: 'sr-only' }, ...l10n.nodes('usageTableCaption', { name })),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('usageDay')), h('th', { scope: 'col' }, t('usageAccepted')), h('th', { scope: 'col' }, t('usageRefusedColumn')))),
    h(
      'tbody',
      {},
      ...report.days.map((day) =>
        h('tr', {}, h('th', { scope: 'row' }, h('time', { datetime: day.day }, dayText(day.day, l10n.locale))), h('td', {}, l10n.number(day.accepted)), h('td', {}, l10n.number(refusedOn(day)))),
      ),
    ),
  );
}

/**
 * What a row's usage cell holds once the report is in: chart, totals, and the table behind
 * "Daily numbers". `open` keeps the disclosure open across redraws of the row.
 * @example cell.replaceChildren(usageSummary(report, token.name, l10n, false))
 */
export function usageSummary(report: UsageReport, name: string, l10n: Localizer, open: boolean): HTMLElement {
  const accepted = report.days.reduce((sum, d) => sum + d.accepted, 0);
  const refused = report.days.reduce((sum, d) => sum + refusedOn(d), 0);
  const details = h('details', { class: 'usage-days', open }, h('summary', {}, l10n.text('usageTableToggle')), table(report, name, l10n));
  return h(
    'div',
    { class: 'usage', 'data-accepted': accepted, 'data-refused': refused },
    chart(report.days, l10n),
    h('span', { class: 'line' }, l10n.text('usageTotal', { count: accepted }), refused > 0 ? h('span', { class: 'refused-text' }, ` · ${l10n.text('usageRefused', { count: refused })}`) : null),
    details,
  );
}

/**
 * What the usage cell holds until its numbers are in (or when they could not be read): the same
 * height as the chart, its line and the disclosure, so rows do not grow under the reader's eyes
 * (and the page does not jump) when the numbers arrive.
 * @example cell.replaceChildren(usagePlaceholder(l10n.text('usageLoading'), 'muted'))
 */
export function usagePlaceholder(text: string, tone: 'muted' | 'error'): HTMLElement {
  return h('div', { class: 'usage pending' }, h('span', { class: 'chart' }), h('span', { class: `line ${tone}` }, text), h('span', { class: 'summary-space' }));
}
