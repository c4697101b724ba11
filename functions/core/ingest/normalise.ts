import { type Article, articleSchema, type Language } from '../article';
import { headerSafeLine, oneLine } from '../text';
import type { FeedItem } from './feed-item';
import { detectLanguage, languageFromTag } from './language';
import { type IngestRules, isUrgent, maxStoredArticleBytes, topicSlugPattern, topicsFor } from './rules';
import { firstImageIn, linksIn, sanitiseBody } from './sanitise';
import { deriveSummary, plainText } from './summary';

/**
 * An article as ingestion makes it from one item, before the store: everything but our bookkeeping
 * times; `publishedAt` is absent for an undated item (it gets the time the item was first seen), and
 * `translationLinks` are the URLs of the other-language version the item points to.
 */
export type ArticleDraft = Omit<Article, 'publishedAt' | 'firstSeenAt' | 'updatedAt' | 'translationId'> & {
  publishedAt?: string;
  translationLinks: string[];
};

export interface NormaliseContext {
  /** The feed's declared language (RSS `<language>`, Atom/JSON Feed feed language). */
  feedLanguage?: string;
  /** The language configured for this feed; wins over the feed's declaration (WordPress often says en-US). */
  configuredLanguage?: Language;
  feedTitle?: string;
  forceUrgent: boolean;
  rules: IngestRules;
}

export type NormaliseResult = { ok: true; draft: ArticleDraft } | { ok: false; reason: string };

const other = (lang: Language): Language => (lang === 'ar' ? 'en' : 'ar');

function httpUrl(value: string | undefined, base?: string): string | undefined {
  if (!value?.trim()) return undefined;
  try {
    const url = new URL(value.trim(), base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    url.hash = '';
    return url.href;
  } catch {
    return undefined;
  }
}

function itemBytes(item: FeedItem): number {
  return Buffer.byteLength(JSON.stringify(item));
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Turns one feed item into an article draft, or says in one sentence why it cannot be one. Pure:
 * every rule of ingestion (size, title, link, id, language, sanitising, summary, image, topics, urgent,
 * translation links) is here, and nothing is looked up or written.
 */
export function normaliseItem(item: FeedItem, context: NormaliseContext): NormaliseResult {
  const reject = (reason: string): NormaliseResult => ({ ok: false, reason });
  if (item.problem) return reject(item.problem);
  const size = itemBytes(item);
  if (size > context.rules.maxItemBytes)
    return reject(`is ${mb(size)}, over the ${mb(context.rules.maxItemBytes)} limit for one item`);

  const title = headerSafeLine(item.title ?? '');
  if (!title) return reject('has no title');
  if (title.length > 1000) return reject(`has a title of ${title.length} characters (at most 1000)`);
  if (!item.link?.trim()) return reject('has no link');
  const url = httpUrl(item.link);
  if (!url) return reject(`has a link that is not an http(s) URL: ${oneLine(item.link).slice(0, 200)}`);
  const id = oneLine(item.guid ?? '') || url;
  if (id.length > 512) return reject('has an id (GUID) longer than 512 characters');

  const publishedAt = item.publishedAt === undefined ? undefined : new Date(item.publishedAt);
  if (publishedAt && Number.isNaN(publishedAt.valueOf()))
    return reject(
      `has a publication date that is not a date: ${oneLine(item.publishedAt ?? '').slice(0, 100)}`,
    );

  const bodyHtml = sanitiseBody(item.contentHtml ?? item.excerptHtml ?? '', url);
  const declared = item.language ?? (context.configuredLanguage ? undefined : context.feedLanguage);
  const lang = declared
    ? languageFromTag(declared)
    : (context.configuredLanguage ?? detectLanguage(`${title} ${plainText(bodyHtml)}`));
  if (!lang) {
    return reject(
      declared
        ? `is in language "${oneLine(declared)}"; nashra takes Arabic (ar) and English (en)`
        : 'has no language and no Arabic or Latin letters to tell it by',
    );
  }

  const invalidTopics = item.topics.filter((t) => !topicSlugPattern.test(t));
  if (invalidTopics.length > 0) return reject(`has topics that are not slugs: ${invalidTopics.join(', ')}`);

  const otherSite = context.rules.sites[other(lang)]?.toLowerCase();
  const translationLinks = [
    item.translationUrl,
    ...item.alternates
      .filter((alternate) => languageFromTag(alternate.hreflang) === other(lang))
      .map((alternate) => httpUrl(alternate.href, url)),
    ...(otherSite
      ? linksIn(bodyHtml).filter((link) => httpUrl(link) && new URL(link).hostname === otherSite)
      : []),
  ]
    .map((link) => httpUrl(link))
    .filter((link): link is string => Boolean(link) && link !== url);

  const source = oneLine(item.source ?? context.feedTitle ?? '').slice(0, 500);
  const author = oneLine(item.author ?? '').slice(0, 500);
  const imageUrl = httpUrl(item.imageUrl, url) ?? firstImageIn(bodyHtml);
  const draft: ArticleDraft = {
    id,
    lang,
    title,
    summary: deriveSummary(item.excerptHtml, bodyHtml),
    bodyHtml,
    url,
    ...(imageUrl ? { imageUrl } : {}),
    ...(source ? { source } : {}),
    ...(author ? { author } : {}),
    topics: topicsFor(item.categories, item.topics, context.rules),
    ...(publishedAt ? { publishedAt: publishedAt.toISOString() } : {}),
    urgent: isUrgent(item.categories, context.forceUrgent || item.urgent === true, context.rules),
    translationLinks: [...new Set(translationLinks)],
  };

  const placeholder = '1970-01-01T00:00:00.000Z';
  const { translationLinks: _links, ...content } = draft;
  const checked = articleSchema.safeParse({
    ...content,
    publishedAt: draft.publishedAt ?? placeholder,
    firstSeenAt: placeholder,
    updatedAt: placeholder,
  });
  if (!checked.success) {
    const problems = checked.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    return reject(`is not a valid article (${problems.join('; ')})`);
  }
  const stored = Buffer.byteLength(JSON.stringify(checked.data));
  if (stored > maxStoredArticleBytes)
    return reject(
      `is ${Math.ceil(stored / 1000)} KB once cleaned, over the ${maxStoredArticleBytes / 1000} KB an article may be`,
    );
  return { ok: true, draft };
}
