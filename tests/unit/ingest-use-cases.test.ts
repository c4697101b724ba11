import { describe, expect, it } from 'vitest';
import type { Article, SaveOutcome } from '../../functions/core/article';
import { ConflictError, NotFoundError } from '../../functions/core/errors';
import { announceNewArticles } from '../../functions/core/ingest/announce';
import { describeItem, type FeedItem, type ParsedFeed } from '../../functions/core/ingest/feed-item';
import { hasRejections, ingestFeeds, ingestParsedFeed } from '../../functions/core/ingest/ingest-feed';
import { pairTranslations } from '../../functions/core/ingest/pairing';
import type { IngestRules } from '../../functions/core/ingest/rules';
import type { ArticleRepo, Clock } from '../../functions/core/ports';

/** An in-memory ArticleRepo with the adapter's contract: idempotent save, conditional translation writes. */
class FakeArticleRepo implements ArticleRepo {
  readonly articles = new Map<string, Article>();
  saves = 0;

  async save(article: Article): Promise<SaveOutcome> {
    this.saves += 1;
    const current = this.articles.get(article.id);
    if (!current) {
      this.articles.set(article.id, structuredClone(article));
      return 'created';
    }
    const content = (a: Article) => JSON.stringify({ ...a, firstSeenAt: 0, updatedAt: 0, translationId: 0 });
    if (content(current) === content(article)) return 'unchanged';
    this.articles.set(article.id, {
      ...article,
      firstSeenAt: current.firstSeenAt,
      translationId: current.translationId,
    });
    return 'updated';
  }
  async get(id: string) {
    return this.articles.get(id);
  }
  async listPublished() {
    return [...this.articles.values()];
  }
  async findByUrl(url: string) {
    return [...this.articles.values()].filter((a) => a.url === url);
  }
  async setTranslation(id: string, translationId: string, expected: string | undefined) {
    const article = this.articles.get(id);
    if (!article) throw new NotFoundError(id);
    if (article.translationId !== expected && article.translationId !== translationId)
      throw new ConflictError(id);
    this.articles.set(id, { ...article, translationId });
  }
  async clearTranslation(id: string, expected: string) {
    const article = this.articles.get(id);
    if (article?.translationId === expected) this.articles.set(id, { ...article, translationId: undefined });
  }
  async setUrgent(id: string, urgent: boolean, now: string) {
    const article = this.articles.get(id);
    if (!article) throw new NotFoundError(id);
    const marked = { ...article, urgent, updatedAt: now };
    this.articles.set(id, marked);
    return marked;
  }
}

const rules: IngestRules = {
  topicMap: { water: 'water' },
  urgentCategories: ['urgent'],
  sites: { ar: 'ar.site.example', en: 'www.site.example' },
  maxItemBytes: 1024 * 1024,
};
const at = (iso: string): Clock => ({ now: () => new Date(iso) });
const item = (position: number, fields: Partial<FeedItem> = {}): FeedItem => ({
  position,
  guid: `guid-${position}`,
  title: `Statement ${position}`,
  link: `https://www.site.example/${position}/`,
  contentHtml: `<p>Body of statement ${position}</p>`,
  publishedAt: '2026-11-01T10:00:00Z',
  categories: [],
  topics: [],
  alternates: [],
  ...fields,
});
const feed = (items: FeedItem[], language = 'en'): ParsedFeed => ({ format: 'rss', language, items });

