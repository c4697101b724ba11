import type { Language } from './language';

/**
 * Type sizes per language, for mails and pages alike. Arabic letters sit lower and smaller in the em
 * box than Latin ones (their body is short, and the box keeps room for the tall ascenders and the
 * marks above and below), so Arabic set at the English pixel size reads a step smaller beside it, and
 * its marks crowd the lines. Arabic text is therefore set one step (an eighth) larger, with looser
 * leading: 16 px English body text sits beside 18 px Arabic.
 */
export const arabicStep = 1.125;

/** The pixel size for text of a language, from the English size. */
export function fontSize(lang: Language, englishPx: number): number {
  return lang === 'ar' ? Math.round(englishPx * arabicStep) : englishPx;
}

/** The line height for text of a language, from the English one: Arabic gets 0.2 more. */
export function lineHeight(lang: Language, english: number): number {
  return lang === 'ar' ? Math.round((english + 0.2) * 10) / 10 : english;
}

/** The base sizes: body text, and the line height of body text and of headings. */
export const baseType = { mailBody: 16, pageBody: 17, text: 1.6, heading: 1.3 } as const;
