import type { Language } from '../article';

/** `ar`, `ar-IQ`, `en-GB`… → the language nashra publishes; another language → undefined. */
export function languageFromTag(tag: string | undefined): Language | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return primary === 'ar' || primary === 'en' ? primary : undefined;
}

const arabicLetter = /[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]/gu;
const latinLetter = /[A-Za-z\u00c0-\u024f]/g;

/**
 * The language of a text by its script: Arabic when Arabic letters are at least as many as Latin ones.
 * Arabic articles carry English names (Aegis, Sandline International), so a count, not a first
 * letter, decides. Undefined when the text has letters of neither script.
 */
export function detectLanguage(text: string): Language | undefined {
  const arabic = text.match(arabicLetter)?.length ?? 0;
  const latin = text.match(latinLetter)?.length ?? 0;
  if (arabic === 0 && latin === 0) return undefined;
  return arabic >= latin ? 'ar' : 'en';
}
