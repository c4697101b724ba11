import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { Article } from '../../functions/core/article';
import { addSchedule } from '../../functions/core/schedules';
import { sendDigest } from '../../functions/core/send/send-digest';
import { startDynamoEmulator } from '../../functions/local/emulators';
import { startFaultySes } from '../support/faulty-ses';
import { sesStore } from '../support/local-aws';
import { seedSubscribers } from '../support/seed';
import { openTestStack, reader } from '../support/test-stack';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

const now = new Date().toISOString();
const article: Article = {
  id: 'reliability-article',
  lang: 'en',
  title: 'Statement',
  summary: 'Summary',
  bodyHtml: '<p>body</p>',
  url: 'https://www.example.org/statement',
  topics: [],
  publishedAt: new Date(Date.now() - 60_000).toISOString(),
  urgent: false,
  firstSeenAt: now,
  updatedAt: now,
};

async function digestTo(count: number, env: NodeJS.ProcessEnv) {
  const t = await openTestStack(env);
  closers.push(() => t.close());
  await t.services.articles.save(article);
  await t.stack.triggers.idle();
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

/** How many mails each of these readers got, as the SES emulator received them. */
async function receivedBy(readers: Array<{ email: string }>) {
  const wanted = new Set(readers.map((r) => r.email));
  const counts = new Map<string, number>();
  for (const mail of await sesStore()) {
    const to = mail.destination.to[0] ?? '';
    if (wanted.has(to)) counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}

function expectEachExactlyOnce(counts: Map<string, number>, readers: Array<{ email: string }>) {
  expect(readers.filter((r) => !counts.has(r.email)).map((r) => r.email)).toEqual([]);
  expect([...counts].filter(([, n]) => n > 1)).toEqual([]);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('faults', () => {
  it('a 2,000-reader digest through 30 % Throttling, 5 % 500s and 2 % dropped connections reaches every reader once', async () => {
    const faulty = await startFaultySes(inject('sesUrl'), { throttle: 0.3, serverError: 0.05, drop: 0.02 });
    closers.push(() => faulty.close());
    const { t, readers, schedule } = await digestTo(2000, {
      AWS_ENDPOINT_URL_SES: faulty.url,
      NASHRA_SEND_RATE: '1000',
    });
    const started = Date.now();
    const outcome = await sendDigest(schedule, {}, t.services);
    await t.stack.triggers.idle();
    const seconds = (Date.now() - started) / 1000;

    expectEachExactlyOnce(await receivedBy(readers), readers);
    const issue = 'issue' in outcome ? await t.services.issues.get(outcome.issue.id) : undefined;
    expect(issue).toMatchObject({ status: 'sent', recipients: 2000, sent: 2000, failed: 0 });
    const retries = faulty.counts.calls - faulty.counts.forwarded;
    console.log(
      `2,000 readers through a faulty SES: ${faulty.counts.calls} calls, ${retries} retried (${faulty.counts.throttled} throttled, ${faulty.counts.serverErrors} 500s, ${faulty.counts.dropped} dropped), ${seconds.toFixed(1)} s`,
    );
    expect(faulty.counts.throttled).toBeGreaterThan(400);
  });

  it('SES down for 10 s in the middle of a send: every reader is served once', async () => {
    const faulty = await startFaultySes(inject('sesUrl'), {});
    closers.push(() => faulty.close());
    const { t, readers, schedule } = await digestTo(400, {
      AWS_ENDPOINT_URL_SES: faulty.url,
      NASHRA_SEND_RATE: '40',
    });
    await sendDigest(schedule, {}, t.services);
    await expect.poll(() => faulty.counts.forwarded, { timeout: 60_000, interval: 100 }).toBeGreaterThan(50);
    faulty.rates.down = true;
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    faulty.rates.down = false;
    await t.stack.triggers.idle();

    expect(faulty.counts.dropped).toBeGreaterThan(0);
    expectEachExactlyOnce(await receivedBy(readers), readers);
  });

  it('DynamoDB restarted in the middle of a send: every reader is served once', async () => {
    const port = await freePort();
    const path = mkdtempSync(join(tmpdir(), 'nashra-dynalite-'));
    let dynamo = await startDynamoEmulator({ port, path });
    closers.push(() => dynamo.close());
    const { t, readers, schedule } = await digestTo(300, {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      NASHRA_SEND_RATE: '40',
    });
    await sendDigest(schedule, {}, t.services);
    await expect
      .poll(async () => (await receivedBy(readers)).size, { timeout: 60_000, interval: 200 })
      .toBeGreaterThan(40);

    await dynamo.close();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    dynamo = await startDynamoEmulator({ port, path });
    await t.stack.triggers.idle();

    expectEachExactlyOnce(await receivedBy(readers), readers);
  });
});
