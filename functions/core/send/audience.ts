import { createHash } from 'node:crypto';
import type { Article } from '../article';
import type { MailVariant } from '../mail/variant';
import type { Subscriber } from '../subscriber';

/** True when a reader's topics (none = every topic) meet an article's. */
export function wantsTopics(readerTopics: readonly string[], articleTopics: readonly string[]): boolean {
  return readerTopics.length === 0 || articleTopics.some((topic) => readerTopics.includes(topic));
}

/** The articles of a digest one reader gets: in their languages and on their topics. */
export function articlesForReader(
  reader: Pick<Subscriber, 'languages' | 'topics'>,
  articles: readonly Article[],
): Article[] {
  return articles.filter(
    (article) => reader.languages.includes(article.lang) && wantsTopics(reader.topics, article.topics),
  );
}

/**
 * The key a compiled variant is stored and reused under: the variant and the exact articles it
 * carries, so readers who get the same articles in the same variant share one render.
 */
export function variantKey(variant: MailVariant, articles: readonly Pick<Article, 'id'>[]): string {
  const ids = articles.map((a) => a.id).sort();
  return `${variant}.${createHash('sha256').update(ids.join('\n')).digest('base64url').slice(0, 16)}`;
}