describe('ingestParsedFeed', () => {
  it('stores the good items, rejects the bad ones naming the item, and is idempotent', async () => {
    const repo = new FakeArticleRepo();
    const deps = { articles: repo, clock: at('2026-11-29T12:00:00Z'), rules };
    const parsed = feed([item(1), item(2, { title: undefined }), item(3, { link: undefined }), item(4)]);
    const first = await ingestParsedFeed(deps, { location: 'feed.xml' }, parsed);
    expect(first.created).toEqual(['guid-1', 'guid-4']);
    expect(first.rejected).toEqual([
      { item: 'item 2 (guid-2)', reason: 'has no title' },
      { item: 'item 3 "Statement 3" (guid-3)', reason: 'has no link' },
    ]);
    expect([...repo.articles.keys()]).toEqual(['guid-1', 'guid-4']);

    const again = await ingestParsedFeed(deps, { location: 'feed.xml' }, parsed);
    expect(again.created).toEqual([]);
    expect(again.unchanged).toEqual(['guid-1', 'guid-4']);

    const edited = feed([item(1, { title: 'Statement 1, corrected' }), item(4)]);
    const third = await ingestParsedFeed(
      { ...deps, clock: at('2026-11-30T12:00:00Z') },
      { location: 'feed.xml' },
      edited,
    );
    expect(third).toMatchObject({ updated: ['guid-1'], unchanged: ['guid-4'], created: [] });
    expect(repo.articles.get('guid-1')).toMatchObject({
      title: 'Statement 1, corrected',
      firstSeenAt: '2026-11-29T12:00:00.000Z',
    });
  });

  it('keeps the first item of an id (feeds list newest first) and refuses the later ones, naming both', async () => {
    const repo = new FakeArticleRepo();
    const parsed = feed([item(1), item(2, { guid: 'guid-1', title: 'Other' }), item(3)]);
    const report = await ingestParsedFeed(
      { articles: repo, clock: at('2026-11-29T12:00:00Z'), rules },
      { location: 'f' },
      parsed,
    );
    expect(report.created).toEqual(['guid-1', 'guid-3']);
    expect(report.rejected).toEqual([
      {
        item: 'item 2 "Other" (guid-1)',
        reason: `has the same id (GUID) guid-1 as ${describeItem(parsed.items[0] as FeedItem)} earlier in this feed: that one is stored, this one is not`,
      },
    ]);
    expect(hasRejections(report)).toBe(true);
    expect(repo.articles.get('guid-1')?.title).toBe(parsed.items[0]?.title);
  });

  it('dates an undated item when first seen and keeps that date when it is seen again', async () => {
    const repo = new FakeArticleRepo();
    const parsed = feed([item(1, { publishedAt: undefined })]);
    await ingestParsedFeed(
      { articles: repo, clock: at('2026-11-29T12:00:00Z'), rules },
      { location: 'f' },
      parsed,
    );
    const later = await ingestParsedFeed(
      { articles: repo, clock: at('2026-12-05T08:00:00Z'), rules },
      { location: 'f' },
      parsed,
    );
    expect(later.unchanged).toEqual(['guid-1']);
    expect(repo.articles.get('guid-1')?.publishedAt).toBe('2026-11-29T12:00:00.000Z');
  });

  it('pairs an item with the other-language article it links, on both sides, within a feed or across feeds', async () => {
    const repo = new FakeArticleRepo();
    const deps = { articles: repo, clock: at('2026-11-29T12:00:00Z'), rules };
    await ingestParsedFeed(
      deps,
      { location: 'ar' },
      feed([item(1, { guid: 'ar-1', link: 'https://ar.site.example/1/', title: 'بيان' })], 'ar'),
    );
    const english = item(2, {
      guid: 'en-1',
      contentHtml: '<p>Translated from the <a href="https://ar.site.example/1">Arabic</a>.</p>',
    });
    const report = await ingestParsedFeed(deps, { location: 'en' }, feed([english]));
    expect(report.paired).toEqual([['en-1', 'ar-1']]);
    expect(repo.articles.get('ar-1')?.translationId).toBe('en-1');
    expect(repo.articles.get('en-1')?.translationId).toBe('ar-1');
    // The link is kept, so the alert can apply the pairing rule before this pairing is written.
    expect(repo.articles.get('en-1')?.translationUrls).toEqual(['https://ar.site.example/1']);
    expect(repo.articles.get('ar-1')).not.toHaveProperty('translationUrls');

    const rival = item(3, {
      guid: 'en-2',
      alternates: [{ href: 'https://ar.site.example/1/', hreflang: 'ar' }],
    });
    const conflict = await ingestParsedFeed(deps, { location: 'en' }, feed([rival]));
    expect(conflict.paired).toEqual([]);
    expect(conflict.notes).toEqual(['not paired with ar-1: ar-1 is already paired with en-1']);
  });

  it('marks every item urgent for --urgent, and uses the configured language', async () => {
    const repo = new FakeArticleRepo();
    const report = await ingestParsedFeed(
      { articles: repo, clock: at('2026-11-29T12:00:00Z'), rules },
      { location: 'f', urgent: true, lang: 'ar' },
      feed([item(1)], 'en-US'),
    );
    expect(report.created).toEqual(['guid-1']);
    expect(repo.articles.get('guid-1')).toMatchObject({ urgent: true, lang: 'ar' });
  });
});

