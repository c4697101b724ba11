import type { Article, Language } from './article';
import { ValidationError } from './errors';
import type { ArticleRepo, Clock } from './ports';

/** How far back a search looks unless told otherwise: a season of articles. */
export const searchLookbackDays = 90;

export interface ArticleSearch {
  /** Words to find in the title, summary, id or URL (case and accents of Latin letters do not matter); empty: every article. */
  text?: string;
  lang?: Language;
  /** Only articles published at or after this instant; absent: the last `searchLookbackDays` days. */
  since?: string;
  /** At most this many, newest first. */
  limit: number;
}

/** Lower case without Latin accents, Arabic tashkeel or tatweel, so a search matches as people expect. */
function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f\u064b-\u065f\u0670\u0640]/g, '')
    .toLowerCase();
}

/**
 * Articles for staff to find, newest first: those published in the search's span, in its language,
 * whose title, summary, id or URL holds every word of `text`. Returns the articles and whether more
 * matched than `limit`.
 */
export async function findArticles(
  search: ArticleSearch,
  deps: { articles: ArticleRepo; clock: Clock },
): Promise<{ articles: Article[]; more: boolean }> {
  if (search.limit < 1) throw new ValidationError('a search returns at least one article');
  const since =
    search.since ?? new Date(deps.clock.now().getTime() - searchLookbackDays * 86_400_000).toISOString();
  const words = fold(search.text ?? '')
    .split(/\s+/)
    .filter(Boolean);
  const published = await deps.articles.listPublished({
    since,
    ...(search.lang ? { lang: search.lang } : {}),
  });
  const matching = published.filter((article) => {
    const haystack = fold([article.title, article.summary, article.id, article.url].join(' '));
    return words.every((word) => haystack.includes(word));
  });
  return { articles: matching.slice(0, search.limit), more: matching.length > search.limit };
}

/** Staff mark an article urgent or not (see `ArticleRepo.setUrgent`); a NotFoundError for an unknown one. */
export function setArticleUrgent(
  id: string,
  urgent: boolean,
  deps: { articles: ArticleRepo; clock: Clock },
): Promise<Article> {
  return deps.articles.setUrgent(id, urgent, deps.clock.now().toISOString());
}
