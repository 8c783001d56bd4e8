// One object that speaks the page's language: its messages, numbers and dates. Every part of the
// page asks it for text, so a replaced string or another locale reaches every corner at once.
import { dateFormatter, type DateFormatter } from './dates.js';
import { h } from './dom.js';
import { format, type StringKey, type Strings } from './strings.js';

export type Params = Record<string, string | number>;

export interface Localizer {
  /** The BCP 47 locale used for numbers, dates and plural rules. */
  readonly locale: string;
  readonly dates: DateFormatter;
  /** Plain text, for `aria-label`s and announcements (read aloud, so no isolation is needed). */
  text(key: StringKey, params?: Params): string;
  /**
   * Text to show: each string parameter (a token's or a project's name, from users) is an
   * isolated `<bdi>`, so a right-to-left name never reorders the words around it.
   */
  nodes(key: StringKey, params?: Params): (string | Node)[];
  number(value: number): string;
}

// Private-use characters mark where a parameter landed in a message function's result.
const OPEN = '\uE000';
const CLOSE = '\uE001';

/**
 * The page's language: the `locale` attribute if set, else the nearest `lang` (the page's
 * language), else the browser's.
 * @example pageLocale(element, element.getAttribute('locale')) // 'de-DE' under <html lang="de-DE">
 */
export function pageLocale(element: Element, explicit: string | null): string {
  const lang = explicit || element.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || navigator.language;
  try {
    return Intl.getCanonicalLocales(lang)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

/**
 * Messages from `strings` (English where missing), numbers and dates for `locale`.
 * @example const l10n = createLocalizer({}, 'de'); l10n.text('deletedMany', { count: 3 })
 */
export function createLocalizer(strings: Partial<Strings>, locale: string): Localizer {
  const numbers = new Intl.NumberFormat(locale);
  const text = (key: StringKey, params: Params = {}) => format(strings, key, params, locale);
  return {
    locale,
    dates: dateFormatter(locale),
    text,
    number: (value) => numbers.format(value),
    nodes(key, params = {}) {
      const names: string[] = [];
      const marked: Params = {};
      for (const [name, value] of Object.entries(params)) {
        if (typeof value === 'number') marked[name] = value;
        else marked[name] = `${OPEN}${names.push(value) - 1}${CLOSE}`;
      }
      return text(key, marked)
        .split(new RegExp(`${OPEN}(\\d+)${CLOSE}`))
        .map((part, i) => (i % 2 === 1 ? h('bdi', {}, names[Number(part)] ?? '') : part))
        .filter((part) => part !== '');
    },
  };
}
