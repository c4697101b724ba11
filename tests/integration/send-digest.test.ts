import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../functions/core/article';
import { addSchedule } from '../../functions/core/schedules';
import { sendDigest } from '../../functions/core/send/send-digest';
import type { Subscriber } from '../../functions/core/subscriber';
import { mjmlCompiler } from '../../functions/runtime/rendering';
import { seedSubscribers } from '../support/seed';
import { type OutboxMail, openTestStack, reader, readOutbox, type TestStack } from '../support/test-stack';

const now = new Date().toISOString();
const article = (
  id: string,
  lang: 'ar' | 'en',
  topics: string[],
  changes: Partial<Article> = {},
): Article => ({
  id,
  lang,
  title: lang === 'ar' ? `عنوان ${id}` : `Title ${id}`,
  summary: lang === 'ar' ? 'ملخص' : 'Summary',
  bodyHtml: '<p>body</p>',
  url: `https://${lang}.example.org/${id}`,
  topics,
  publishedAt: new Date(Date.now() - 60 * 60 * 1000).toISOString(),
  urgent: false,
  firstSeenAt: now,
  updatedAt: now,
  ...changes,
});

let t: TestStack;
let outbox: OutboxMail[];
const expected = new Map<string, { variant: string; reader: Subscriber }>();
const excluded: Subscriber[] = [];
const variants = [['ar'], ['en'], ['ar', 'en'], ['en', 'ar']] as const;
const contentLanguage: Record<string, string> = { ar: 'ar', en: 'en', 'ar+en': 'ar, en', 'en+ar': 'en, ar' };

