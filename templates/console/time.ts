import { html, type SafeHtml } from '../escape';
import type { Language } from '../language';

/*
 * Times as the console shows them: in the network's time zone, named, in the page's language.
 * (A local formatter until functions/core/time.ts's `formatStaffTime` is in this tree; that one speaks
 * English only, this one both languages, so the console keeps this one for its pages.)
 */

const locales: Record<Language, string> = { ar: 'ar-IQ-u-nu-latn', en: 'en-GB' };

function formatter(lang: Language, timeZone: string, zoneName: boolean): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locales[lang], {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(zoneName ? { timeZoneName: 'shortGeneric' as const } : {}),
  });
}

/** `30 Nov 2026, 09:15 Iraq Time` / `30 تشرين الثاني 2026 في 09:15 توقيت العراق`. */
export function consoleTime(instant: string | Date, lang: Language, timeZone: string): string {
  return formatter(lang, timeZone, true).format(new Date(instant));
}

/** The time zone's name in the page's language: `Iraq Time`, `توقيت العراق`. */
export function zoneName(lang: Language, timeZone: string): string {
  const parts = formatter(lang, timeZone, true).formatToParts(new Date());
  return parts.find((part) => part.type === 'timeZoneName')?.value ?? timeZone;
}

/** A `<time>` element: the instant for machines, the network's local time (no zone) for people. */
export function timeElement(instant: string, lang: Language, timeZone: string): SafeHtml {
  return html`<time datetime="${new Date(instant).toISOString()}">${formatter(lang, timeZone, false).format(new Date(instant))}</time>`;
}
