import type { Language } from '../article';
import type { DeliveryStatus } from '../issue';
import type { ArticleRepo, DeliveryRepo, SubscriberRepo } from '../ports';

/** One reader of an issue and what became of their mail, as staff follow an issue. */
export interface IssueRecipient {
  subscriberId: string;
  /** The reader's address, for staff only; absent when the reader was erased since. */
  email?: string;
  status: DeliveryStatus;
  /** The variant the reader was sent (`ar`, `en`, `ar+en`, `en+ar`), when the delivery names one. */
  variant?: string;
  /** Why a mail was skipped or failed. */
  reason?: string;
  /** The mail service's message id of a sent mail. */
  messageId?: string;
  /** When the delivery last changed. */
  at: string;
}

/** The largest page `SubscriberRepo.getMany` takes. */
const maxPage = 100;

/**
 * Every reader of an issue with their delivery's outcome (sent; skipped and why; failed and why;
 * parked; sending while a sender holds it), page by page: one page of deliveries and one batch read of
 * their readers at a time, so an issue of any size is listed in bounded memory as the lines come.
 * Readers whose job is still queued have no delivery yet and are not listed (the issue's counts say
 * how many).
 */
export async function* issueRecipients(
  issueId: string,
  deps: {
    deliveries: Pick<DeliveryRepo, 'pageForIssue'>;
    subscribers: Pick<SubscriberRepo, 'getMany'>;
  },
  pageSize = maxPage,
): AsyncGenerator<IssueRecipient> {
  const limit = Math.min(Math.max(1, pageSize), maxPage);
  let cursor: string | undefined;
  do {
    const page = await deps.deliveries.pageForIssue(issueId, { cursor, limit });
    const readers = await deps.subscribers.getMany(page.deliveries.map((d) => d.subscriberId));
    for (const delivery of page.deliveries) {
      const email = readers.get(delivery.subscriberId)?.email;
      const variant = delivery.variantKey?.split('.')[0];
      yield {
        subscriberId: delivery.subscriberId,
        ...(email ? { email } : {}),
        status: delivery.status,
        ...(variant ? { variant } : {}),
        ...(delivery.reason ? { reason: delivery.reason } : {}),
        ...(delivery.messageId ? { messageId: delivery.messageId } : {}),
        at: delivery.updatedAt,
      };
    }
    cursor = page.cursor;
  } while (cursor);
}

/** An article of an issue as staff read it named; `missing` when it is no longer stored. */
export type IssueArticle = { id: string; lang: Language; title: string } | { id: string; missing: true };

/** The articles an issue carried, in its order, each by title and language. */
export async function issueArticles(
  articleIds: readonly string[],
  articles: Pick<ArticleRepo, 'get'>,
): Promise<IssueArticle[]> {
  return Promise.all(
    articleIds.map(async (id): Promise<IssueArticle> => {
      const article = await articles.get(id);
      return article ? { id, lang: article.lang, title: article.title } : { id, missing: true };
    }),
  );
}
