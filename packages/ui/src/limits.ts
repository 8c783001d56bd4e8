// A token's limits (rate limit, credits, refill): the fields that set them, in the create form and
// in the Limits dialog, reading them back, and the row's summary of them.
import { RATE_WINDOWS, REFILL_INTERVALS, type LimitFields, type RateWindow, type RefillInterval, type TokenListItem } from './api.js';
import { h } from './dom.js';
import type { Localizer } from './i18n.js';
import { errorSlot, field } from './templates.js';

const WINDOWS = Object.keys(RATE_WINDOWS) as RateWindow[];
const windowOf = (ms: number) => WINDOWS.find((w) => RATE_WINDOWS[w] === ms);

/** The window's name: "minute", or "90 seconds" for one the API was given in ms. */
const windowText = (l10n: Localizer, ms: number) => {
  const name = windowOf(ms);
  return name ? l10n.text(`window${name}`) : l10n.text('windowSeconds', { count: ms / 1000 });
};

/**
 * The limit fields, their ids prefixed with `prefix` (`${prefix}-limit`, `-window`, `-credits`,
 * `-refill`; error slots `-rate-error` and `-credits-error`), filled in from `token` when given.
 * @example form.append(limitFieldsTemplate(l10n, 'create'))
 */
export function limitFieldsTemplate(l10n: Localizer, prefix: string, token?: TokenListItem): HTMLElement {
  const t = l10n.text;
  const id = (name: string) => `${prefix}-${name}`;
  const rate = token?.rateLimit ?? null;
  const windows = WINDOWS.map((w) => h('option', { value: w, selected: rate ? RATE_WINDOWS[w] === rate.window : w === '1m' }, t(`window${w}`)));
  // A window set through the API in ms that no preset names is kept as it is.
  if (rate && !windowOf(rate.window)) windows.push(h('option', { value: String(rate.window), selected: true }, windowText(l10n, rate.window)));
  const number = (name: string, value: number | null | undefined, min: number, describedBy: string) =>
    h('input', { id: id(name), type: 'number', inputmode: 'numeric', min, step: 1, part: 'input', value: value ?? '', autocomplete: 'off', 'aria-describedby': `${id('hint')} ${describedBy}` });
  return h(
    'div',
    { class: 'fields limits' },
    field(id('limit'), t('rateLimitLabel'), number('limit', rate?.limit, 1, id('rate-error')), errorSlot(id('rate-error'))),
    field(id('window'), t('windowLabel'), h('select', { id: id('window'), part: 'select' }, ...windows)),
    field(id('credits'), t('creditsLabel'), number('credits', token?.remaining, 0, id('credits-error')), errorSlot(id('credits-error'))),
    field(
      id('refill'),
      t('refillLabel'),
      h(
        'select',
        { id: id('refill'), part: 'select', 'aria-describedby': id('credits-error') },
        h('option', { value: '' }, t('refillNever')),
        ...REFILL_INTERVALS.map((i) => h('option', { value: i, selected: token?.refill?.interval === i }, t(`refill${i}`))),
      ),
    ),
    h('p', { id: id('hint'), class: 'hint' }, t('limitsHint')),
  );
}

/** What the limit fields say, as the API takes it: an empty field is null (no limit). */
export interface LimitsInput {
  rateLimit: NonNullable<LimitFields['rateLimit']> | null;
  remaining: number | null;
  refill: { amount: number; interval: RefillInterval } | null;
}

/**
 * Reads the limit fields under `root`. A refill needs the credits it refills to: without them
 * the answer is the error slot to fill. Numbers are passed on as typed: the server checks them.
 * @example const limits = readLimits(shadowRoot, 'create'); if ('missing' in limits) showError(limits.missing);
 */
export function readLimits(root: ShadowRoot, prefix: string): LimitsInput | { missing: string } {
  const value = (name: string) => root.getElementById(`${prefix}-${name}`) as HTMLInputElement | HTMLSelectElement;
  const num = (name: string) => (value(name).value.trim() === '' ? null : Number(value(name).value));
  const limit = num('limit');
  const windowValue = value('window').value;
  const credits = num('credits');
  const interval = value('refill').value as RefillInterval | '';
  if (interval && credits === null) return { missing: `${prefix}-credits` };
  return {
    rateLimit: limit === null ? null : { limit, window: WINDOWS.includes(windowValue as RateWindow) ? (windowValue as RateWindow) : Number(windowValue) },
    remaining: credits,
    refill: interval && credits !== null ? { amount: credits, interval } : null,
  };
}

/**
 * Which error slot a server-side validation path of a limit field belongs to, or undefined.
 * @example limitErrorSlot('rateLimit.window', 'create') // 'create-rate-error'
 */
export function limitErrorSlot(path: string, prefix: string): string | undefined {
  const head = path.split('.')[0];
  return head === 'rateLimit' ? `${prefix}-rate-error` : head === 'remaining' || head === 'refill' ? `${prefix}-credits-error` : undefined;
}

/**
 * A row's limits, one line each: the credits left (of the refill amount) and the rate limit.
 * @example cell('limits', 'Limits', ...limitsSummary(token, l10n))
 */
export function limitsSummary(token: TokenListItem, l10n: Localizer): (Node | string)[] {
  const lines: Node[] = [];
  if (token.remaining !== null) {
    const count = token.remaining;
    const text = token.refill ? l10n.text('creditsRefill', { count, amount: token.refill.amount }) : l10n.text('creditsLeft', { count });
    lines.push(h('span', { class: 'line', part: 'credits', 'data-remaining': token.remaining }, text));
  }
  if (token.rateLimit) lines.push(h('span', { class: 'line', part: 'rate-limit' }, l10n.text('rateShown', { count: token.rateLimit.limit, window: windowText(l10n, token.rateLimit.window) })));
  return lines.length ? lines : [l10n.text('limitsNone')];
}
