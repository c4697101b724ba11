import { parseFeed } from '@rowanmanning/feed-parser';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import * as z from 'zod';
import { ValidationError } from '../core/errors';
import { articleInputToItem } from '../core/ingest/article-input';
import type { FeedItem, ParsedFeed } from '../core/ingest/feed-item';
import type { FeedParser } from '../core/ingest/ingest-feed';

type ParsedXmlFeed = ReturnType<typeof parseFeed>;
type XmlItem = ParsedXmlFeed['items'][number];
type XmlElement = XmlItem['element'];

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Decodes a feed's bytes as UTF-8, strictly: invalid bytes are an error, never U+FFFD in a title.
 * A document that declares another encoding is refused by name rather than misread.
 */
function decodeUtf8(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError(`is not valid UTF-8 (first bad byte at ${firstInvalidUtf8(bytes)})`);
  }
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']+)["']/i.exec(text)?.[1];
  if (declared && !/^utf-?8$/i.test(declared))
    throw new ValidationError(`declares the encoding ${declared}; only UTF-8 feeds are accepted`);
  return text;
}

/** Where the first invalid UTF-8 byte is, as "line L, byte offset N": a binary search on prefixes. */
function firstInvalidUtf8(bytes: Uint8Array): string {
  const decodes = (length: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let good = 0;
  let bad = bytes.length;
  while (bad - good > 1) {
    const middle = Math.floor((good + bad) / 2);
    if (decodes(middle)) good = middle;
    else bad = middle;
  }
  // The longest decodable prefix may end in the lead byte of the broken sequence: point at that byte.
  let start = good;
  for (let back = 1; back <= 3 && good - back >= 0; back++) {
    const byte = bytes[good - back] ?? 0;
    if (byte >= 0xc0) start = good - back;
    if (byte < 0x80 || byte >= 0xc0) break;
  }
  const line = bytes.subarray(0, start).filter((byte) => byte === 0x0a).length + 1;
  return `line ${line}, byte offset ${start}`;
}

/**
 * The DOCTYPE probe: fast-xml-parser as @rowanmanning/feed-parser configures it (the same module:
 * tests/unit/ingest-feed-parser.test.ts checks), but expanding nothing. Same options, same tokenizer:
 * what it takes for a DOCTYPE is exactly what the real parse would read one from.
 */
const doctypeProbe = new XMLParser({
  attributeNamePrefix: '',
  ignoreAttributes: false,
  ignoreDeclaration: true,
  parseTagValue: false,
  preserveOrder: true,
  trimValues: false,
  processEntities: false,
});

/**
 * The parser underneath (fast-xml-parser) reads entities from a DOCTYPE's internal subset and expands
 * them. A feed has no need of a DOCTYPE, so any DOCTYPE is refused — with an internal subset, an
 * external SYSTEM or PUBLIC id, or none. The parser itself says where one is, so no comment, CDATA
 * section or processing instruction can hide one from the check, and one quoted as text inside a
 * CDATA section or comment is left alone: the probe parses the document behind a DOCTYPE of its own,
 * and fast-xml-parser refuses a second DOCTYPE wherever its tokenizer meets one.
 */
function refuseDoctype(xml: string): void {
  try {
    doctypeProbe.parse(`<!DOCTYPE nashra>${xml}`);
  } catch (error) {
    // Every error of fast-xml-parser's DOCTYPE reader names it: "Multiple DOCTYPE declarations found.",
    // "Invalid DOCTYPE", "Unclosed DOCTYPE", "Invalid Tag instead of DOCTYPE".
    if (/DOCTYPE/.test((error as Error).message))
      throw new ValidationError(
        'has a DOCTYPE, which nashra refuses (a DTD can declare entities that expand or fetch other files)',
      );
  }
}

/** Which item or entry of the feed a line of its XML falls in, to name it in an error. */
function itemAtLine(xml: string, line: number): string {
  const upTo = xml.split('\n').slice(0, line).join('\n');
  const items = upTo.match(/<(item|entry)[\s>]/g)?.length ?? 0;
  return items > 0 ? ` in item ${items}` : '';
}

function validateXml(xml: string): void {
  const result = XMLValidator.validate(xml, { allowBooleanAttributes: true });
  if (result === true) return;
  const { msg, line, col } = result.err;
  throw new ValidationError(
    `is not well-formed XML${itemAtLine(xml, line)} (line ${line}, column ${col}: ${msg})`,
  );
}

/** Other-language links of an RSS item (`atom:link`) or Atom entry (`link`): rel=alternate with hreflang. */
function alternatesOf(element: XmlElement): FeedItem['alternates'] {
  return element
    .findElementsWithName('link')
    .map((link) => ({
      href: link.getAttributeAsUrl('href'),
      rel: link.getAttribute('rel') ?? 'alternate',
      hreflang: link.getAttribute('hreflang') ?? undefined,
    }))
    .filter((link) => link.href && link.rel === 'alternate' && link.hreflang)
    .map((link) => ({ href: link.href as string, hreflang: link.hreflang }));
}

/** Source credit: RSS `<source>` text or the title of an Atom `<source>`. */
function sourceOf(element: XmlElement): string | undefined {
  const source = element.findElementWithName('source');
  if (!source) return undefined;
  const title = source.findElementWithName('title');
  return (title ?? source).textContentNormalized || undefined;
}

function fromXmlItem(item: XmlItem, position: number): FeedItem {
  const image =
    item.image?.url ?? item.media.find((m) => m.type === 'image' || m.mimeType?.startsWith('image/'))?.url;
  const authors = item.authors.map((a) => a.name).filter((name): name is string => Boolean(name));
  const published = item.published ?? item.updated;
  return {
    position,
    guid: item.id ?? undefined,
    title: item.title ?? undefined,
    link: item.url ?? undefined,
    contentHtml: item.content ?? undefined,
    excerptHtml: item.description ?? undefined,
    imageUrl: image ?? undefined,
    author: authors.length > 0 ? authors.join(', ') : undefined,
    source: sourceOf(item.element),
    categories: item.categories.map((c) => c.label ?? c.term),
    topics: [],
    publishedAt: published ? published.toISOString() : undefined,
    language: item.element.getAttribute('xml:lang') ?? undefined,
    alternates: alternatesOf(item.element),
  };
}

function parseXmlFeed(xml: string): ParsedFeed {
  refuseDoctype(xml);
  validateXml(xml);
  let feed: ParsedXmlFeed;
  try {
    feed = parseFeed(xml);
  } catch (error) {
    throw new ValidationError(`is not an RSS or Atom feed (${(error as Error).message})`);
  }
  return {
    format: feed.meta.type === 'atom' ? 'atom' : 'rss',
    title: feed.title ?? undefined,
    language: feed.language ?? undefined,
    items: feed.items.map((item, index) => fromXmlItem(item, index + 1)),
  };
}

const text = z.string().optional().catch(undefined);

/** JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1); items are checked one by one below. */
const jsonFeedSchema = z.object({
  version: z.string().regex(/^https:\/\/jsonfeed\.org\/version\/1(\.1)?$/, 'is not a JSON Feed version URL'),
  title: text,
  language: text,
  items: z.array(z.unknown()),
});

const jsonFeedItemSchema = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  url: z.string().optional(),
  external_url: z.string().optional(),
  title: z.string().optional(),
  content_html: z.string().optional(),
  content_text: z.string().optional(),
  summary: z.string().optional(),
  image: z.string().optional(),
  banner_image: z.string().optional(),
  date_published: z.string().optional(),
  date_modified: z.string().optional(),
  authors: z.array(z.object({ name: z.string().optional() })).optional(),
  author: z.object({ name: z.string().optional() }).optional(),
  tags: z.array(z.string()).optional(),
  language: z.string().optional(),
});

