import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedSesNotification } from '../../functions/cli/commands/feedback';
import type { Article } from '../../functions/core/article';
import type { DeadLetterView } from '../../functions/core/dead-letters';
import { addSchedule } from '../../functions/core/schedules';
import type { Subscriber } from '../../functions/core/subscriber';
import { LocalHeldQueue } from '../../functions/local/held-queue';
import { type OpenRuntime, openRuntime } from '../../functions/runtime/open-runtime';
import { scheduleParts } from '../../functions/runtime/scheduling';
import { cliRunner } from '../support/cli';
import { seedSubscribers } from '../support/seed';
import { reader } from '../support/test-stack';

const { env, run } = cliRunner({
  NASHRA_LINK_SIGNING_KEY: 'test-signing-key-0123456789abcdef0123456789',
  NASHRA_QUIET_HOURS: 'off',
  NASHRA_SENDER_TIMEOUT_SECONDS: '3',
  NASHRA_SEND_RATE: '2000',
});
const home = env.NASHRA_HOME as string;
const held = (kind: string) =>
  new LocalHeldQueue(`nashra-${kind}-dlq`, join(home, 'queues', `nashra-${kind}-dlq`));
const outbox = () => readdirSync(join(home, 'outbox')).filter((file) => file.endsWith('.eml'));

const now = new Date().toISOString();
const article: Article = {
  id: 'dlq-article',
  lang: 'en',
  title: 'Statement on the water crisis',
  summary: 'Summary',
  bodyHtml: '<p>body</p>',
  url: 'https://www.example.org/dlq-water',
  topics: [],
  publishedAt: now,
  urgent: false,
  firstSeenAt: now,
  updatedAt: now,
};
const instant: Subscriber = reader({ cadence: 'instant' });
const bouncing: Subscriber = reader();

let failing: OpenRuntime;
beforeAll(async () => {
  // A local stack whose alert path is down: the stream batch of the new article is given up and its
  // record (shard positions and arrival times, never the records) lands in the stream DLQ.
  failing = await openRuntime('local', {
    env,
    wiring: {
      listener: {
        articleStored: async () => {
          throw new Error('the alert path is down');
        },
      },
    },
  });
  await seedSubscribers(failing.db, failing.config.tables.subscribers, [instant, bouncing]);
  await addSchedule(
    { name: 'weekly', cron: '0 8 * * 5', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
    scheduleParts(failing),
  );
  await failing.repos.articles.save(article);
  await failing.local?.triggers.idle();
  await failing.close();
  // What the other sources put there on AWS: Scheduler's DLQ message (the target's input, its error in
  // attributes), a send job the sender gave up on, and Lambda's record of a failed SES feedback event.
  held('schedule').send([JSON.stringify({ scheduleName: 'weekly', scheduledTime: now })], {
    ERROR_CODE: 'Lambda.TooManyRequestsException',
    ERROR_MESSAGE: 'Rate exceeded.',
  });
  held('send').send([
    JSON.stringify({ issueId: 'no-such-issue', subscriberId: instant.id, variantKey: 'en' }),
  ]);
  held('feedback').send([
    JSON.stringify({
      version: '1.0',
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: simulatedSesNotification('bounce', bouncing.email, new Date()),
      responsePayload: { errorType: 'TimeoutError', errorMessage: 'DynamoDB did not answer' },
    }),
  ]);
}, 120_000);
afterAll(() => failing?.close());

describe('nashra dlq against local mode', () => {
  it('lists each queue, saying what each message holds and why it failed, and leaves it as it was', async () => {
    const stream = await run('dlq', 'list', 'stream');
    expect(stream.code).toBe(0);
    expect(stream.stdout).toContain('1 message in the stream dead-letter queue');
    expect(stream.stdout).toMatch(/articles stream: 1 records that arrived \S+ to \S+/);

    const send = await run('dlq', 'list', 'send', '--json');
    const views = JSON.parse(send.stdout) as DeadLetterView[];
    expect(views.map((view) => view.content)).toEqual([
      { kind: 'send-job', job: { issueId: 'no-such-issue', subscriberId: instant.id, variantKey: 'en' } },
    ]);
    expect(held('send').depth).toEqual({ waiting: 1, inFlight: 0 });
  }, 60_000);

  it('shows one message in full, with the error attributes Scheduler gave it', async () => {
    const [view] = JSON.parse((await run('dlq', 'list', 'schedule', '--json')).stdout) as DeadLetterView[];
    const shown = await run('dlq', 'show', 'schedule', view?.id ?? '');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('digest firing: schedule weekly');
    expect(shown.stdout).toContain('failed: Lambda.TooManyRequestsException: Rate exceeded.');
    expect(shown.stdout).toContain('"scheduleName": "weekly"');
    const missing = await run('dlq', 'show', 'schedule', 'no-such-id');
    expect([missing.code, missing.stderr]).toEqual([
      1,
      'nashra: no message no-such-id in the schedule dead-letter queue\n',
    ]);
  }, 60_000);

  it('refuses a queue it does not know, and a redrive that names nothing', async () => {
    const unknown = await run('dlq', 'list', 'nowhere');
    expect([unknown.code, unknown.stderr]).toEqual([
      1,
      'nashra: no dead-letter queue "nowhere": give one of send, schedule, stream, feedback\n',
    ]);
    const vague = await run('dlq', 'redrive', 'send');
    expect(vague.code).toBe(1);
    expect(vague.stderr).toContain('name the messages to redrive');
  }, 60_000);

  it('redrives a stream batch by reading its articles again from the table: the alert goes out once', async () => {
    expect(outbox()).toEqual([]);
    const redrive = await run('dlq', 'redrive', 'stream', '--all');
    expect(redrive.code).toBe(0);
    expect(redrive.stdout).toContain('announced 1 article stored then to the alert path again');
    expect(outbox()).toHaveLength(1);
    expect(held('stream').depth).toEqual({ waiting: 0, inFlight: 0 });
  }, 60_000);

  it('redrives a digest firing, a send job and an SES event, deleting each that went through', async () => {
    for (const kind of ['schedule', 'send', 'feedback']) {
      const redrive = await run('dlq', 'redrive', kind, '--all', '--json');
      expect(redrive.code, kind).toBe(0);
      expect(JSON.parse(redrive.stdout)).toMatchObject({
        redriven: [expect.any(Object)],
        failed: [],
        left: 0,
      });
      expect(held(kind).depth, kind).toEqual({ waiting: 0, inFlight: 0 });
    }
    const after = await openRuntime('local', { env });
    try {
      expect((await after.repos.subscribers.get(bouncing.id))?.status).toBe('bounced');
      expect(await after.repos.schedules.get('weekly')).toMatchObject({
        lastWindowEnd: new Date(now).toISOString(),
      });
    } finally {
      await after.close();
    }
  }, 120_000);
});
