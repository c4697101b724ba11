import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/core/errors';
import { emailHash } from '../../functions/core/subscriber';
import { eraseReader, importReaders, personalData } from '../../functions/core/subscribers/staff';
import { type ReaderParts, readerParts } from '../../functions/runtime/readers';
import type { Runtime } from '../../functions/runtime/runtime';
import { allTableNames } from '../../functions/shared/tables';
import { openTestStack, reader, readOutbox, type TestStack } from '../support/test-stack';

let t: TestStack;
let services: ReaderParts;
let runtime: Runtime;
const now = new Date('2026-11-03T10:00:00.000Z');

beforeAll(async () => {
  t = await openTestStack({ NASHRA_BASE_URL: 'https://nashra.example' });
  runtime = t.withClock({ now: () => now });
  services = readerParts(runtime);
});
afterAll(() => t?.close());

/** Every item of every table, as JSON text: what an erasure must leave no trace of. */
async function everything(): Promise<string[]> {
  const items: string[] = [];
  for (const name of allTableNames) {
    const result = await t.db.send(new ScanCommand({ TableName: t.stack.config.tables[name] }));
    for (const item of result.Items ?? []) items.push(`${name} ${JSON.stringify(item)}`);
  }
  return items;
}

describe('importReaders', () => {
  it('imports good rows, reports each bad row by its line, and never resurrects anyone', async () => {
    for (const status of ['unsubscribed', 'bounced', 'complained'] as const)
      await services.subscribers.create(reader({ email: `held-${status}@example.org`, status }));
    await services.subscribers.create(reader({ email: 'held-active@example.org' }));
    const csv = [
      'email,languages,cadence,topics',
      'one@example.org,ar en,weekly,water security',
      'TWO@Example.org,en,daily,',
      'not-an-address,en,daily,',
      'three@example.org,fr,daily,',
      'four@example.org,ar,hourly,',
      'one@example.org,en,weekly,',
      '"five@example.org\r\nBcc: x@example.net",en,weekly,',
      'held-unsubscribed@example.org,en,weekly,',
      'held-bounced@example.org,en,weekly,',
      'held-complained@example.org,en,weekly,',
      'held-active@example.org,en,weekly,',
      'six@example.org,en ar,instant,"water"',
      'seven@example.org,en,weekly,,extra',
    ].join('\r\n');
    const report = await importReaders(csv, { confirmed: true, source: 'paper forms, Basra 2026' }, services);
    expect(report.created).toBe(3);
    expect(report.confirmationsSent).toBe(0);
    // The quoted line break makes line 8's record two lines long: later rows are numbered as an editor shows them.
    expect(report.unchanged).toEqual([{ line: 13, reason: 'already active' }]);
    expect(report.rejected.map((row) => row.line)).toEqual([4, 5, 6, 7, 8, 10, 11, 12, 15]);
    expect(report.rejected[3]?.reason).toBe('the same address as line 2');
    expect(report.rejected[4]?.reason).toContain('line break');
    expect(report.rejected[5]?.reason).toContain('unsubscribed: never resubscribed');
    expect(await services.subscribers.findByEmail('one@example.org')).toMatchObject({
      status: 'active',
      languages: ['ar', 'en'],
      topics: ['water', 'security'],
      consent: { method: 'import', source: 'paper forms, Basra 2026' },
    });
    expect(await services.subscribers.findByEmail('two@example.org')).toMatchObject({ status: 'active' });
    for (const status of ['unsubscribed', 'bounced', 'complained'])
      expect((await services.subscribers.findByEmail(`held-${status}@example.org`))?.status).toBe(status);
  });

  it('creates pending readers and mails each a confirmation in their language without --confirmed', async () => {
    const report = await importReaders(
      'languages,email,cadence,topics,status\nar,pending-ar@example.org,weekly,,active\nen,gone@example.org,weekly,,unsubscribed\n',
      { confirmed: false },
      services,
    );
    expect(report).toMatchObject({ created: 1, confirmationsSent: 1 });
    expect(report.rejected).toEqual([{ line: 3, reason: 'the row says unsubscribed: never imported' }]);
    expect(await services.subscribers.findByEmail('gone@example.org')).toBeUndefined();
    const mails = (await readOutbox(t.stack)).filter((mail) => mail.to === 'pending-ar@example.org');
    expect(mails.map((mail) => mail.subject)).toEqual(['أكّد اشتراكك في نشرة المبادرة']);
  });

  it('refuses --confirmed without a consent source, a file without the columns, and an open quote', async () => {
    await expect(
      importReaders('email,languages,cadence,topics\n', { confirmed: true }, services),
    ).rejects.toThrow(ValidationError);
    await expect(
      importReaders('email,cadence\na@example.org,weekly\n', { confirmed: false }, services),
    ).rejects.toThrow('line 1: the header lacks languages, topics');
    await expect(
      importReaders(
        'email,languages,cadence,topics\n"a@example.org,en,weekly,\n',
        { confirmed: false },
        services,
      ),
    ).rejects.toThrow('line 2: a quoted field is never closed');
  });
});

