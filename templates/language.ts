/**
 * The templates' own words for language and direction. Templates take view values and never import the
 * core: the renderer (functions/render) maps the core's values onto these.
 */
export type Language = 'ar' | 'en';

/** Right-to-left for Arabic: the `dir` of a block in that language. */
export function directionOf(lang: Language): 'rtl' | 'ltr' {
  return lang === 'ar' ? 'rtl' : 'ltr';
}
