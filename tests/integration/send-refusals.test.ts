import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Article } from '../../functions/core/article';
import { hashForLog } from '../../functions/core/redact';
import { addSchedule } from '../../functions/core/schedules';
import { resumeIssue } from '../../functions/core/send/resume-issue';
import { sendDigest } from '../../functions/core/send/send-digest';
import type { Subscriber } from '../../functions/core/subscriber';
import { createSendWorker, maxReceiveCount } from '../../functions/handlers/send-worker';
import { type SesRefusal, startFaultySes } from '../support/faulty-ses';
import { RecordedMetrics } from '../support/recorded-metrics';
import { seedSubscribers } from '../support/seed';
import { openTestStack, reader, readOutbox } from '../support/test-stack';

const now = new Date().toISOString();
const article: Article = {
  id: 'refusal-article',
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

async function stackWithReaders(readers: Subscriber[], env: NodeJS.ProcessEnv) {
  const t = await openTestStack(env);
  closers.push(() => t.close());
  await t.services.articles.save(article);
  await seedSubscribers(t.db, t.stack.config.tables.subscribers, readers);
  await addSchedule(
    { name: 'weekly', cron: '0 8 * * 5', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
    t.services,
  );
  const schedule = await t.services.schedules.get('weekly');
  if (!schedule) throw new Error('no schedule');
  return { t, schedule };
}

function expectEachOnce(mails: Array<{ to: string }>, readers: Array<{ email: string }>) {
  const counts = new Map<string, number>();
  for (const mail of mails) counts.set(mail.to, (counts.get(mail.to) ?? 0) + 1);
  expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
  expect(new Set(counts.keys())).toEqual(new Set(readers.map((r) => r.email)));
}

/**
 * What SES answers when it refuses every message, whoever it is to (SendRawEmail's errors, and IAM's
 * AccessDenied on the sending identity): not one reader's failure.
 */
const accountWideRefusals: Array<[string, SesRefusal]> = [
  [
    'sending paused for the account',
    { code: 'AccountSendingPausedException', message: 'Account sending paused.' },
  ],
  [
    'sending paused for the configuration set',
    { code: 'ConfigurationSetSendingPausedException', message: 'Configuration set sending paused.' },
  ],
  [
    'the configuration set gone',
    { code: 'ConfigurationSetDoesNotExist', message: 'Configuration set <nashra> does not exist.' },
  ],
  [
    'the MAIL FROM domain not verified',
    {
      code: 'MailFromDomainNotVerifiedException',
      message: 'MAIL FROM domain bounce.nashra.example not verified.',
    },
  ],
  [
    'access denied on the sending identity',
    {
      code: 'AccessDenied',
      status: 403,
      message:
        "User `arn:aws:sts::111111111111:assumed-role/nashra-test-send-worker/x' is not authorized to perform `ses:SendRawEmail' on resource `arn:aws:ses:eu-west-1:111111111111:identity/nashra.example'",
    },
  ],
];

describe('an account-wide SES refusal', () => {
  it.each(accountWideRefusals)(
    '(%s) parks the issue: nobody is marked failed, and a resume mails each reader once',
    async (_, refusal) => {
      const readers = Array.from({ length: 12 }, () => reader());
      const faulty = await startFaultySes(inject('sesUrl'), { refuse: { ...refusal, after: 4 } });
      closers.push(() => faulty.close());
      const { t, schedule } = await stackWithReaders(readers, { AWS_ENDPOINT_URL_SES: faulty.url });

      const outcome = await sendDigest(schedule, {}, t.services);
      if (!('issue' in outcome)) throw new Error(`unexpected ${outcome.status}`);
      await t.stack.triggers.idle();

      const parked = await t.services.issues.get(outcome.issue.id);
      expect(parked).toMatchObject({ status: 'parked', sent: 4, failed: 0 });
      expect(parked?.parkedReason).toContain(refusal.code);
      expect(await t.services.deliveries.listFailed(outcome.issue.id)).toEqual([]);
      expect(await t.services.deliveries.listParked(outcome.issue.id)).toHaveLength(8);
      expect(await readOutbox(t.stack)).toHaveLength(4);

      faulty.rates.refuse = undefined;
      expect(await resumeIssue(outcome.issue.id, t.services)).toBe(8);
      await t.stack.triggers.idle();
      expectEachOnce(await readOutbox(t.stack), readers);
      expect(await t.services.issues.get(outcome.issue.id)).toMatchObject({
        status: 'sent',
        sent: 12,
        failed: 0,
      });
    },
    120_000,
  );
});

describe("one reader's permanent failure", () => {
  it('records the reason on the delivery, every address in it hashed, and counts it on the issue', async () => {
    const readers = Array.from({ length: 5 }, () => reader());
    const refused = readers[2] as Subscriber;
    const faulty = await startFaultySes(inject('sesUrl'), {
      rejectRecipient: {
        matches: (to) => to === refused.email,
        refusal: (to) => ({
          code: 'MessageRejected',
          message: `Email address is not verified. The following identities failed the check in region EU-WEST-1: ${to}`,
        }),
      },
    });
    closers.push(() => faulty.close());
    const { t, schedule } = await stackWithReaders(readers, { AWS_ENDPOINT_URL_SES: faulty.url });

    const outcome = await sendDigest(schedule, {}, t.services);
    if (!('issue' in outcome)) throw new Error(`unexpected ${outcome.status}`);
    await t.stack.triggers.idle();

    expect(await t.services.issues.get(outcome.issue.id)).toMatchObject({
      status: 'partial',
      sent: 4,
      failed: 1,
    });
    const [failed, ...others] = await t.services.deliveries.listFailed(outcome.issue.id);
    expect(others).toEqual([]);
    expect(failed?.subscriberId).toBe(refused.id);
    expect(failed?.reason).toBe(
      `PermanentSendError: MessageRejected: Email address is not verified. The following identities failed the check in region EU-WEST-1: [${hashForLog(refused.email)}]`,
    );
    expect(JSON.stringify(failed)).not.toContain(refused.email);

    // Every delivery record expires (the table's TTL) 180 days after its last change, sent or failed.
    for (const subscriber of readers) {
      const { Item } = await t.db.send(
        new GetCommand({
          TableName: t.stack.config.tables.deliveries,
          Key: { issueId: outcome.issue.id, subscriberId: subscriber.id },
        }),
      );
      expect(Item?.expiresAt).toBe(
        Math.floor(Date.parse(String(Item?.updatedAt)) / 1000) + 180 * 24 * 60 * 60,
      );
      // The send path writes its attribute maps itself: each record holds what the claim and the
      // outcome own, with their types, and the claim's lease is gone.
      const outcomeField = subscriber === refused ? 'reason' : 'messageId';
      expect(Object.keys(Item ?? {}).sort()).toEqual(
        [
          'claimedAt',
          'expiresAt',
          'issueId',
          outcomeField,
          'status',
          'subscriberId',
          'updatedAt',
          'variantKey',
        ].sort(),
      );
      expect(Item).toMatchObject({
        status: subscriber === refused ? 'failed' : 'sent',
        variantKey: expect.stringMatching(/\S/),
        claimedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        [outcomeField]: expect.stringMatching(/\S/),
      });
    }
  }, 120_000);

  it("is an AccessDenied on a sandbox recipient's own identity: that reader fails, the issue goes on", async () => {
    const readers = Array.from({ length: 3 }, () => reader());
    const refused = readers[0] as Subscriber;
    const faulty = await startFaultySes(inject('sesUrl'), {
      rejectRecipient: {
        matches: (to) => to === refused.email,
        refusal: (to) => ({
          code: 'AccessDenied',
          status: 403,
          message: `User \`arn:aws:sts::111111111111:assumed-role/nashra-test-send-worker/x' is not authorized to perform \`ses:SendRawEmail' on resource \`arn:aws:ses:eu-west-1:111111111111:identity/${to}'`,
        }),
      },
    });
    closers.push(() => faulty.close());
    const { t, schedule } = await stackWithReaders(readers, { AWS_ENDPOINT_URL_SES: faulty.url });
    const outcome = await sendDigest(schedule, {}, t.services);
    if (!('issue' in outcome)) throw new Error(`unexpected ${outcome.status}`);
    await t.stack.triggers.idle();
    expect(await t.services.issues.get(outcome.issue.id)).toMatchObject({
      status: 'partial',
      sent: 2,
      failed: 1,
    });
    const [failed] = await t.services.deliveries.listFailed(outcome.issue.id);
    expect(failed?.reason).toMatch(/^PermanentSendError: AccessDenied: .*identity\/\[[0-9a-f]{16}\]'$/);
  }, 120_000);
});

describe("the sender's metrics", () => {
  it('count each batch: mails sent, failed, throttled and parked', async () => {
    const readers = Array.from({ length: 6 }, () => reader());
    const faulty = await startFaultySes(inject('sesUrl'), {});
    closers.push(() => faulty.close());
    const { t, schedule } = await stackWithReaders(readers, { AWS_ENDPOINT_URL_SES: faulty.url });
    const captured: Array<{ issueId: string; subscriberId: string; variantKey: string }> = [];
    const outcome = await sendDigest(
      schedule,
      {},
      { ...t.services, queue: { enqueue: async (jobs) => void captured.push(...jobs) } },
    );
    if (!('issue' in outcome)) throw new Error(`unexpected ${outcome.status}`);
    const batch = (jobs: typeof captured, receive: number) => ({
      Records: jobs.map((job, i) => ({
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
    const metrics = new RecordedMetrics();
    const worker = createSendWorker({ ...t.services, metrics, retry: { attempts: 2, baseMs: 1, capMs: 1 } });

    // Two sent, then SES throttles every try of one job until its last receive, then refuses everything.
    await worker(batch(captured.slice(0, 2), 1));
    faulty.rates.throttle = 1;
    await worker(batch(captured.slice(2, 3), maxReceiveCount));
    faulty.rates.throttle = 0;
    faulty.rates.refuse = { code: 'AccountSendingPausedException', message: 'Account sending paused.' };
    await worker(batch(captured.slice(3), 1));

    expect(metrics.totals()).toEqual({ MailsSent: 2, MailsFailed: 1, SesThrottled: 2, MailsParked: 3 });
    expect(metrics.flushes).toBe(0);
  }, 120_000);
});