describe('personal data', () => {
  it('exports everything held on one person and erases all of it', async () => {
    const person = reader({ email: 'erase-me@example.org', languages: ['ar', 'en'] });
    const bystander = reader({ email: 'stay@example.org' });
    await services.subscribers.create(person);
    await services.subscribers.create(bystander);
    const deliveries = t.services.deliveries;
    for (const issue of ['issue-1', 'issue-2']) {
      await deliveries.claim(issue, person.id, 'ar+en.x', now, 60_000);
      await deliveries.markSent(issue, person.id, `ses-${issue}`, now);
    }
    await deliveries.claim('issue-1', bystander.id, 'en.x', now, 60_000);
    await services.limiter.allow('address', person.email, now);
    await services.limiter.allow('address', bystander.email, now);

    const traces = (await everything()).filter(
      (item) =>
        item.includes(person.id) || item.includes(emailHash(person.email)) || item.includes(person.email),
    );
    const exported = await personalData('Erase-Me@example.org', services);
    expect(exported?.subscriber).toEqual(person);
    expect(exported?.deliveries.map((d) => [d.issueId, d.status, d.messageId])).toEqual([
      ['issue-1', 'sent', 'ses-issue-1'],
      ['issue-2', 'sent', 'ses-issue-2'],
    ]);
    expect(exported?.rateLimitCounters).toHaveLength(2);
    // Every trace in the tables is in the export: the subscriber, their claim, deliveries and counters.
    const counterKeys = new Set(exported?.rateLimitCounters.map((counter) => counter.key));
    const uncovered = traces.filter(
      (item) =>
        !item.startsWith('subscribers') &&
        !(item.startsWith('deliveries') && item.includes(person.id)) &&
        ![...counterKeys].some((key) => item.includes(key)),
    );
    expect(uncovered).toEqual([]);
    const counterTraces = (await everything()).filter((item) =>
      [...counterKeys].some((key) => item.includes(key)),
    );
    expect(counterTraces).toHaveLength(2);

    const erased = await eraseReader(person.email, services);
    expect(erased).toEqual({ subscriberId: person.id, deliveries: 2, counters: 2 });
    const left = (await everything()).filter(
      (item) =>
        item.includes(person.id) ||
        item.includes(emailHash(person.email)) ||
        item.includes(person.email) ||
        [...counterKeys].some((key) => item.includes(key)),
    );
    expect(left).toEqual([]);
    const claim = await t.db.send(
      new GetCommand({
        TableName: t.stack.config.tables.subscribers,
        Key: { id: `email#${emailHash(person.email)}` },
      }),
    );
    expect(claim.Item).toBeUndefined();
    expect(await services.subscribers.findByEmail(bystander.email)).toEqual(bystander);
    expect(await t.services.deliveries.listForSubscriber(bystander.id)).toHaveLength(1);
    expect(await personalData(person.email, services)).toBeUndefined();
    expect(await eraseReader(person.email, services)).toBeUndefined();
    // The address is free again: a new subscribe starts from nothing.
    expect((await services.subscribers.create(reader({ email: person.email }))).created).toBe(true);
  });
});

