import { escapeHtml } from '../../templates/escape';
import type { Language } from '../core/article';

const latinLetter = 'A-Za-z\\u00C0-\\u024F';
const arabicLetter = '\\u0600-\\u06FF\\u0750-\\u077F\\u08A0-\\u08FF\\uFB50-\\uFDFF\\uFE70-\\uFEFF';

/**
 * A run of the other script: a word of it, and the words, digits and joining punctuation that follow,
 * ending on a letter or digit so that the sentence's own punctuation stays in the surrounding flow
 * (`Sandline International`, `Aegis`).
 */
function foreignRun(letters: string): RegExp {
  return new RegExp(`[${letters}](?:[${letters}0-9'’&.\\-]|\\s+(?=[${letters}0-9]))*`, 'g');
}

const foreign: Record<Language, { pattern: RegExp; lang: Language; dir: 'ltr' | 'rtl' }> = {
  ar: { pattern: foreignRun(latinLetter), lang: 'en', dir: 'ltr' },
  en: { pattern: foreignRun(arabicLetter), lang: 'ar', dir: 'rtl' },
};

/**
 * Escapes text of one language for HTML and isolates each run of the other script in a
 * `<span dir lang>`: Latin names in Arabic text become `<span dir="ltr" lang="en">Aegis</span>`. A
 * `dir` attribute makes the span a bidi isolate (HTML's `[dir] { unicode-bidi: isolate }`), so the name
 * keeps its place and its own order inside the sentence, and a screen reader switches voice for it.
 */
export function isolateForeignRuns(text: string, lang: Language): string {
  const { pattern, lang: runLang, dir } = foreign[lang];
  let out = '';
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const run = match[0].replace(/[.'’&-]+$/, '');
    out += escapeHtml(text.slice(last, match.index));
    out += `<span dir="${dir}" lang="${runLang}">${escapeHtml(run)}</span>`;
    last = match.index + run.length;
  }
  return out + escapeHtml(text.slice(last));
}
