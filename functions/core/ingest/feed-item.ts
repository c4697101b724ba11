import type { Language } from '../article';

/**
 * One item as a feed parser read it, before any rule of ours: every field as the source gave it
 * (trimmed at most), nothing yet validated. The parser adapters (RSS, Atom, JSON Feed, staff JSON)
 * produce these; `normaliseItem` decides what becomes an article.
 */
export interface FeedItem {
  /** 1-based position in its feed, for messages that name the item. */
  position: number;
  guid?: string;
  title?: string;
  link?: string;
  contentHtml?: string;
  /** The feed's excerpt (RSS description, Atom summary, JSON Feed summary); may be HTML. */
  excerptHtml?: string;
  imageUrl?: string;
  author?: string;
  /** Source credit (RSS `<source>`, Atom `<source><title>`). */
  source?: string;
  categories: string[];
  /** Topic slugs given directly (staff JSON), taken as they are once validated. */
  topics: string[];
  /** When the item says it was published, if it does (ISO instant). */
  publishedAt?: string;
  /** The item's own language tag, if it has one. */
  language?: string;
  /** Links to other-language versions (Atom `link rel=alternate hreflang`, RSS `atom:link`). */
  alternates: Array<{ href: string; hreflang?: string }>;
  /** The URL of the other-language version, when the source says so outright (staff JSON). */
  translationUrl?: string;
  urgent?: boolean;
  /** Set when the parser could not read the item at all; the item is rejected with this reason. */
  problem?: string;
}

/** A whole feed as parsed: its own title and language, and its items in order. */
export interface ParsedFeed {
  format: 'rss' | 'atom' | 'json-feed' | 'articles';
  title?: string;
  language?: string;
  items: FeedItem[];
}

/** Where a feed came from, as configured or given on the command line. */
export interface FeedSource {
  /** The file path or URL: how every message names the feed. */
  location: string;
  /** The language of the feed's items when neither item nor feed says (a configured feed's `lang`). */
  lang?: Language;
  /** `nashra ingest --urgent`: every item of this feed is urgent. */
  urgent?: boolean;
}

/** A short name for an item in messages: its position, title and id as far as it has them. */
export function describeItem(item: Pick<FeedItem, 'position' | 'title' | 'guid' | 'link'>): string {
  const title = item.title?.replace(/\s+/g, ' ').trim().slice(0, 60);
  const id = item.guid?.trim() || item.link?.trim();
  return [`item ${item.position}`, title ? `"${title}"` : undefined, id ? `(${id.slice(0, 200)})` : undefined]
    .filter(Boolean)
    .join(' ');
}
