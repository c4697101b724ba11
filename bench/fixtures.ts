import { randomBytes } from 'node:crypto';
import type { Article } from '../functions/core/article';
import type { Subscriber } from '../functions/core/subscriber';
import { basraAr, basraEn, manyPairs, waterEn } from '../tests/fixtures/render-articles';

/** Ten articles, five Arabic–English pairs, full-length summaries and an image each: the render digest. */
export const tenPairedArticles: Article[] = manyPairs(5);

/**
 * A small digest for the end-to-end run (an Arabic–English pair and an English-only article), so
 * that the emulator and the outbox hold kilobytes, not tens of kilobytes, per mail.
 */
export const smallDigestArticles: Article[] = [basraAr, basraEn, waterEn];

/** A window that holds the fixture articles (January 2014, Baghdad). */
export const fixtureWindow = { start: '2013-12-25T00:00:00.000Z', end: '2014-01-31T00:00:00.000Z' };

export const readerLanguages = [['ar'], ['en'], ['ar', 'en'], ['en', 'ar']] as const;

/** An active weekly reader on every topic; the n-th takes the n-th variant in turn. */
export function benchReader(n: number, runTag: string): Subscriber {
  const at = '2026-01-01T00:00:00.000Z';
  return {
    id: `b${runTag}${n.toString(16).padStart(8, '0')}${randomBytes(4).toString('hex')}`,
    email: `reader-${runTag}-${n}@bench.example.org`,
    status: 'active',
    languages: [...(readerLanguages[n % readerLanguages.length] ?? ['en'])],
    cadence: 'weekly',
    topics: [],
    urgentAlerts: false,
    paused: false,
    consent: { at, method: 'bench' },
    linkVersion: 1,
    bounceCount: 0,
    createdAt: at,
    updatedAt: at,
  };
}