describe('personal data of a reader who came through every flow', () => {
  it('exports every trace the tables hold of them, and erasure leaves none', async () => {
    const base = 'https://nashra.example';
    const { createApp } = await import('../../functions/http/app');
    const { addSchedule } = await import('../../functions/core/schedules');
    const { sendDigest } = await import('../../functions/core/send/send-digest');
    const app = createApp(runtime);
    const from = { incoming: { socket: { remoteAddress: '192.0.2.44' } } };
    const email = 'whole-life@example.org';

    // Subscribes on the form, confirms from the mail, gets a digest; one send failed, one was parked.
    const form = new URLSearchParams({ email, languages: 'en', cadence: 'weekly', lang: 'en' });
    expect((await app.request('/subscribe', { method: 'POST', body: form }, from)).status).toBe(200);
    const confirmation = (await readOutbox(t.stack)).find((mail) => mail.to === email);
    const token = new RegExp(`${base}/confirm/([\\w.-]+)`).exec(confirmation?.text ?? '')?.[1];
    expect((await app.request(`/confirm/${token}`, { method: 'POST' }, from)).status).toBe(200);
    const person = await services.subscribers.findByEmail(email);
    if (!person) throw new Error('the reader was not stored');
    const published = new Date(Date.now() - 60 * 60 * 1000).toISOString();
    await t.services.articles.save({
      id: 'erasure-article',
      lang: 'en',
      title: 'A statement',
      summary: 'Summary',
      bodyHtml: '<p>Body</p>',
      url: 'https://www.iraqicivilsociety.example/erasure/',
      topics: [],
      publishedAt: published,
      urgent: false,
      firstSeenAt: published,
      updatedAt: published,
    });
    await t.stack.triggers.idle();
    await addSchedule(
      { name: 'erasure-weekly', cron: '0 8 * * 5', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
      t.services,
    );
    const schedule = await t.services.schedules.get('erasure-weekly');
    if (!schedule) throw new Error('schedule not stored');
    await sendDigest(schedule, {}, t.services);
    await t.stack.triggers.idle();
    await t.services.deliveries.claim('issue-failed', person.id, 'en.x', now, 60_000);
    await t.services.deliveries.markFailed('issue-failed', person.id, 'MessageRejected', now);
    await t.services.deliveries.markParked('issue-parked', person.id, 'en.x', now);

    const traces = (await everything()).filter(
      (item) => item.includes(person.id) || item.includes(emailHash(email)) || item.includes(email),
    );
    const exported = await personalData(email, services);
    expect(exported?.subscriber).toMatchObject({
      id: person.id,
      email,
      status: 'active',
      consent: { method: 'double-opt-in', source: 'subscribe form' },
    });
    expect(exported?.subscriber.confirmedAt).toBeDefined();
    expect(exported?.deliveries.map((delivery) => delivery.status).sort()).toEqual([
      'failed',
      'parked',
      'sent',
    ]);
    // Every item of every table that names the person is in the export: their record, the claim on
    // their address (the record's email), and each delivery. Nothing else in any table names them.
    expect(traces.filter((item) => item.startsWith('subscribers'))).toHaveLength(2);
    expect(traces.filter((item) => item.startsWith('deliveries'))).toHaveLength(
      exported?.deliveries.length ?? -1,
    );
    expect(
      traces.filter((item) => !item.startsWith('subscribers') && !item.startsWith('deliveries')),
    ).toEqual([]);

    const counterKeys = services.limiter.keysOf('address', email, now);
    expect(await eraseReader(email, services)).toMatchObject({ subscriberId: person.id, deliveries: 3 });
    const left = (await everything()).filter(
      (item) =>
        item.includes(person.id) ||
        item.includes(emailHash(email)) ||
        item.includes(email) ||
        counterKeys.some((key) => item.includes(key)),
    );
    expect(left).toEqual([]);
    expect(await personalData(email, services)).toBeUndefined();
  });
});
