import type { Article } from '../core/article';
import { languagesOf, type MailVariant } from '../core/mail/variant';

/** One card of a mail: an article alone, or an article and its translation in the reader's order. */
export type ArticleEntry = [Article] | [Article, Article];

/**
 * Chooses and orders the articles of one variant. A single-language variant carries only the articles
 * in its language. A bilingual variant pairs each article with its translation when both are given
 * (linked by `translationId` either way) and shows the reader's first language first; an article
 * without a translation appears alone in its own language. Entries are newest first.
 */
export function arrangeArticles(articles: readonly Article[], variant: MailVariant): ArticleEntry[] {
  const languages = languagesOf(variant);
  const byId = new Map(articles.map((article) => [article.id, article]));
  const placed = new Set<string>();
  const entries: ArticleEntry[] = [];
  for (const article of articles) {
    if (placed.has(article.id) || !languages.includes(article.lang)) continue;
    placed.add(article.id);
    const translation = languages.length === 2 ? translationOf(article, byId) : undefined;
    if (translation && !placed.has(translation.id)) {
      placed.add(translation.id);
      entries.push(article.lang === languages[0] ? [article, translation] : [translation, article]);
    } else {
      entries.push([article]);
    }
  }
  return entries.sort((a, b) => newest(b).localeCompare(newest(a)));
}

function translationOf(article: Article, byId: Map<string, Article>): Article | undefined {
  const linked = article.translationId ? byId.get(article.translationId) : undefined;
  if (linked && linked.lang !== article.lang) return linked;
  for (const other of byId.values()) {
    if (other.translationId === article.id && other.lang !== article.lang) return other;
  }
  return undefined;
}

function newest(entry: ArticleEntry): string {
  // ISO instants in UTC: string order is time order.
  return (
    entry
      .map((article) => article.publishedAt)
      .sort()
      .at(-1) ?? ''
  );
}
