import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../functions/core/errors';
import { emailHash } from '../../functions/core/subscriber';
import {
  addReader,
  eraseReader,
  importReaders,
  personalData,
  setReader,
  unsubscribeReader,
} from '../../functions/core/subscribers/staff';
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
    ).rejects.toThrow('line 1: the header has no languages column');
    await expect(
      importReaders(
        'email,languages,cadence,topics\n"a@example.org,en,weekly,\n',
        { confirmed: false },
        services,
      ),
    ).rejects.toThrow('line 2: a quoted field is never closed');
  });
});

describe('urgent alerts for readers staff add', () => {
  it('are on for a reader added or imported without saying, and an import column can say no', async () => {
    const added = await addReader(
      {
        email: 'urgent-added@example.org',
        languages: ['ar'],
        cadence: 'weekly',
        topics: [],
        confirmed: true,
        source: 'phone',
        method: 'staff',
      },
      services,
    );
    expect(added.subscriber.urgentAlerts).toBe(true);
    const report = await importReaders(
      'email,languages,cadence,urgentAlerts\nurgent-yes@example.org,ar,daily,\nurgent-no@example.org,ar,daily,لا\n',
      { confirmed: true, source: 'sheet' },
      services,
    );
    expect(report.rejected).toEqual([]);
    expect((await services.subscribers.findByEmail('urgent-yes@example.org'))?.urgentAlerts).toBe(true);
    expect((await services.subscribers.findByEmail('urgent-no@example.org'))?.urgentAlerts).toBe(false);
    await expect(
      addReader(
        {
          email: 'x@example.org',
          languages: ['ar'],
          cadence: 'weekly',
          topics: ['wter'],
          confirmed: true,
          method: 'staff',
        },
        services,
      ),
    ).rejects.toThrow("'wter' is not a topic here: the topics are");
  });
});

describe('import as spreadsheets write it', () => {
  const sheet = [
    '\uFEFFالبريد الإلكتروني;اللغات;التواتر;المواضيع;التنبيهات العاجلة',
    'sheet-one@example.org;العربية;أسبوعي;Water;نعم',
    'sheet-two@example.org;ar en;Weekley;;',
    'held-sheet@example.org;en;daily;;no',
    'sheet-three@example.org;en;DAILY;security water;0',
    'sheet-one@example.org;en;daily;;',
  ].join('\r\n');

  it('says in a dry run exactly what the import then does, writing and sending nothing before', async () => {
    await services.subscribers.create(reader({ email: 'held-sheet@example.org' }));
    const mailsBefore = (await readOutbox(t.stack)).length;
    const preview = await importReaders(sheet, { confirmed: false, dryRun: true }, services);
    expect(preview).toEqual({
      dryRun: true,
      separator: ';',
      columns: {
        email: 'البريد الإلكتروني',
        languages: 'اللغات',
        cadence: 'التواتر',
        topics: 'المواضيع',
        urgentAlerts: 'التنبيهات العاجلة',
      },
      created: 2,
      confirmationsSent: 2,
      unchanged: [{ line: 4, reason: 'already active' }],
      rejected: [
        {
          line: 3,
          column: 'التواتر',
          reason: "التواتر (cadence): 'Weekley' is not one of instant, daily, weekly",
        },
        { line: 6, reason: 'the same address as line 2' },
      ],
    });
    expect(await services.subscribers.findByEmail('sheet-one@example.org')).toBeUndefined();
    expect((await readOutbox(t.stack)).length).toBe(mailsBefore);

    const done = await importReaders(sheet, { confirmed: false }, services);
    expect({ ...done, dryRun: true }).toEqual(preview);
    expect(await services.subscribers.findByEmail('sheet-one@example.org')).toMatchObject({
      status: 'pending',
      languages: ['ar'],
      cadence: 'weekly',
      topics: ['water'],
      urgentAlerts: true,
    });
    expect(await services.subscribers.findByEmail('sheet-three@example.org')).toMatchObject({
      cadence: 'daily',
      topics: ['security', 'water'],
      urgentAlerts: false,
    });
    expect((await readOutbox(t.stack)).length).toBe(mailsBefore + 2);
  });
});

describe('staff acting for a reader', () => {
  it('change only the fields asked, keep the fan-out index in step, and never touch the status', async () => {
    const person = reader({ email: 'set-me@example.org', cadence: 'weekly', topics: ['water'] });
    await services.subscribers.create(person);
    const inSegment = async (cadence: 'daily' | 'weekly') => {
      const page = await services.subscribers.pageSegment(cadence, { limit: 1000 });
      return page.subscribers.some((candidate) => candidate.id === person.id);
    };
    expect(await inSegment('weekly')).toBe(true);

    const later = new Date('2026-11-04T09:00:00.000Z');
    const changed = await setReader(
      'Set-Me@example.org',
      { cadence: 'daily', urgentAlerts: true, topics: ['water'] },
      { ...services, clock: { now: () => later } },
    );
    expect(changed.changed).toEqual(['cadence', 'urgentAlerts']);
    expect(changed.subscriber).toEqual({
      ...person,
      cadence: 'daily',
      urgentAlerts: true,
      updatedAt: later.toISOString(),
    });
    expect([await inSegment('weekly'), await inSegment('daily')]).toEqual([false, true]);

    await setReader(person.email, { paused: true }, services);
    expect(await inSegment('daily')).toBe(false);
    expect((await setReader(person.email, { paused: true }, services)).changed).toEqual([]);
    await setReader(person.email, { paused: false }, services);
    expect(await inSegment('daily')).toBe(true);

    await expect(setReader(person.email, { topics: ['wter'] }, services)).rejects.toThrow(
      "'wter' is not a topic here",
    );
    await expect(setReader('nobody@example.org', { paused: true }, services)).rejects.toThrow(NotFoundError);
    expect((await services.subscribers.findByEmail(person.email))?.status).toBe('active');
  });

  it('refuse to write preferences over a reader whose pause, cadence or status changed since read', async () => {
    const person = reader({ email: 'raced@example.org' });
    await services.subscribers.create(person);
    await setReader(person.email, { paused: true }, services);
    await expect(
      services.subscribers.updatePreferences(person.id, { cadence: 'daily' }, person, now.toISOString()),
    ).rejects.toThrow('the reader changed while this was written');
    expect(await services.subscribers.get(person.id)).toMatchObject({ cadence: 'weekly', paused: true });
  });

  it('unsubscribe a reader with the reason, out of every fan-out, and leave suppressed readers alone', async () => {
    const person = reader({ email: 'leave-me@example.org', cadence: 'daily' });
    const bounced = reader({ email: 'bounced-staff@example.org', status: 'bounced' });
    await services.subscribers.create(person);
    await services.subscribers.create(bounced);
    await expect(unsubscribeReader(person.email, '  ', services)).rejects.toThrow(ValidationError);

    const left = await unsubscribeReader(person.email, 'asked by phone,\n3 November', services);
    expect(left.changed).toBe(true);
    expect(left.subscriber).toEqual({
      ...person,
      status: 'unsubscribed',
      unsubscribed: { at: now.toISOString(), method: 'staff', reason: 'asked by phone, 3 November' },
      updatedAt: now.toISOString(),
    });
    const daily = await services.subscribers.pageSegment('daily', { limit: 1000 });
    expect(daily.subscribers.map((candidate) => candidate.id)).not.toContain(person.id);
    expect((await unsubscribeReader(person.email, 'again', services)).changed).toBe(false);
    expect(await unsubscribeReader(bounced.email, 'asked', services)).toEqual({
      subscriber: bounced,
      changed: false,
    });
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