const escapeHtml = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function fromJsonFeedItem(raw: unknown, position: number): FeedItem {
  const parsed = jsonFeedItemSchema.safeParse(raw);
  if (!parsed.success) {
    const candidate = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'item'}: ${issue.message}`,
    );
    return {
      position,
      title: typeof candidate.title === 'string' ? candidate.title : undefined,
      link: typeof candidate.url === 'string' ? candidate.url : undefined,
      categories: [],
      topics: [],
      alternates: [],
      problem: `is not a valid JSON Feed item (${problems.join('; ')})`,
    };
  }
  const item = parsed.data;
  const authors = (item.authors ?? (item.author ? [item.author] : []))
    .map((a) => a.name)
    .filter((name): name is string => Boolean(name));
  const plain = item.content_text
    ?.split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
    .join('');
  return {
    position,
    guid: item.id,
    title: item.title,
    link: item.url ?? item.external_url,
    contentHtml: item.content_html ?? plain,
    excerptHtml: item.summary === undefined ? undefined : escapeHtml(item.summary),
    imageUrl: item.image ?? item.banner_image,
    author: authors.length > 0 ? authors.join(', ') : undefined,
    categories: item.tags ?? [],
    topics: [],
    publishedAt: item.date_published ?? item.date_modified,
    language: item.language,
    alternates: [],
  };
}

function parseJson(text: string): ParsedFeed {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`is not valid JSON (${(error as Error).message})`);
  }
  if (Array.isArray(document)) {
    return { format: 'articles', items: document.map((raw, index) => articleInputToItem(raw, index + 1)) };
  }
  const feed = jsonFeedSchema.safeParse(document);
  if (!feed.success) {
    const problems = feed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ValidationError(`is neither a JSON Feed nor a list of articles (${problems.join('; ')})`);
  }
  return {
    format: 'json-feed',
    title: feed.data.title,
    language: feed.data.language,
    items: feed.data.items.map((raw, index) => fromJsonFeedItem(raw, index + 1)),
  };
}

/**
 * Parses a feed document from its bytes: RSS 2.0 (WordPress style: content:encoded, categories,
 * dc:creator), Atom 1.0, JSON Feed 1.x, or a JSON list of articles (staff tools). Refuses, with a
 * ValidationError that says why, a document over `maxFeedBytes`, bytes that are not UTF-8, a
 * DOCTYPE, XML that is not well-formed and anything that is not a feed. Items are not judged
 * here (see normaliseItem), so one bad item never sinks its feed.
 */
export function createFeedParser(limits: { maxFeedBytes: number }): FeedParser {
  return {
    parse(bytes) {
      if (bytes.length > limits.maxFeedBytes)
        throw new ValidationError(
          `is ${mb(bytes.length)}, over the ${mb(limits.maxFeedBytes)} limit for one feed`,
        );
      const document = decodeUtf8(bytes);
      const start = document.trimStart()[0];
      if (start === '{' || start === '[') return parseJson(document);
      if (start !== '<') throw new ValidationError('is neither XML (RSS, Atom) nor JSON');
      return parseXmlFeed(document);
    },
  };
}
