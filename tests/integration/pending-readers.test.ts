import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailHash } from '../../functions/core/subscriber';
import { createApp } from '../../functions/http/app';
import type { ReaderEnv } from '../../functions/http/reader-language';
import { type ReaderParts, readerParts } from '../../functions/runtime/readers';
import { type OutboxMail, openTestStack, reader, readOutbox, type TestStack } from '../support/test-stack';

const base = 'https://nashra.example';
const minute = 60 * 1000;
const day = 24 * 60 * minute;
let t: TestStack;
let services: ReaderParts;
let app: Hono<ReaderEnv>;
let now = new Date('2026-11-06T09:00:00.000Z');
let ip = 0;
let address = 0;

beforeAll(async () => {
  t = await openTestStack({ NASHRA_BASE_URL: base });
  const runtime = t.withClock({ now: () => now });
  services = readerParts(runtime);
  app = createApp(runtime);
});
afterAll(() => t?.close());

const post = async (path: string, fields: Record<string, string> = {}) =>
  app.request(
    path,
    { method: 'POST', body: new URLSearchParams(fields) },
    { incoming: { socket: { remoteAddress: `203.0.113.${++ip}` } } },
  );
const freshAddress = (tag: string) => `${tag}-${++address}@example.org`;
const later = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

async function mailsTo(email: string): Promise<OutboxMail[]> {
  return (await readOutbox(t.stack)).filter((mail) => mail.to === email);
}

function confirmLinkIn(mail: OutboxMail | undefined): string {
  const match = new RegExp(`${base}/confirm/([A-Za-z0-9_.-]+)`).exec(mail?.text ?? '');
  if (!match?.[1]) throw new Error('no confirm link in the mail');
  return `/confirm/${match[1]}`;
}

describe('a subscribe for an address we hold', () => {
  it('keeps an unsubscribed reader’s choices and consent until the new ones are confirmed', async () => {
    const left = reader({
      email: freshAddress('left'),
      status: 'unsubscribed',
      languages: ['ar'],
      cadence: 'daily',
      topics: ['water'],
      urgentAlerts: false,
      consent: { at: '2026-01-01T00:00:00.000Z', method: 'double-opt-in', source: 'subscribe form' },
      confirmedAt: '2026-01-01T00:00:00.000Z',
    });
    await services.subscribers.create(left);
    await post('/subscribe', {
      email: left.email,
      languages: 'en',
      cadence: 'instant',
      topics: 'security',
      urgentAlerts: 'on',
    });
    const stored = await services.subscribers.get(left.id);
    expect(stored).toMatchObject({
      status: 'unsubscribed',
      languages: ['ar'],
      cadence: 'daily',
      topics: ['water'],
      urgentAlerts: false,
      consent: left.consent,
    });
    // The confirmation goes in the language the address's reader reads, whoever asked.
    const [confirmation] = await mailsTo(left.email);
    expect(confirmation?.subject).toMatch(/أكّد اشتراكك/);
    expect(confirmation?.headers.get('content-language')).toBe('ar');

    later(minute);
    expect((await post(confirmLinkIn(confirmation))).status).toBe(200);
    expect(await services.subscribers.get(left.id)).toMatchObject({
      status: 'active',
      languages: ['en'],
      cadence: 'instant',
      topics: ['security'],
      urgentAlerts: true,
      consent: { at: now.toISOString(), method: 'double-opt-in', source: 'subscribe form' },
    });
  });

  it('keeps a pending reader’s first choices until they confirm, and mails in their language', async () => {
    const email = freshAddress('pending');
    await post('/subscribe', { email, languages: 'en', cadence: 'weekly', topics: 'water' });
    const first = await services.subscribers.findByEmail(email);
    later(11 * minute);
    await post('/subscribe', { email, languages: 'ar', cadence: 'instant', topics: 'security' });
    expect(await services.subscribers.findByEmail(email)).toMatchObject({
      status: 'pending',
      languages: ['en'],
      cadence: 'weekly',
      topics: ['water'],
    });
    const mails = await mailsTo(email);
    expect(mails.map((mail) => mail.headers.get('content-language'))).toEqual(['en', 'en']);
    expect(first?.id).toBe((await services.subscribers.findByEmail(email))?.id);
  });
});

