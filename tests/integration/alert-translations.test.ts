import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../functions/core/article';
import { pairTranslations } from '../../functions/core/ingest/pairing';
import { alertIssueId } from '../../functions/core/send/send-alert';
import type { Subscriber } from '../../functions/core/subscriber';
import { seedSubscribers } from '../support/seed';
import { openTestStack, reader, readOutbox, type TestStack } from '../support/test-stack';

/**
 * An article and its translation are two posts, ingested minutes apart and paired after the second
 * one's INSERT has reached the stream (or only when its feed is read again). A reader of both
 * languages gets one alert for the story, whatever the order and however late the pairing is written;
 * a reader of one language gets the version in theirs.
 */
let t: TestStack;
const now = new Date().toISOString();

const readers: Record<'both' | 'arabic' | 'english' | 'urgentWeeklyBoth', Subscriber> = {
  both: reader({ cadence: 'instant', languages: ['ar', 'en'] }),
  arabic: reader({ cadence: 'instant', languages: ['ar'] }),
  english: reader({ cadence: 'instant', languages: ['en'] }),
  urgentWeeklyBoth: reader({ cadence: 'weekly', urgentAlerts: true, languages: ['en', 'ar'] }),
};

function story(key: string, lang: 'ar' | 'en', changes: Partial<Article> = {}): Article {
  return {
    id: `${key}-${lang}`,
    lang,
    title: lang === 'ar' ? `بيان ${key}` : `Statement ${key}`,
    summary: lang === 'ar' ? 'ملخص' : 'Summary',
    bodyHtml: '<p>body</p>',
    url: `https://${lang === 'ar' ? 'ar' : 'www'}.iraqicivilsociety.example/${key}/`,
    topics: ['security'],
    publishedAt: now,
    urgent: true,
    firstSeenAt: now,
    updatedAt: now,
    ...changes,
  };
}

/** The alerts each reader got for one story, by subject. */
async function alertsOf(key: string): Promise<Record<keyof typeof readers, string[]>> {
  await t.stack.triggers.idle();
  const mails = (await readOutbox(t.stack)).filter((mail) => mail.subject.includes(key));
  const of = (who: Subscriber) =>
    mails
      .filter((mail) => mail.to === who.email)
      .map((mail) => mail.subject)
      .sort();
  return {
    both: of(readers.both),
    arabic: of(readers.arabic),
    english: of(readers.english),
    urgentWeeklyBoth: of(readers.urgentWeeklyBoth),
  };
}

beforeAll(async () => {
  t = await openTestStack();
  await seedSubscribers(t.db, t.stack.config.tables.subscribers, Object.values(readers));
});
afterAll(() => t.close());

describe('an urgent statement and its translation', () => {
  it('the translation arriving after the original’s alert went out does not alert its readers again', async () => {
    const arabic = story('tigris', 'ar');
    await t.services.articles.save(arabic);
    expect(await alertsOf('tigris')).toMatchObject({
      both: ['عاجل: بيان tigris'],
      arabic: ['عاجل: بيان tigris'],
    });

    // Five minutes later the English translation, linking its Arabic original, is stored; ingest pairs
    // the two only after the INSERT has reached the stream, so the alert finds no pairing yet.
    const english = story('tigris', 'en', { translationUrls: [arabic.url] });
    await t.services.articles.save(english);
    expect(await alertsOf('tigris')).toEqual({
      both: ['عاجل: بيان tigris'],
      arabic: ['عاجل: بيان tigris'],
      english: ['Urgent: Statement tigris'],
      urgentWeeklyBoth: ['عاجل: بيان tigris'],
    });
    await pairTranslations(t.services.articles, english.id, arabic.id, { replace: false });
    await t.stack.triggers.idle();
    expect((await readOutbox(t.stack)).filter((mail) => mail.subject.includes('tigris'))).toHaveLength(4);
  });

  it('the original arriving after its translation’s alert, unpaired until the feed is read again, is found by its link', async () => {
    const arabic = story('basra', 'ar');
    const english = story('basra', 'en', { translationUrls: [arabic.url.replace(/\/$/, '')] });
    await t.services.articles.save(english);
    await t.stack.triggers.idle();
    await t.services.articles.save(arabic);
    expect(await alertsOf('basra')).toEqual({
      both: ['Urgent: Statement basra'],
      arabic: ['عاجل: بيان basra'],
      english: ['Urgent: Statement basra'],
      urgentWeeklyBoth: ['Urgent: Statement basra'],
    });
    const skipped = await t.services.issues.get(alertIssueId(arabic.id));
    expect(skipped?.articleIds).toEqual([arabic.id, english.id]);
  });

  it('paired before either alert and stored at the same moment, the story reaches a reader of both once', async () => {
    const arabic = story('mosul', 'ar', { translationId: 'mosul-en' });
    const english = story('mosul', 'en', { translationId: 'mosul-ar' });
    await Promise.all([t.services.articles.save(arabic), t.services.articles.save(english)]);
    const got = await alertsOf('mosul');
    expect(got.both).toHaveLength(1);
    expect(got.urgentWeeklyBoth).toHaveLength(1);
    expect(got.arabic).toEqual(['عاجل: بيان mosul']);
    expect(got.english).toEqual(['Urgent: Statement mosul']);
  });
});

describe('story claims', () => {
  it('go to one of two alerts claiming at the same moment, again to their holder, and back only from it', async () => {
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.services.deliveries.claimStory('race-ar', readers.both.id, `alert-${i % 2}`, new Date()),
      ),
    );
    const winner = claims.findIndex(Boolean) % 2;
    expect(claims.filter((held, i) => held !== (i % 2 === winner))).toEqual([]);
    await t.services.deliveries.releaseStory('race-ar', readers.both.id, `alert-${1 - winner}`);
    expect(
      await t.services.deliveries.claimStory('race-ar', readers.both.id, `alert-${1 - winner}`, new Date()),
    ).toBe(false);
    await t.services.deliveries.releaseStory('race-ar', readers.both.id, `alert-${winner}`);
    expect(
      await t.services.deliveries.claimStory('race-ar', readers.both.id, `alert-${1 - winner}`, new Date()),
    ).toBe(true);
  });

  it('are the reader’s: listed apart from deliveries for a subject access request, and erased with them', async () => {
    const stories = await t.services.deliveries.listStoriesForSubscriber(readers.both.id);
    // The Arabic statement's alert reached them: its story is held by that alert's issue.
    expect(stories).toContainEqual(
      expect.objectContaining({ articleId: 'tigris-ar', issueId: alertIssueId('tigris-ar') }),
    );
    const deliveries = await t.services.deliveries.listForSubscriber(readers.both.id);
    expect(deliveries.every((delivery) => !delivery.issueId.startsWith('story#'))).toBe(true);
    expect(await t.services.deliveries.removeForSubscriber(readers.both.id)).toBe(deliveries.length);
    expect(await t.services.deliveries.listStoriesForSubscriber(readers.both.id)).toEqual([]);
  });
});
