import { createHash } from 'node:crypto';
import type { Article } from '../article';
import type { NewArticleListener } from '../ingest/announce';
import { finalStatus, type Issue } from '../issue';
import type { ArticleRepo } from '../ports';
import type { MailRenderer } from '../render/render-mail';
import { variantFor } from '../render/variant';
import type { Cadence, Subscriber } from '../subscriber';
import { wantsTopics } from './audience';
import { type FanOutDeps, type FanOutResult, fanOut } from './fan-out';

export interface AlertDeps extends FanOutDeps {
  articles: ArticleRepo;
  renderer: MailRenderer;
}

/** An alert's issue id: one per article, so a stream record delivered twice makes one alert. */
export function alertIssueId(articleId: string): string {
  return `alert-${createHash('sha256').update(articleId).digest('base64url').slice(0, 22)}`;
}

/**
 * Who gets an alert for a new article, and with what: instant readers on its topics whose languages
 * include its language (with its translation beside it in a bilingual variant); for an urgent article
 * also daily and weekly readers who asked for urgent alerts. A reader who already had the alert of
 * this article's translation in a language they read is not alerted again for the same story.
 */
export function alertSelection(
  article: Article,
  translation: Article | undefined,
  translationAlerted: boolean,
) {
  return (reader: Subscriber) => {
    if (reader.cadence !== 'instant' && !(article.urgent && reader.urgentAlerts)) return undefined;
    if (!wantsTopics(reader.topics, article.topics)) return undefined;
    if (!reader.languages.includes(article.lang)) return undefined;
    if (translation && translationAlerted && reader.languages.includes(translation.lang)) return undefined;
    const articles = [
      article,
      ...(translation && reader.languages.includes(translation.lang) ? [translation] : []),
    ];
    return {
      variant: variantFor(reader.languages.filter((lang) => articles.some((a) => a.lang === lang))),
      articles,
    };
  };
}

export type AlertOutcome =
  | { status: 'already-sent'; issue: Issue }
  | { status: Issue['status']; issue: Issue; fanOut: FanOutResult };

/** Sends the alert of one newly stored article, once. */
export async function sendAlert(article: Article, deps: AlertDeps): Promise<AlertOutcome> {
  const now = deps.clock.now().toISOString();
  const translation = article.translationId ? await deps.articles.get(article.translationId) : undefined;
  const translationAlerted = translation
    ? (await deps.issues.get(alertIssueId(translation.id)))?.fannedOut === true
    : false;
  const { issue, created } = await deps.issues.createOnce({
    id: alertIssueId(article.id),
    kind: 'alert',
    articleIds: [article.id, ...(translation ? [translation.id] : [])],
    status: 'sending',
    variantKeys: [],
    fannedOut: false,
    fanOutPosition: '',
    recipients: 0,
    sent: 0,
    skipped: 0,
    failed: 0,
    createdAt: now,
    updatedAt: now,
  });
  if (!created && issue.fannedOut) return { status: 'already-sent', issue };

  const cadences: Cadence[] = article.urgent ? ['instant', 'daily', 'weekly'] : ['instant'];
  const result = await fanOut(
    issue,
    cadences,
    alertSelection(article, translation, translationAlerted),
    (variant, articles) => deps.renderer.renderAlert({ issueId: issue.id, variant, articles }),
    deps,
  );
  const fannedOut = await deps.issues.markFannedOut(issue.id, deps.clock.now().toISOString());
  const status = finalStatus(fannedOut);
  if (status) await deps.issues.setStatus(issue.id, status, deps.clock.now().toISOString(), ['sending']);
  const stored = (await deps.issues.get(issue.id)) ?? fannedOut;
  return { status: stored.status, issue: stored, fanOut: result };
}

/**
 * The alert path as the stream consumer's listener. The article is read again first: its translation
 * may have been paired after the write that produced the stream record.
 */
export function alertListener(deps: AlertDeps): NewArticleListener {
  return {
    articleStored: async (article) => {
      await sendAlert((await deps.articles.get(article.id)) ?? article, deps);
    },
  };
}
