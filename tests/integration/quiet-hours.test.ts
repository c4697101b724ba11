import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoArticleRepo } from '../../functions/adapters/dynamodb/article-repo';
import { createDynamoClient, documentClient } from '../../functions/adapters/dynamodb/client';
import type { Article } from '../../functions/core/article';
import type { Clock } from '../../functions/core/ports';
import { alertIssueId, sendAlert } from '../../functions/core/send/send-alert';
import type { Subscriber } from '../../functions/core/subscriber';
import { createAlertSweep } from '../../functions/handlers/alert-sweep';
import { seedSubscribers } from '../support/seed';
import { openTestStack, reader, readOutbox, type TestStack } from '../support/test-stack';

let current = new Date('2026-11-05T21:00:00.000Z'); // midnight in Baghdad
const clock: Clock = { now: () => current };
let t: TestStack;
let articles: DynamoArticleRepo;
let closeArticles: () => void;

const readers: Record<string, Subscriber> = {
  instantA: reader({ cadence: 'instant' }),
  instantB: reader({ cadence: 'instant' }),
  weeklyUrgent: reader({ cadence: 'weekly', urgentAlerts: true }),
};

const article = (id: string, urgent = false): Article => ({
  id,
  lang: 'en',
  title: `Title ${id}`,
  summary: 'Summary',
  bodyHtml: '<p>body</p>',
  url: `https://www.example.org/${id}`,
  topics: [],
  publishedAt: '2026-11-05T20:55:00.000Z',
  urgent,
  firstSeenAt: '2026-11-05T20:55:00.000Z',
  updatedAt: '2026-11-05T20:55:00.000Z',
});

/** The alert as the stream would send it, at the clock's time. */
async function arrive(a: Article) {
  await articles.save(a);
  const outcome = await sendAlert(a, { ...t.services, clock });
  await t.stack.triggers.idle();
  return outcome;
}

/** A sweep from a process that has just started: nothing about held alerts lives in memory. */
async function sweepAt(iso: string) {
  current = new Date(iso);
  const report = await createAlertSweep({ ...t.services, clock })();
  await t.stack.triggers.idle();
  return report;
}

async function subjectsTo(r: Subscriber | undefined) {
  return (await readOutbox(t.stack)).filter((mail) => mail.to === r?.email).map((mail) => mail.subject);
}

beforeAll(async () => {
  t = await openTestStack({ NASHRA_QUIET_HOURS: '23:00-07:00', NASHRA_TIME_ZONE: 'Asia/Baghdad' });
  await seedSubscribers(t.db, t.stack.config.tables.subscribers, Object.values(readers));
  // Articles written past the stream tap: the alerts here are sent by the test, at the test's time.
  const direct = createDynamoClient({
    ...t.stack.config,
    endpoints: { ...t.stack.config.endpoints, dynamodb: inject('dynamodbUrl') },
  });
  closeArticles = () => direct.destroy();
  articles = new DynamoArticleRepo(documentClient(direct), t.stack.config.tables.articles);
}, 60_000);
afterAll(async () => {
  closeArticles();
  await t.close();
});

describe('alerts in quiet hours (23:00–07:00 Baghdad)', () => {
  it('are held, not sent, with the end of the quiet hours as their time', async () => {
    const outcome = await arrive(article('night'));
    expect(outcome).toMatchObject({
      status: 'held',
      issue: { id: alertIssueId('night'), status: 'held', sendAfter: '2026-11-06T04:00:00.000Z' },
    });
    expect(await subjectsTo(readers.instantA)).toEqual([]);
    // The stream delivering the record again changes nothing.
    expect((await sendAlert(article('night'), { ...t.services, clock })).status).toBe('held');
  });

  it('go out at once when urgent: danger does not wait for the morning', async () => {
    const outcome = await arrive(article('urgent-night', true));
    expect(outcome.status).not.toBe('held');
    for (const r of [readers.instantA, readers.instantB, readers.weeklyUrgent])
      expect(await subjectsTo(r)).toEqual([expect.stringContaining('Title urgent-night')]);
  });

  it('stay held until the quiet hours end, then go out once', async () => {
    expect(await sweepAt('2026-11-06T03:55:00.000Z')).toEqual({
      released: [],
      resumed: [],
      missedDigestRuns: [],
    });
    expect(await subjectsTo(readers.instantA)).toHaveLength(1);

    expect(await sweepAt('2026-11-06T04:00:00.000Z')).toEqual({
      released: [alertIssueId('night')],
      resumed: [],
      missedDigestRuns: [],
    });
    for (const r of [readers.instantA, readers.instantB])
      expect((await subjectsTo(r)).filter((subject) => subject.includes('Title night'))).toHaveLength(1);
    expect(await subjectsTo(readers.weeklyUrgent)).toHaveLength(1);
    expect(await t.services.issues.get(alertIssueId('night'))).toMatchObject({
      status: 'sent',
      recipients: 2,
      sent: 2,
    });

    expect(await sweepAt('2026-11-06T04:05:00.000Z')).toEqual({
      released: [],
      resumed: [],
      missedDigestRuns: [],
    });
    expect((await subjectsTo(readers.instantA)).filter((s) => s.includes('Title night'))).toHaveLength(1);
  });

  it('are taken by one sweep of two running at once', async () => {
    current = new Date('2026-11-06T22:00:00.000Z');
    expect((await arrive(article('second-night'))).status).toBe('held');
    current = new Date('2026-11-07T04:00:00.000Z');
    const [a, b] = await Promise.all([1, 2].map(() => createAlertSweep({ ...t.services, clock })()));
    await t.stack.triggers.idle();
    expect([...(a?.released ?? []), ...(b?.released ?? [])]).toEqual([alertIssueId('second-night')]);
    expect((await subjectsTo(readers.instantB)).filter((s) => s.includes('second-night'))).toHaveLength(1);
  });

  it('are resumed by a later sweep when the one that released them died on the way', async () => {
    current = new Date('2026-11-07T22:00:00.000Z');
    expect((await arrive(article('crash-night'))).status).toBe('held');
    // A sweep took it at 07:00 and died before fanning it out.
    await t.services.issues.setStatus(alertIssueId('crash-night'), 'sending', '2026-11-08T04:00:00.000Z', [
      'held',
    ]);
    expect(await sweepAt('2026-11-08T04:05:00.000Z')).toEqual({
      released: [],
      resumed: [],
      missedDigestRuns: [],
    });
    expect(await sweepAt('2026-11-08T04:20:00.000Z')).toEqual({
      released: [],
      resumed: [alertIssueId('crash-night')],
      missedDigestRuns: [],
    });
    expect((await subjectsTo(readers.instantA)).filter((s) => s.includes('crash-night'))).toHaveLength(1);
    expect((await t.services.issues.get(alertIssueId('crash-night')))?.status).toBe('sent');
  });
});
