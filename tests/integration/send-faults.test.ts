import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Article } from '../../functions/core/article';
import { addSchedule } from '../../functions/core/schedules';
import { resumeIssue } from '../../functions/core/send/resume-issue';
import { sendDigest } from '../../functions/core/send/send-digest';
import { createSendWorker, maxReceiveCount } from '../../functions/handlers/send-worker';
import { startFaultySes } from '../support/faulty-ses';
import { seedSubscribers } from '../support/seed';
import { openTestStack, reader, readOutbox } from '../support/test-stack';

const now = new Date().toISOString();
const article: Article = {
  id: 'fault-article',
  lang: 'en',
  title: 'Statement on the water crisis',
  summary: 'Summary',
  bodyHtml: '<p>body</p>',
  url: 'https://www.example.org/water',
  topics: [],
  publishedAt: new Date(Date.now() - 60_000).toISOString(),
  urgent: false,
  firstSeenAt: now,
  updatedAt: now,
};

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function stackWithReaders(count: number, env: NodeJS.ProcessEnv = {}) {
  const t = await openTestStack(env);
  closers.push(() => t.close());
  await t.services.articles.save(article);
  const readers = Array.from({ length: count }, () => reader());
  await seedSubscribers(t.db, t.stack.config.tables.subscribers, readers);
  await addSchedule(
    { name: 'weekly', cron: '0 8 * * 5', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
    t.services,
  );
  const schedule = await t.services.schedules.get('weekly');
  if (!schedule) throw new Error('no schedule');
  return { t, readers, schedule };
}

function expectEachOnce(mails: Array<{ to: string }>, readers: Array<{ email: string }>) {
  const counts = new Map<string, number>();
  for (const mail of mails) counts.set(mail.to, (counts.get(mail.to) ?? 0) + 1);
  expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
  expect(new Set(counts.keys())).toEqual(new Set(readers.map((r) => r.email)));
}

describe('sending through an SES endpoint that throttles, fails and drops calls', () => {
  it('loses nobody and duplicates nobody', async () => {
    const faulty = await startFaultySes(inject('sesUrl'), { throttle: 0.3, serverError: 0.05, drop: 0.03 });
    closers.push(() => faulty.close());
    const { t, readers, schedule } = await stackWithReaders(200, { AWS_ENDPOINT_URL_SES: faulty.url });

    const outcome = await sendDigest(schedule, {}, t.services);
    await t.stack.triggers.idle();

    expectEachOnce(await readOutbox(t.stack), readers);
    expect(faulty.counts.throttled).toBeGreaterThan(20);
    expect(faulty.counts.serverErrors).toBeGreaterThan(0);
    expect(faulty.counts.dropped).toBeGreaterThan(0);
    const issue = 'issue' in outcome ? await t.services.issues.get(outcome.issue.id) : undefined;
    expect(issue).toMatchObject({ status: 'sent', recipients: 200, sent: 200, failed: 0 });
  }, 120_000);
});

describe("SES's daily quota", () => {
  it('parks the issue, holds the rest back, and a resume sends each held-back reader once', async () => {
    const faulty = await startFaultySes(inject('sesUrl'), { dailyQuota: 25 });
    closers.push(() => faulty.close());
    const { t, readers, schedule } = await stackWithReaders(60, { AWS_ENDPOINT_URL_SES: faulty.url });

    const outcome = await sendDigest(schedule, {}, t.services);
    if (!('issue' in outcome)) throw new Error(`unexpected ${outcome.status}`);
    await t.stack.triggers.idle();
    const parked = await t.services.issues.get(outcome.issue.id);
    expect(parked?.status).toBe('parked');
    expect(parked?.sent).toBe(25);
    expect(await readOutbox(t.stack)).toHaveLength(25);

    faulty.rates.dailyQuota = undefined;
    const resumed = await resumeIssue(outcome.issue.id, t.services);
    expect(resumed).toBeGreaterThan(0);
    await t.stack.triggers.idle();

    expectEachOnce(await readOutbox(t.stack), readers);
    expect(await t.services.issues.get(outcome.issue.id)).toMatchObject({ status: 'sent', sent: 60 });
  }, 120_000);
});

describe('a send job killed mid-batch and redelivered', () => {
  it('mails nobody twice: what was recorded is not sent again, the rest is sent once', async () => {
    const { t, readers, schedule } = await stackWithReaders(10);
    // Fan out into a queue nobody consumes, so the test hands the batch to the sender itself.
    const captured: Array<{ issueId: string; subscriberId: string; variantKey: string }> = [];
    const outcome = await sendDigest(
      schedule,
      {},
      { ...t.services, queue: { enqueue: async (jobs) => void captured.push(...jobs) } },
    );
    if (!('issue' in outcome)) throw new Error(`unexpected ${outcome.status}`);
    const records = captured.map((job, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body: JSON.stringify(job),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'test',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:nashra-send',
      awsRegion: 'eu-west-1',
    }));

    // The process dies after four mails went out: the sends in flight never reach SES, and the
    // invocation never returns (a killed process reports nothing).
    let sent = 0;
    const dying = {
      sendRaw: (mail: Parameters<typeof t.services.mailer.sendRaw>[0]) => {
        sent += 1;
        return sent <= 4 ? t.services.mailer.sendRaw(mail) : new Promise<never>(() => {});
      },
    };
    void createSendWorker({ ...t.services, mailer: dying, variantCache: new Map() })({ Records: records });
    await expect.poll(() => sent, { timeout: 10_000 }).toBeGreaterThanOrEqual(10);
    await expect.poll(async () => (await readOutbox(t.stack)).length).toBe(4);

    // SQS redelivers the batch while the dead sender's claims still hold: nothing is sent twice.
    const redelivered = records.map((r) => ({
      ...r,
      attributes: { ...r.attributes, ApproximateReceiveCount: '2' },
    }));
    const early = await createSendWorker(t.services)({ Records: redelivered });
    expect(early.batchItemFailures).toHaveLength(6);
    expect(await readOutbox(t.stack)).toHaveLength(4);

    // Once the claims' lease has run out, the next delivery sends the six that never went, once.
    const later = { now: () => new Date(Date.now() + t.stack.config.send.leaseMs + 1000) };
    const last = await createSendWorker({ ...t.services, clock: later })({ Records: redelivered });
    expect(last).toEqual({ batchItemFailures: [] });

    expectEachOnce(await readOutbox(t.stack), readers);
    expect(await t.services.issues.get(outcome.issue.id)).toMatchObject({ sent: 10, status: 'sent' });
  }, 60_000);

  it('on its last receive, records a job that still fails as failed: it shows with the issue, counted once', async () => {
    const faulty = await startFaultySes(inject('sesUrl'), { serverError: 1 });
    closers.push(() => faulty.close());
    const { t, schedule } = await stackWithReaders(3, { AWS_ENDPOINT_URL_SES: faulty.url });
    const captured: Array<{ issueId: string; subscriberId: string; variantKey: string }> = [];
    const outcome = await sendDigest(
      schedule,
      {},
      { ...t.services, queue: { enqueue: async (jobs) => void captured.push(...jobs) } },
    );
    if (!('issue' in outcome)) throw new Error(`unexpected ${outcome.status}`);
    const worker = createSendWorker({ ...t.services, retry: { attempts: 1, baseMs: 1, capMs: 1 } });
    const batch = (receive: number) => ({
      Records: captured.map((job, i) => ({
        messageId: `m${i}`,
        receiptHandle: `r${i}`,
        body: JSON.stringify(job),
        attributes: {
          ApproximateReceiveCount: String(receive),
          SentTimestamp: '0',
          SenderId: 'test',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:nashra-send',
        awsRegion: 'eu-west-1',
      })),
    });
    expect((await worker(batch(1))).batchItemFailures).toHaveLength(3);
    expect((await worker(batch(maxReceiveCount))).batchItemFailures).toHaveLength(0);
    expect(await t.services.issues.get(outcome.issue.id)).toMatchObject({
      status: 'partial',
      failed: 3,
      sent: 0,
    });
    expect(await t.services.deliveries.listFailed(outcome.issue.id)).toHaveLength(3);
    // A further redelivery (the DLQ redriven by hand) changes no count.
    await worker(batch(maxReceiveCount + 1));
    expect(await t.services.issues.get(outcome.issue.id)).toMatchObject({ failed: 3 });
  }, 60_000);
});