beforeAll(async () => {
  t = await openTestStack();
  const { services } = t;
  await services.articles.save(article('water-en', 'en', ['water'], { translationId: 'water-ar' }));
  await services.articles.save(article('water-ar', 'ar', ['water'], { translationId: 'water-en' }));
  await services.articles.save(article('basra-ar', 'ar', ['security']));
  await services.articles.save(
    article('old-en', 'en', ['water'], { publishedAt: '2020-01-01T00:00:00.000Z' }),
  );
  // Their alerts go out before any reader exists: this suite is about the digest.
  await t.stack.triggers.idle();

  const readers: Subscriber[] = [];
  for (let i = 0; i < 1000; i++) {
    const languages = [...(variants[i % 4] ?? ['en'])];
    const topics = i % 10 === 0 ? ['security'] : [];
    readers.push(reader({ languages, topics }));
  }
  readers.push(
    ...[
      reader({ status: 'unsubscribed' }),
      reader({ status: 'bounced' }),
      reader({ status: 'complained' }),
      reader({ status: 'pending' }),
      reader({ paused: true }),
      reader({ cadence: 'instant' }),
      reader({ cadence: 'daily' }),
      reader({ languages: ['en'], topics: ['security'] }), // nothing in English on security: no mail
    ],
  );
  await seedSubscribers(t.db, t.stack.config.tables.subscribers, readers);
  for (const r of readers) {
    const variant = r.languages.join('+');
    const gets =
      r.status === 'active' &&
      !r.paused &&
      r.cadence === 'weekly' &&
      !(r.topics.includes('security') && r.languages.join() === 'en');
    if (gets) expected.set(r.email, { variant, reader: r });
    else excluded.push(r);
  }

  await addSchedule(
    { name: 'weekly', cron: '0 8 * * 5', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
    services,
  );
  const schedule = await services.schedules.get('weekly');
  if (!schedule) throw new Error('schedule not stored');
  const outcome = await sendDigest(schedule, {}, services);
  expect(outcome.status).not.toBe('nothing-new');
  await t.stack.triggers.idle();
  outbox = await readOutbox(t.stack);
}, 120_000);

afterAll(() => t.close());

describe('a weekly digest to 1,000 readers across every variant', () => {
  it('lands exactly one mail per active matching reader and none for anyone else', () => {
    const recipients = outbox.map((mail) => mail.to);
    expect(recipients).toHaveLength(expected.size);
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(new Set(recipients)).toEqual(new Set(expected.keys()));
    for (const r of excluded) expect(recipients).not.toContain(r.email);
  });

  it("sends each reader their own variant, with their topics and languages' articles only", () => {
    for (const mail of outbox) {
      const want = expected.get(mail.to);
      if (!want) throw new Error(`unexpected recipient ${mail.to}`);
      expect(mail.headers.get('content-language')).toBe(contentLanguage[want.variant]);
      const langs = want.reader.languages;
      if (!langs.includes('ar')) expect(mail.html).not.toContain('عنوان');
      if (!langs.includes('en')) expect(mail.html).not.toContain('Title water-en');
      if (want.reader.topics.includes('security')) expect(mail.html).not.toContain('water');
      expect(mail.html).not.toContain('old-en');
    }
  });

  it('carries the list headers, a personal one-click link and no address in any link', () => {
    for (const mail of outbox) {
      const unsubscribe = mail.headers.get('list-unsubscribe') ?? '';
      expect(unsubscribe).toMatch(
        /^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\/[\w-]+\.[\w-]+>, <mailto:[^>]+>$/,
      );
      expect(mail.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(mail.headers.get('list-id')).toBe('<bulletin.nashra.example>');
      expect(mail.headers.get('feedback-id')).toMatch(/^weekly-.+:digest:nashra$/);
      const link = unsubscribe.slice(1, unsubscribe.indexOf('>'));
      expect(mail.html).toContain(link.replace(/&/g, '&amp;'));
      expect(mail.html).not.toContain(mail.to);
    }
  });

  it('rendered each distinct variant once, not once per reader', async () => {
    const [issue] = (await t.services.issues.list({ limit: 1 })).issues;
    expect(issue?.status).toBe('sent');
    expect(issue?.recipients).toBe(expected.size);
    expect(issue?.sent).toBe(expected.size);
    expect(issue?.variantKeys.length).toBeLessThanOrEqual(6);
    expect(mjmlCompiler(t.runtime).compileCount).toBe(issue?.variantKeys.length);
  });

  it('sends nothing on a second send of the same schedule, and says so', async () => {
    const schedule = await t.services.schedules.get('weekly');
    if (!schedule) throw new Error('schedule missing');
    const again = await sendDigest(schedule, {}, t.services);
    expect(again.status).toBe('nothing-new');
    // Staff widening the window over what was sent: the articles already carried are left out.
    const forced = await sendDigest(
      schedule,
      { since: new Date(Date.now() - 3 * 60 * 60 * 1000).toISOString() },
      t.services,
    );
    expect(forced.status).toBe('nothing-new');
    expect(forced.plan.alreadyCarried).toBe(3);
    await t.stack.triggers.idle();
    expect(await readOutbox(t.stack)).toHaveLength(expected.size);
  });
  it('refuses in words a window that ends before it starts', async () => {
    const schedule = await t.services.schedules.get('weekly');
    if (!schedule) throw new Error('schedule missing');
    await expect(
      sendDigest(schedule, { since: '2026-02-01T00:00:00Z', until: '2026-01-31T00:00:00Z' }, t.services),
    ).rejects.toThrow(
      'the window would end at 2026-01-31 03:00 Baghdad, before it starts at 2026-02-01 03:00 Baghdad: its end must come after its start',
    );
    // Only an end before the schedule's last window: the message says where the start came from.
    await expect(sendDigest(schedule, { until: '2020-01-01T00:00:00Z' }, t.services)).rejects.toThrow(
      '(the end of the last window of "weekly"; give --since to start elsewhere)',
    );
    await expect(sendDigest(schedule, { until: 'next friday' }, t.services)).rejects.toThrow(
      '--until "next friday" is not an instant',
    );
  });
});
