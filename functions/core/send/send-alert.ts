import { createHash } from 'node:crypto';
import type { Article } from '../article';
import { NotFoundError } from '../errors';
import type { NewArticleListener } from '../ingest/announce';
import { sameUrl } from '../ingest/pairing';
import { type Issue, untouchedIssue } from '../issue';
import { variantFor } from '../mail/variant';
import type { ArticleRepo, DeliveryRepo, MailRenderer } from '../ports';
import type { Cadence, FanOutReader } from '../subscriber';
import { wantsTopics } from './audience';
import { type FanOutDeps, type FanOutResult, fanOut, type ReaderSelection, settleFanOut } from './fan-out';
import { type QuietHours, quietUntil } from './quiet-hours';

export interface AlertDeps extends FanOutDeps {
  articles: ArticleRepo;
  renderer: MailRenderer;
  /** Where a reader's story is claimed, so an article and its translation alert them once. */
  deliveries: Pick<DeliveryRepo, 'claimStory' | 'releaseStory'>;
  /** Alerts arriving inside these are held until they end (urgent ones excepted); none: never held. */
  quietHours?: QuietHours;
}

/** How far back, from an article's publication, its translation is looked for among stored articles. */
export const translationLookbackMs = 14 * 24 * 60 * 60 * 1000;

/**
 * The translation of an article as its alert sees it: the pairing ingest stored, or else the pairing
 * rule applied now, because ingest writes the pairing only after the article's INSERT has reached the
 * stream, and resolves a link to a post not yet stored only when that feed is read again. By the rule,
 * the translation is an article of the other language, paired with no other, that this article links
 * to or that links to this article (with or without the trailing slash), published at most
 * `translationLookbackMs` before it or any time after. Read only: ingest writes the pairing.
 */
export async function translationFor(article: Article, articles: ArticleRepo): Promise<Article | undefined> {
  if (article.translationId) return articles.get(article.translationId);
  const other = article.lang === 'ar' ? 'en' : 'ar';
  const free = (candidate: Article) =>
    candidate.lang === other &&
    (candidate.translationId === undefined || candidate.translationId === article.id);
  for (const link of article.translationUrls ?? []) {
    for (const url of sameUrl(link)) {
      const linked = (await articles.findByUrl(url)).find(free);
      if (linked) return linked;
    }
  }
  const here = new Set(sameUrl(article.url));
  const since = new Date(Date.parse(article.publishedAt) - translationLookbackMs).toISOString();
  const candidates = await articles.listPublished({ lang: other, since });
  return candidates.find(
    (candidate) => free(candidate) && (candidate.translationUrls ?? []).some((url) => here.has(url)),
  );
}

/** An alert's issue id: one per article, so a stream record delivered twice makes one alert. */
export function alertIssueId(articleId: string): string {
  return `alert-${createHash('sha256').update(articleId).digest('base64url').slice(0, 22)}`;
}

/**
 * Who gets an alert for a new article, and with what: instant readers on its topics whose languages
 * include its language (with its translation beside it in a bilingual variant); for an urgent article
 * also daily and weekly readers who asked for urgent alerts.
 */
