import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoArticleRepo } from '../../functions/adapters/dynamodb/article-repo';
import type { Article } from '../../functions/core/article';
import { suiteConfig, suiteDatabase } from '../support/local-aws';

const config = suiteConfig();
let database: Awaited<ReturnType<typeof suiteDatabase>>;
let repo: DynamoArticleRepo;

beforeAll(async () => {
  database = await suiteDatabase(config);
  repo = new DynamoArticleRepo(database.db, config.tables.articles);
});
afterAll(() => database.client.destroy());

const article: Article = {
  id: 'https://ar.example.org/?p=101',
  lang: 'ar',
  title: 'البصرة تدعو القوات البريطانية للعودة اليها لحفظ الأمن',
  summary: 'بعد ست سنوات من مغادرة القوات البريطانية البصرة',
  bodyHtml: '<p>شركة ايجيس Aegis</p>',
  url: 'https://ar.example.org/basra/',
  topics: ['security'],
  publishedAt: '2014-01-03T09:00:00.000Z',
  urgent: false,
  firstSeenAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};

describe('DynamoArticleRepo against dynalite', () => {
  it('stores an article and reads it back unchanged', async () => {
    expect(await repo.save(article)).toBe('created');
    expect(await repo.get(article.id)).toEqual(article);
  });

  it('treats the same article again as unchanged, and an edit as an update that keeps firstSeenAt', async () => {
    const again = {
      ...article,
      updatedAt: '2026-11-02T00:00:00.000Z',
      firstSeenAt: '2026-11-02T00:00:00.000Z',
    };
    expect(await repo.save(again)).toBe('unchanged');
    const edited = { ...again, title: 'عنوان معدل' };
    expect(await repo.save(edited)).toBe('updated');
    const stored = await repo.get(article.id);
    expect(stored?.title).toBe('عنوان معدل');
    expect(stored?.firstSeenAt).toBe(article.firstSeenAt);
  });

  it('creates one article when the same new id is saved concurrently', async () => {
    const fresh = { ...article, id: 'https://ar.example.org/?p=202' };
    const outcomes = await Promise.all([repo.save(fresh), repo.save(fresh), repo.save(fresh)]);
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
  });

  it('returns undefined for an unknown id', async () => {
    expect(await repo.get('nope')).toBeUndefined();
  });
});

describe('DynamoArticleRepo.listPublished', () => {
  it('lists a half-open window newest first, per language or both', async () => {
    const at = (id: string, lang: 'ar' | 'en', publishedAt: string) =>
      repo.save({ ...article, id, lang, publishedAt });
    await at('w1', 'en', '2026-10-01T00:00:00.000Z');
    await at('w2', 'ar', '2026-10-02T00:00:00.000Z');
    await at('w3', 'en', '2026-10-03T00:00:00.000Z');
    const window = { since: '2026-10-01T00:00:00.000Z', until: '2026-10-03T00:00:00.000Z' };
    expect((await repo.listPublished(window)).map((a) => a.id)).toEqual(['w2', 'w1']);
    expect((await repo.listPublished({ ...window, lang: 'en' })).map((a) => a.id)).toEqual(['w1']);
    expect(
      (await repo.listPublished({ since: '2026-10-01T00:00:00.000Z', limit: 1 })).map((a) => a.id),
    ).toEqual(['w3']);
  });
});
