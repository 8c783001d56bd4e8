// Dates in the reader's locale and time zone, through Intl only.

export interface DateFormatter {
  /** e.g. "Dec 1, 2026" */
  day(ms: number): string;
  /** e.g. "Dec 1, 2026, 9:14 PM" */
  dateTime(ms: number): string;
  /** "just now", "5 minutes ago", "yesterday"… then the day. */
  relative(ms: number, now: number, justNow: string): string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Formatters for one locale; `undefined` means the browser's.
 * @example dateFormatter('de-DE').day(Date.UTC(2026, 0, 8)) // '08.01.2026' (in a UTC time zone)
 */
export function dateFormatter(locale: string | undefined): DateFormatter {
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  return {
    day: (ms) => day.format(ms),
    dateTime: (ms) => dateTime.format(ms),
    relative(ms, now, justNow) {
      const ago = now - ms;
      if (ago < MINUTE) return justNow;
      if (ago < HOUR) return rtf.format(-Math.floor(ago / MINUTE), 'minute');
      if (ago < DAY) return rtf.format(-Math.floor(ago / HOUR), 'hour');
      if (ago < 7 * DAY) return rtf.format(-Math.floor(ago / DAY), 'day');
      return day.format(ms);
    },
  };
}
