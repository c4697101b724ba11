import type { Context } from 'hono';
import type { Language } from '../core/article';

/** The Hono environment of the app: the reader's language, once a route knows it, for error pages. */
export type ReaderEnv = { Variables: { readerLang: Language | undefined } };

/** Tells the error handler which language this request's reader reads (their first). */
export function speakTo(c: Context<ReaderEnv>, lang: Language): void {
  c.set('readerLang', lang);
}

/** The reader's language when a route learnt it; undefined for anonymous requests (a bilingual page). */
export function readerLanguageOf(c: Context<ReaderEnv>): Language | undefined {
  return c.get('readerLang');
}
