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

const article = (id: string, lang: 'ar' | 'en'): Article => ({
  id,
  lang,
  title: id,
  summary: '',
  bodyHtml: '<p>x</p>',
  url: `https://${lang}.site.example/${id}/`,
  topics: [],
  publishedAt: '2026-11-01T00:00:00.000Z',
  urgent: false,
  firstSeenAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
});

describe('DynamoArticleRepo: pairing support', () => {
  it('finds articles by their exact URL', async () => {
    await repo.save(article('u-ar', 'ar'));
    expect((await repo.findByUrl('https://ar.site.example/u-ar/')).map((a) => a.id)).toEqual(['u-ar']);
    expect(await repo.findByUrl('https://ar.site.example/u-ar')).toEqual([]);
  });

  it('sets a translation only over the one expected, and clears it only while it is still that one', async () => {
    await repo.save(article('p-ar', 'ar'));
    await repo.save(article('p-en', 'en'));
    await repo.setTranslation('p-ar', 'p-en', undefined);
    await repo.setTranslation('p-ar', 'p-en', undefined);
    await expect(repo.setTranslation('p-ar', 'other', undefined)).rejects.toThrow(
      /changed while pairing \(now p-en\)/,
    );
    await expect(repo.setTranslation('missing', 'p-en', undefined)).rejects.toThrow(/no article missing/);
    await repo.clearTranslation('p-ar', 'other');
    expect((await repo.get('p-ar'))?.translationId).toBe('p-en');
    await repo.clearTranslation('p-ar', 'p-en');
    expect((await repo.get('p-ar'))?.translationId).toBeUndefined();
  });

  it('keeps the stored translation when an item is saved again or edited', async () => {
    await repo.save(article('k-ar', 'ar'));
    await repo.setTranslation('k-ar', 'k-en', undefined);
    expect(await repo.save(article('k-ar', 'ar'))).toBe('unchanged');
    expect(await repo.save({ ...article('k-ar', 'ar'), title: 'edited' })).toBe('updated');
    expect(await repo.get('k-ar')).toMatchObject({ title: 'edited', translationId: 'k-en' });
  });
});