export function alertSelection(article: Article, translation: Article | undefined) {
  return (reader: FanOutReader) => {
    if (reader.cadence !== 'instant' && !(article.urgent && reader.urgentAlerts)) return undefined;
    if (!wantsTopics(reader.topics, article.topics)) return undefined;
    if (!reader.languages.includes(article.lang)) return undefined;
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
  | { status: 'held'; issue: Issue }
  | { status: Exclude<Issue['status'], 'held'>; issue: Issue; fanOut: FanOutResult };

/**
 * Sends the alert of one newly stored article, once. An alert that arrives inside quiet hours is
 * stored `held` with `sendAfter` = their end, and `releaseHeldAlerts` sends it then: the hold is a
 * record, not a timer, so a restart loses nothing. Urgent alerts are never held: readers asked for
 * them to hear of danger when it happens, and by morning it may be too late to act on.
 */
export async function sendAlert(article: Article, deps: AlertDeps): Promise<AlertOutcome> {
  const arrived = deps.clock.now();
  const now = arrived.toISOString();
  const translation = await translationFor(article, deps.articles);
  const sendAfter = article.urgent ? undefined : quietUntil(arrived, deps.quietHours);
  const { issue, created } = await deps.issues.createOnce({
    id: alertIssueId(article.id),
    kind: 'alert',
    articleIds: [article.id, ...(translation ? [translation.id] : [])],
    status: sendAfter ? 'held' : 'sending',
    ...(sendAfter ? { sendAfter: sendAfter.toISOString() } : {}),
    ...untouchedIssue(now),
  });
  if (!created && issue.fannedOut) return { status: 'already-sent', issue };
  if (issue.status === 'held') return { status: 'held', issue };
  return fanOutAlert(issue, article, translation, deps);
}

/**
 * The alert's selection, once per story for a reader of both languages: before such a reader is
 * enqueued, the issue claims the reader's story — the article's, and its translation's when known,
 * in one order for every alert (the ids sorted), stopping at the first claim another alert holds.
 * The alerts of an article and of its translation, in whichever order and however late either
 * learns of the other, thus reach such a reader once: each claims its own article's story, and the
 * one that knows the pair claims both, so they meet on at least one. A reader of one language can
 * only ever be in one of the two audiences, and claims nothing.
 */
function oncePerStory(
  issue: Issue,
  article: Article,
  translation: Article | undefined,
  deps: AlertDeps,
): ReaderSelection {
  const select = alertSelection(article, translation);
  const stories = [article.id, ...(translation ? [translation.id] : [])].sort();
  return async (reader) => {
    const selection = select(reader);
    if (!selection || reader.languages.length < 2) return selection;
    const now = deps.clock.now();
    const claimed: string[] = [];
    for (const story of stories) {
      if (!(await deps.deliveries.claimStory(story, reader.id, issue.id, now))) {
        for (const held of claimed) await deps.deliveries.releaseStory(held, reader.id, issue.id);
        return undefined;
      }
      claimed.push(story);
    }
    return selection;
  };
}

/**
 * Fans an alert issue out (or the rest of it) and settles its status once every outcome is in. A
 * reader of both languages whom the alert of the article's translation reached is left out.
 */
async function fanOutAlert(
  issue: Issue,
  article: Article,
  translation: Article | undefined,
  deps: AlertDeps,
): Promise<AlertOutcome> {
  const cadences: Cadence[] = article.urgent ? ['instant', 'daily', 'weekly'] : ['instant'];
  const result = await fanOut(
    issue,
    cadences,
    oncePerStory(issue, article, translation, deps),
    (variant, articles) => deps.renderer.renderAlert({ issueId: issue.id, variant, articles }),
    deps,
  );
  const stored = await settleFanOut(issue.id, deps);
  return { status: stored.status as Exclude<Issue['status'], 'held'>, issue: stored, fanOut: result };
}

export type AlertNowOutcome =
  | AlertOutcome
  /** The alert is being sent already (another sweep or staff member started it): nothing more to do. */
  | { status: 'under-way'; issue: Issue };

/**
 * Staff send an article's alert now: an alert held for quiet hours goes at once (taken from `held`
 * with a conditional write, as the sweep takes it); an article that has no alert yet is alerted at
 * once, quiet hours or not. An alert that went out already is not sent again (`already-sent`): one
 * alert per article. A NotFoundError for an unknown article.
 */
export async function sendAlertNow(articleId: string, deps: AlertDeps): Promise<AlertNowOutcome> {
  const article = await deps.articles.get(articleId);
  if (!article) throw new NotFoundError(`no article ${articleId}`);
  const issue = await deps.issues.get(alertIssueId(article.id));
  if (!issue) return sendAlert(article, { ...deps, quietHours: undefined });
  if (issue.fannedOut) return { status: 'already-sent', issue };
  const now = deps.clock.now().toISOString();
  if (issue.status !== 'held' || !(await deps.issues.setStatus(issue.id, 'sending', now, ['held'])))
    return { status: 'under-way', issue: (await deps.issues.get(issue.id)) ?? issue };
  const translation = await translationFor(article, deps.articles);
  return fanOutAlert({ ...issue, status: 'sending' }, article, translation, deps);
}

/** How far back the sweep looks for held alerts: quiet hours last less than a day. */
const heldLookbackMs = 2 * 24 * 60 * 60 * 1000;
/** A released alert whose fan-out has not moved for this long died on the way: the sweep resumes it. */
export const stalledReleaseMs = 15 * 60 * 1000;

export interface ReleaseReport {
  released: string[];
  resumed: string[];
}

/**
 * The held-alert sweep (a fixed clock on AWS, the local scheduler in `nashra dev`): sends each held
 * alert whose quiet hours are over, oldest first, so an article and its translation held together
 * pair as they would have by day. Each is taken with a conditional write from `held` to `sending`:
 * of two sweeps, one sends it. A released alert whose fan-out stalled (the sweep died) is resumed;
 * the delivery claims keep a resumed fan-out from mailing anyone twice.
 */
export async function releaseHeldAlerts(deps: AlertDeps): Promise<ReleaseReport> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - heldLookbackMs).toISOString();
  const report: ReleaseReport = { released: [], resumed: [] };
  const candidates = (await deps.issues.listSince(since))
    .filter((issue) => issue.kind === 'alert' && issue.sendAfter !== undefined && !issue.fannedOut)
    .reverse();
  for (const issue of candidates) {
    if (issue.status === 'held') {
      if (Date.parse(issue.sendAfter ?? '') > now.getTime()) continue;
      if (!(await deps.issues.setStatus(issue.id, 'sending', now.toISOString(), ['held']))) continue;
      report.released.push(issue.id);
    } else if (
      issue.status === 'sending' &&
      Date.parse(issue.updatedAt) <= now.getTime() - stalledReleaseMs
    ) {
      report.resumed.push(issue.id);
    } else {
      continue;
    }
    const article = await deps.articles.get(issue.articleIds[0] ?? '');
    if (!article) {
      await deps.issues.markFannedOut(issue.id, now.toISOString());
      await deps.issues.setStatus(issue.id, 'empty', now.toISOString(), ['sending']);
      continue;
    }
    // Look for the translation now: it may have been stored or paired while the alert was held.
    const translation = await translationFor(article, deps.articles);
    await fanOutAlert({ ...issue, status: 'sending' }, article, translation, deps);
  }
  return report;
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
