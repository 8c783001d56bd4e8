// A secret GitHub's secret scanning found in public, as the token's row and the Activity view show
// it: a "Leaked" badge (words, not only the danger colour) and where it was found. Pure builders.
import type { TokenLeak } from './api.js';
import { h } from './dom.js';
import type { Localizer } from './i18n.js';

/**
 * The report's public URL, if it is a web address: anything else is shown as text, never as a link.
 * @example webUrl('https://github.com/o/r/blob/main/.env') // 'https://github.com/o/r/blob/main/.env'
 */
export function webUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * The "Leaked" badge.
 * @example cell.append(leakedBadge(l10n))
 */
export const leakedBadge = (l10n: Localizer): HTMLElement => h('span', { class: 'badge status leaked', part: 'badge leaked' }, l10n.text('leakedBadge'));

/**
 * "Found at <link>", or null when the report named no place.
 * @example foundAt('https://gist.github.com/someone/abc', l10n)
 */
export function foundAt(value: unknown, l10n: Localizer): HTMLElement | null {
  if (typeof value !== 'string' || !value) return null;
  const url = webUrl(value);
  // rel: the page the leak was found on learns nothing about this one.
  return h('span', { class: 'line' }, `${l10n.text('leakFoundAt')} `, url ? h('a', { href: url, rel: 'noopener noreferrer nofollow', dir: 'ltr', part: 'link' }, url) : h('bdi', {}, value));
}

/**
 * What a token's status says about a leak it still carries: the badge, when it was found, where,
 * and what to do (roll the secret, or delete the token), all as text a screen reader reads in the cell.
 * @example statusCell.append(...leakNotes(token.leak, l10n))
 */
export function leakNotes(leak: TokenLeak, l10n: Localizer): (Node | string)[] {
  const line = (text: string) => h('span', { class: 'line' }, text);
  return [' ', leakedBadge(l10n), h('span', { class: 'leak-notes', part: 'leak' }, line(l10n.text('leakFoundOn', { date: l10n.dates.dateTime(leak.at) })), foundAt(leak.url, l10n), line(l10n.text('leakAdvice')))];
}
