import type { Language } from '../core/article';

/**
 * Iraqi month names with Western digits, as the network's Arabic site writes dates (`3 كانون الثاني
 * 2014`), and British English (`3 January 2014`).
 */
const locales: Record<Language, string> = { ar: 'ar-IQ-u-nu-latn', en: 'en-GB' };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: Language, timeZone: string): Intl.DateTimeFormat {
  const key = `${lang} ${timeZone}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locales[lang], {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone,
    });
    formatters.set(key, format);
  }
  return format;
}

/** The calendar date of an instant in the reader's language, in the given time zone. */
export function formatDate(instant: string | Date, lang: Language, timeZone: string): string {
  return formatter(lang, timeZone).format(new Date(instant));
}

/**
 * A digest window [start, end) as dates: the last day shown is the one holding the window's last
 * instant, so a window ending at midnight does not announce the next day. One day shows as one date.
 */
export function formatWindow(
  window: { start: string; end: string },
  lang: Language,
  timeZone: string,
): string {
  const start = new Date(window.start);
  const end = new Date(Math.max(start.getTime(), new Date(window.end).getTime() - 1));
  return formatter(lang, timeZone).formatRange(start, end);
}
