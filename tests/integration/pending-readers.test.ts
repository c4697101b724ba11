import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/http/app';
import type { ReaderEnv } from '../../functions/http/reader-language';
import { type ReaderParts, readerParts } from '../../functions/runtime/readers';
import { type OutboxMail, openTestStack, reader, readOutbox, type TestStack } from '../support/test-stack';

const base = 'https://nashra.example';
const minute = 60 * 1000;
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