describe('ingestFeeds', () => {
  it('reports a feed that cannot be read or parsed and goes on with the others', async () => {
    const repo = new FakeArticleRepo();
    const reader = {
      read: async (location: string) => {
        if (location === 'down') throw new Error('answered 500 Internal Server Error');
        return new TextEncoder().encode(location);
      },
    };
    const parser = { parse: () => feed([item(1)]) };
    const reports = await ingestFeeds(
      { articles: repo, clock: at('2026-11-29T12:00:00Z'), rules, reader, parser },
      [{ location: 'down' }, { location: 'up' }],
    );
    expect(reports[0]).toMatchObject({
      feed: 'down',
      error: 'answered 500 Internal Server Error',
      created: [],
    });
    expect(reports[1]).toMatchObject({ feed: 'up', created: ['guid-1'] });
  });
});

describe('pairTranslations', () => {
  const article = (id: string, lang: 'ar' | 'en', translationId?: string): Article => ({
    id,
    lang,
    title: id,
    summary: '',
    bodyHtml: '',
    url: `https://site.example/${id}`,
    topics: [],
    publishedAt: '2026-11-01T00:00:00.000Z',
    urgent: false,
    firstSeenAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    ...(translationId ? { translationId } : {}),
  });
  const repoWith = (...articles: Article[]) => {
    const repo = new FakeArticleRepo();
    for (const a of articles) repo.articles.set(a.id, a);
    return repo;
  };

  it('pairs symmetrically and says when the pair already exists', async () => {
    const repo = repoWith(article('a', 'ar'), article('e', 'en'));
    expect(await pairTranslations(repo, 'e', 'a', { replace: false })).toEqual({ outcome: 'paired' });
    expect(repo.articles.get('a')?.translationId).toBe('e');
    expect(repo.articles.get('e')?.translationId).toBe('a');
    expect(await pairTranslations(repo, 'a', 'e', { replace: false })).toEqual({ outcome: 'already paired' });
  });

  it('refuses the same language, the same article and unknown ids', async () => {
    const repo = repoWith(article('a', 'ar'), article('b', 'ar'));
    await expect(pairTranslations(repo, 'a', 'b', { replace: true })).rejects.toThrow(/both in Arabic/);
    await expect(pairTranslations(repo, 'a', 'a', { replace: true })).rejects.toThrow(/its own translation/);
    await expect(pairTranslations(repo, 'a', 'zz', { replace: true })).rejects.toThrow(/no article zz/);
  });

  it('re-pairs when staff say so, unlinking the old partners', async () => {
    const repo = repoWith(article('a', 'ar', 'old-e'), article('old-e', 'en', 'a'), article('e', 'en'));
    expect(await pairTranslations(repo, 'a', 'e', { replace: false })).toMatchObject({ outcome: 'conflict' });
    expect(await pairTranslations(repo, 'a', 'e', { replace: true })).toEqual({ outcome: 'paired' });
    expect(repo.articles.get('a')?.translationId).toBe('e');
    expect(repo.articles.get('e')?.translationId).toBe('a');
    expect(repo.articles.get('old-e')?.translationId).toBeUndefined();
  });
});

describe('announceNewArticles', () => {
  it('hands over each article once and returns the ones not handed over after a failure', async () => {
    const seen: string[] = [];
    const articles = ['a', 'b', 'c'].map((id) => ({ id }) as Article);
    const listener = {
      articleStored: async (a: Article) => {
        if (a.id === 'b') throw new Error('queue down');
        seen.push(a.id);
      },
    };
    const result = await announceNewArticles(listener, articles);
    expect(seen).toEqual(['a']);
    expect(result.failed.map((a) => a.id)).toEqual(['b', 'c']);
  });
});
