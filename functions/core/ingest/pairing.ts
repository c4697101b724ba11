import type { Article } from '../article';
import { NotFoundError, ValidationError } from '../errors';
import type { ArticleRepo } from '../ports';

/** A URL and its twin with or without the trailing slash: WordPress permalinks are linked both ways. */
export function sameUrl(link: string): string[] {
  const url = new URL(link);
  const twin = new URL(link);
  twin.pathname = url.pathname.endsWith('/') ? url.pathname.replace(/\/+$/, '') || '/' : `${url.pathname}/`;
  return [...new Set([url.href, twin.href])];
}

export type PairOutcome = { outcome: 'paired' | 'already paired' } | { outcome: 'conflict'; message: string };

/**
 * Links two articles as translations of each other, on both sides. Pairing is symmetric and one to
 * one: an Arabic article has at most one English translation and the other way round.
 *
 * Each side is written with a condition on the partner it had when read, so a concurrent change is a
 * ConflictError rather than a silent overwrite. Without transactions the two writes are not atomic:
 * they are ordered so that running the same pairing again completes one cut short.
 *
 * `replace` (staff saying so) re-pairs an article that was paired elsewhere and unlinks the old
 * partner; without it (automatic pairing from feeds) an existing different pairing is left alone and
 * reported as a conflict.
 */
export async function pairTranslations(
  repo: ArticleRepo,
  firstId: string,
  secondId: string,
  options: { replace: boolean },
): Promise<PairOutcome> {
  if (firstId === secondId)
    throw new ValidationError(`an article cannot be its own translation (${firstId})`);
  const [first, second] = await Promise.all([repo.get(firstId), repo.get(secondId)]);
  if (!first) throw new NotFoundError(`no article ${firstId}`);
  if (!second) throw new NotFoundError(`no article ${secondId}`);
  if (first.lang === second.lang) {
    throw new ValidationError(
      `${firstId} and ${secondId} are both in ${first.lang === 'ar' ? 'Arabic' : 'English'}; a translation pairs an Arabic and an English article`,
    );
  }
  if (first.translationId === second.id && second.translationId === first.id)
    return { outcome: 'already paired' };

  const elsewhere = (article: Article, partner: Article) =>
    article.translationId !== undefined && article.translationId !== partner.id
      ? article.translationId
      : undefined;
  const firstElsewhere = elsewhere(first, second);
  const secondElsewhere = elsewhere(second, first);
  if (!options.replace && (firstElsewhere || secondElsewhere)) {
    const [article, partner] = firstElsewhere ? [first.id, firstElsewhere] : [second.id, secondElsewhere];
    return { outcome: 'conflict', message: `${article} is already paired with ${partner}` };
  }

  await repo.setTranslation(first.id, second.id, first.translationId);
  await repo.setTranslation(second.id, first.id, second.translationId);
  if (firstElsewhere) await repo.clearTranslation(firstElsewhere, first.id);
  if (secondElsewhere) await repo.clearTranslation(secondElsewhere, second.id);
  return { outcome: 'paired' };
}
