import { describe, expect, it } from 'vitest';
import { arrangeArticles } from '../../functions/render/arrange';
import {
  aegisAr,
  basraAr,
  basraEn,
  journalistsAr,
  journalistsEn,
  waterEn,
  weekOfArticles,
} from '../fixtures/render-articles';

const ids = (entries: { id: string }[][]) => entries.map((entry) => entry.map((article) => article.id));

describe('choosing and pairing the articles of a variant', () => {
  it('carries only the variant’s language in a single-language variant, newest first', () => {
    expect(ids(arrangeArticles(weekOfArticles, 'ar'))).toEqual([
      [journalistsAr.id],
      [aegisAr.id],
      [basraAr.id],
    ]);
    expect(ids(arrangeArticles(weekOfArticles, 'en'))).toEqual([
      [journalistsEn.id],
      [waterEn.id],
      [basraEn.id],
    ]);
  });

  it('pairs an article with its translation, the reader’s first language first, and keeps the rest alone', () => {
    expect(ids(arrangeArticles(weekOfArticles, 'ar+en'))).toEqual([
      [journalistsAr.id, journalistsEn.id],
      [waterEn.id],
      [aegisAr.id],
      [basraAr.id, basraEn.id],
    ]);
    expect(ids(arrangeArticles(weekOfArticles, 'en+ar'))[0]).toEqual([journalistsEn.id, journalistsAr.id]);
  });

  it('pairs when only one side names the other, and whatever the input order', () => {
    const onlyEnglishLinks = [{ ...basraAr, translationId: undefined }, basraEn];
    expect(ids(arrangeArticles(onlyEnglishLinks, 'ar+en'))).toEqual([[basraAr.id, basraEn.id]]);
    expect(ids(arrangeArticles([...weekOfArticles].reverse(), 'ar+en'))).toEqual(
      ids(arrangeArticles(weekOfArticles, 'ar+en')),
    );
  });

  it('shows a translation outside the given articles as no pair, and each article once', () => {
    expect(ids(arrangeArticles([basraAr], 'ar+en'))).toEqual([[basraAr.id]]);
    const entries = arrangeArticles(weekOfArticles, 'ar+en').flat();
    expect(entries).toHaveLength(weekOfArticles.length);
  });
});