describe('a reader who never confirms', () => {
  const rawItem = async (id: string) =>
    (await t.db.send(new GetCommand({ TableName: t.stack.config.tables.subscribers, Key: { id } }))).Item;
  const claimOf = (email: string) => rawItem(`email#${emailHash(email)}`);
  const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

  it('is kept with no consent until 7 days after the last confirmation mail, together with the claim on the address', async () => {
    const email = freshAddress('never');
    await post('/subscribe', { email, languages: 'en', cadence: 'weekly' });
    const pending = await services.subscribers.findByEmail(email);
    expect(pending).toMatchObject({ status: 'pending', expiresAt: epochSeconds(now) + (7 * day) / 1000 });
    expect(pending?.consent).toBeUndefined();
    expect((await claimOf(email))?.expiresAt).toBe(pending?.expiresAt);
    const firstLink = confirmLinkIn((await mailsTo(email))[0]);

    // Each confirmation mail sets the day it expires again.
    later(11 * minute);
    await post('/subscribe', { email, languages: 'en', cadence: 'weekly' });
    expect(await mailsTo(email)).toHaveLength(2);
    const extended = epochSeconds(now) + (7 * day) / 1000;
    expect((await services.subscribers.findByEmail(email))?.expiresAt).toBe(extended);
    expect((await claimOf(email))?.expiresAt).toBe(extended);

    // DynamoDB deletes expired items in its own time (dynalite never): reads treat them as gone.
    later(7 * day);
    expect(await services.subscribers.findByEmail(email)).toBeUndefined();
    expect(await services.subscribers.get(pending?.id ?? '')).toBeUndefined();
    expect((await services.subscribers.getMany([pending?.id ?? ''])).size).toBe(0);
    const listed = await services.subscribers.scan({ limit: 1000 });
    expect(listed.subscribers.map((subscriber) => subscriber.email)).not.toContain(email);
    const gone = await app.request(firstLink);
    expect(gone.status).toBe(404);

    // A later subscribe starts afresh: a new reader, with the new choices and language.
    await post('/subscribe', { email, languages: 'ar', cadence: 'daily' });
    const afresh = await services.subscribers.findByEmail(email);
    expect(afresh).toMatchObject({ status: 'pending', languages: ['ar'], cadence: 'daily' });
    expect(afresh?.id).not.toBe(pending?.id);
    const languages = (await mailsTo(email)).map((mail) => mail.headers.get('content-language'));
    expect(languages.sort()).toEqual(['ar', 'en', 'en']);
    // The expired reader went when its claim was taken over: nothing else names the address.
    expect(await rawItem(pending?.id ?? '')).toBeUndefined();
  });

  it('gets its first expiry from its next confirmation mail when stored before readers expired', async () => {
    const email = freshAddress('legacy');
    const legacy = reader({
      email,
      status: 'pending',
      consent: { at: now.toISOString(), method: 'double-opt-in', source: 'subscribe form' },
    });
    await services.subscribers.create(legacy);
    later(11 * minute);
    await post('/subscribe', { email, languages: 'en', cadence: 'weekly' });
    expect(await mailsTo(email)).toHaveLength(1);
    const expiresAt = epochSeconds(now) + (7 * day) / 1000;
    expect(await services.subscribers.get(legacy.id)).toMatchObject({ status: 'pending', expiresAt });
    expect((await claimOf(email))?.expiresAt).toBe(expiresAt);
  });

  it('records the consent only at confirmation, and is kept from then on (no expiry left on it or its claim)', async () => {
    const email = freshAddress('confirms');
    await post('/subscribe', { email, languages: 'en', cadence: 'weekly' });
    later(3 * day);
    expect((await post(confirmLinkIn((await mailsTo(email))[0]))).status).toBe(200);
    const confirmed = await services.subscribers.findByEmail(email);
    expect(confirmed).toMatchObject({
      status: 'active',
      consent: { at: now.toISOString(), method: 'double-opt-in', source: 'subscribe form' },
    });
    expect(confirmed?.expiresAt).toBeUndefined();
    expect((await claimOf(email))?.expiresAt).toBeUndefined();
    later(30 * day);
    expect((await services.subscribers.findByEmail(email))?.status).toBe('active');
  });
});
