import type { Article } from '../article';
import type { ArticleRepo, Clock } from '../ports';
import { describeItem, type FeedItem, type FeedSource, type ParsedFeed } from './feed-item';
import { type ArticleDraft, normaliseItem } from './normalise';
import { pairTranslations, sameUrl } from './pairing';
import type { IngestRules } from './rules';

/** Reads a feed's bytes from a file or URL; throws an Error whose message says what went wrong. */
export interface FeedReader {
  read(location: string): Promise<Uint8Array>;
}

/** Parses a feed document (RSS, Atom, JSON Feed, a staff JSON list); throws when it is not one. */
export interface FeedParser {
  parse(bytes: Uint8Array): ParsedFeed;
}

export interface IngestDeps {
  articles: ArticleRepo;
  clock: Clock;
  rules: IngestRules;
}

export interface ItemRejection {
  /** Position, title and id of the item, as far as it has them. */
  item: string;
  reason: string;
}

/** What ingesting one feed did. `error` is set when the feed as a whole could not be read or parsed. */
export interface FeedReport {
  feed: string;
  format?: ParsedFeed['format'];
  created: string[];
  updated: string[];
  unchanged: string[];
  rejected: ItemRejection[];
  /** Translation pairs made, as [this article, its translation]. */
  paired: Array<[string, string]>;
  /** Things worth knowing that refused nothing (a pairing left alone, say). */
  notes: string[];
  error?: string;
}

/** True when a report has anything refused: what makes the CLI exit non-zero and the API answer 422. */
export function hasRejections(report: FeedReport): boolean {
  return report.error !== undefined || report.rejected.length > 0;
}

const emptyReport = (feed: string): FeedReport => ({
  feed,
  created: [],
  updated: [],
  unchanged: [],
  rejected: [],
  paired: [],
  notes: [],
});

/**
 * Ingests parsed feeds' items: each item normalised (a bad one rejected with the reason, the others
 * going on), of items sharing an id within the feed the first kept and the later ones refused (naming
 * the one kept), each good item saved idempotently, then
 * translation links resolved and paired. An item is written only once it is fully valid, so nothing is
 * half-written; re-ingesting the same feed reports everything unchanged and creates nothing.
 */
export async function ingestParsedFeed(
  deps: IngestDeps,
  source: FeedSource,
  parsed: ParsedFeed,
): Promise<FeedReport> {
  const report: FeedReport = { ...emptyReport(source.location), format: parsed.format };
  const accepted: Array<{ item: FeedItem; draft: ArticleDraft }> = [];
  for (const item of parsed.items) {
    const result = normaliseItem(item, {
      feedLanguage: parsed.language,
      configuredLanguage: source.lang,
      feedTitle: parsed.title,
      forceUrgent: source.urgent === true,
      rules: deps.rules,
    });
    if (result.ok) accepted.push({ item, draft: result.draft });
    else report.rejected.push({ item: describeItem(item), reason: result.reason });
  }

  // Feeds list newest first, so the first item with an id is the one the site shows now: it is kept,
  // and a later item repeating its id (a feed glitch) is refused rather than silencing both.
  const firstById = new Map<string, FeedItem>();
  const unique = accepted.filter(({ item, draft }) => {
    const first = firstById.get(draft.id);
    if (!first) {
      firstById.set(draft.id, item);
      return true;
    }
    report.rejected.push({
      item: describeItem(item),
      reason: `has the same id (GUID) ${draft.id} as ${describeItem(first)} earlier in this feed: that one is stored, this one is not`,
    });
    return false;
  });

  const stored: ArticleDraft[] = [];
  for (const { item, draft } of unique) {
    try {
      const outcome = await deps.articles.save(await toArticle(deps, draft));
      report[outcome].push(draft.id);
      stored.push(draft);
    } catch (error) {
      report.rejected.push({
        item: describeItem(item),
        reason: `could not be stored: ${(error as Error).message}`,
      });
    }
  }

  const byUrl = new Map(stored.map((draft) => [draft.url, draft]));
  for (const draft of stored) {
    if (draft.translationLinks.length === 0) continue;
    try {
      const translation = await findTranslation(deps.articles, byUrl, draft);
      if (!translation) continue;
      const result = await pairTranslations(deps.articles, draft.id, translation.id, { replace: false });
      if (result.outcome === 'paired') report.paired.push([draft.id, translation.id]);
      if (result.outcome === 'conflict')
        report.notes.push(`not paired with ${translation.id}: ${result.message}`);
    } catch (error) {
      report.notes.push(`${draft.id} not paired: ${(error as Error).message}`);
    }
  }
  return report;
}

/** Reads, parses and ingests each feed; a feed that cannot be read or parsed is reported, the others go on. */
export async function ingestFeeds(
  deps: IngestDeps & { reader: FeedReader; parser: FeedParser },
  sources: FeedSource[],
): Promise<FeedReport[]> {
  const reports: FeedReport[] = [];
  for (const source of sources) {
    let parsed: ParsedFeed;
    try {
      parsed = deps.parser.parse(await deps.reader.read(source.location));
    } catch (error) {
      reports.push({ ...emptyReport(source.location), error: (error as Error).message });
      continue;
    }
    reports.push(await ingestParsedFeed(deps, source, parsed));
  }
  return reports;
}

/**
 * The article to save for a draft. An undated item keeps the date it got when first seen: that is the
 * stored article's, or now for a new one, so that ingesting it again changes nothing.
 */
async function toArticle(deps: IngestDeps, draft: ArticleDraft): Promise<Article> {
  const now = deps.clock.now().toISOString();
  const { translationLinks, publishedAt, ...content } = draft;
  const dated = publishedAt ?? (await deps.articles.get(draft.id))?.publishedAt ?? now;
  return {
    ...content,
    ...(translationLinks.length > 0 ? { translationUrls: translationLinks } : {}),
    publishedAt: dated,
    firstSeenAt: now,
    updatedAt: now,
  };
}

/** The first article of the other language that one of the draft's translation links points to. */
async function findTranslation(
  repo: ArticleRepo,
  batch: Map<string, ArticleDraft>,
  draft: ArticleDraft,
): Promise<Pick<Article, 'id'> | undefined> {
  for (const link of draft.translationLinks) {
    for (const url of sameUrl(link)) {
      const inBatch = batch.get(url);
      if (inBatch && inBatch.lang !== draft.lang) return inBatch;
    }
    for (const url of sameUrl(link)) {
      const found = (await repo.findByUrl(url)).find((article) => article.lang !== draft.lang);
      if (found) return found;
    }
  }
  return undefined;
}
