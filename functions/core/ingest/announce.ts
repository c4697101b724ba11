import type { Article } from '../article';

/**
 * Where a newly stored article goes next: the alert path (instant and urgent mail). The stream
 * consumer calls it once per article the store created; edits and re-ingests never reach it.
 */
export interface NewArticleListener {
  articleStored(article: Article): Promise<void>;
}

/**
 * Hands each new article, in stream order, to the listener. Stops at the first failure and returns the
 * articles not yet handed over (the failed one first), so the caller can have the stream retry from
 * there, as DynamoDB Streams does, without announcing the earlier ones twice.
 */
export async function announceNewArticles(
  listener: NewArticleListener,
  articles: Article[],
): Promise<{ failed: Article[]; error?: unknown }> {
  for (const [index, article] of articles.entries()) {
    try {
      await listener.articleStored(article);
    } catch (error) {
      return { failed: articles.slice(index), error };
    }
  }
  return { failed: [] };
}
