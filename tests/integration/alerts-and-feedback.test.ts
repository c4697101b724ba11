import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedSesNotification } from '../../functions/cli/commands/feedback';
import type { Article } from '../../functions/core/article';
import type { Subscriber } from '../../functions/core/subscriber';
import { createFeedbackHandler } from '../../functions/handlers/ses-feedback';
import { seedSubscribers } from '../support/seed';
import { openTestStack, reader, readOutbox, type TestStack } from '../support/test-stack';

let t: TestStack;
const now = new Date().toISOString();
const article = (id: string, changes: Partial<Article>): Article => ({
  id,
  lang: 'en',
  title: `Title ${id}`,
  summary: 'Summary',
  bodyHtml: '<p>body</p>',
  url: `https://www.example.org/${id}`,
  topics: ['water'],
  publishedAt: now,
  urgent: false,
  firstSeenAt: now,
  updatedAt: now,
  ...changes,
});

const readers: Record<string, Subscriber> = {
  instantWater: reader({ cadence: 'instant', topics: ['water'] }),
  instantArabic: reader({ cadence: 'instant', languages: ['ar'] }),
  instantSecurity: reader({ cadence: 'instant', topics: ['security'] }),
  instantPaused: reader({ cadence: 'instant', paused: true }),
  weeklyUrgent: reader({ cadence: 'weekly', urgentAlerts: true }),
  weeklyPlain: reader({ cadence: 'weekly' }),
  dailyUrgentBilingual: reader({ cadence: 'daily', urgentAlerts: true, languages: ['ar', 'en'] }),
};

const inbox = async () => {
  await t.stack.triggers.idle();
  const byReader = new Map<string, string[]>();
  for (const mail of await readOutbox(t.stack))
    byReader.set(mail.to, [...(byReader.get(mail.to) ?? []), mail.subject]);
  return byReader;
};

beforeAll(async () => {
  t = await openTestStack();
  await seedSubscribers(t.db, t.stack.config.tables.subscribers, Object.values(readers));
});
afterAll(() => t.close());

describe('alerts on a newly stored article (stream → alert → queue → SES)', () => {
  it('reach instant readers on its topics and languages only', async () => {
    await t.services.articles.save(article('plain', {}));
    const mail = await inbox();
    expect([...mail.keys()]).toEqual([readers.instantWater?.email]);
    expect(mail.get(readers.instantWater?.email ?? '')?.[0]).toContain('Title plain');
  });

  it('reach daily and weekly readers who asked for urgent alerts when the article is urgent', async () => {
    await t.services.articles.save(article('urgent-one', { urgent: true }));
    const mail = await inbox();
    const gotUrgent = [...mail]
      .filter(([, subjects]) => subjects.some((s) => s.includes('urgent-one')))
      .map(([to]) => to);
    expect(new Set(gotUrgent)).toEqual(
      new Set([
        readers.instantWater?.email,
        readers.weeklyUrgent?.email,
        readers.dailyUrgentBilingual?.email,
      ]),
    );
  });

  it('sends no second alert when the same article is stored again or edited', async () => {
    const before = (await readOutbox(t.stack)).length;
    await t.services.articles.save(article('plain', {}));
    await t.services.articles.save(article('plain', { title: 'Title plain, corrected' }));
    await inbox();
    expect(await readOutbox(t.stack)).toHaveLength(before);
  });
});

describe('SES feedback', () => {
  const handle = () =>
    createFeedbackHandler({
      subscribers: t.services.subscribers,
      clock: t.services.clock,
      transientBounceLimit: 3,
    });
  const statusOf = async (r: Subscriber | undefined) =>
    (await t.services.subscribers.get(r?.id ?? ''))?.status;

  it('suppresses a reader at once on a permanent bounce, and on a complaint', async () => {
    await handle()(simulatedSesNotification('bounce', readers.weeklyPlain?.email ?? '', new Date()));
    expect(await statusOf(readers.weeklyPlain)).toBe('bounced');
    await handle()(simulatedSesNotification('complaint', readers.instantSecurity?.email ?? '', new Date()));
    expect(await statusOf(readers.instantSecurity)).toBe('complained');
    const page = await t.services.subscribers.pageSegment('weekly', { limit: 100 });
    expect(page.subscribers.map((s) => s.id)).not.toContain(readers.weeklyPlain?.id);
  });

  it('counts transient bounces and suppresses after the limit', async () => {
    const target = readers.weeklyUrgent;
    for (let i = 1; i <= 2; i++) {
      await handle()(simulatedSesNotification('transient-bounce', target?.email ?? '', new Date()));
      expect(await t.services.subscribers.get(target?.id ?? '')).toMatchObject({
        status: 'active',
        bounceCount: i,
      });
    }
    await handle()(simulatedSesNotification('transient-bounce', target?.email ?? '', new Date()));
    expect(await statusOf(target)).toBe('bounced');
  });

  it('takes the EventBridge shape too, and refuses a bounce without recipients', async () => {
    const sns = simulatedSesNotification('complaint', readers.instantArabic?.email ?? '', new Date());
    const detail = JSON.parse(sns.Records[0]?.Sns.Message ?? '{}');
    await handle()({ source: 'aws.ses', 'detail-type': 'Email Complaint Received', detail });
    expect(await statusOf(readers.instantArabic)).toBe('complained');
    await expect(
      handle()({
        source: 'aws.ses',
        detail: { eventType: 'Bounce', bounce: { bounceType: 'Permanent' }, mail: {} },
      }),
    ).rejects.toThrow();
    await expect(handle()({ hello: 'world' })).rejects.toThrow();
  });

  it('ignores deliveries and feedback for unknown addresses', async () => {
    const [outcome] = await handle()(simulatedSesNotification('bounce', 'nobody@example.org', new Date()));
    expect(outcome).toMatchObject({ unknown: 1, suppressed: 0 });
    const delivery = {
      Records: [{ Sns: { Message: JSON.stringify({ eventType: 'Delivery', mail: { messageId: 'x' } }) } }],
    };
    expect(await handle()(delivery)).toEqual([{ suppressed: 0, counted: 0, unknown: 0, ignored: true }]);
  });
});
