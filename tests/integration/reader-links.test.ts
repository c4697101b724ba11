import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Subscriber } from '../../functions/core/subscriber';
import { revokeLinks } from '../../functions/core/subscribers/staff';
import { createApp } from '../../functions/http/app';
import type { ReaderEnv } from '../../functions/http/reader-language';
import type { RunningService } from '../../functions/local/emulators';
import { startServiceTap } from '../../functions/local/service-tap';
import { type ReaderParts, readerParts } from '../../functions/runtime/readers';
import { type OutboxMail, openTestStack, reader, readOutbox, type TestStack } from '../support/test-stack';

const base = 'https://nashra.example';
let t: TestStack;
let services: ReaderParts;
let app: Hono<ReaderEnv>;
let reads: RunningService;
let now = new Date('2026-11-05T09:00:00.000Z');
let ip = 0;
let address = 0;
/** The DynamoDB reads (GetItem, BatchGetItem, Query, Scan) that went past the counting tap. */
const readCalls: string[] = [];

beforeAll(async () => {
  // A tap in front of the emulator that counts the reads every request makes.
  reads = await startServiceTap({
    port: 0,
    upstream: inject('dynamodbUrl'),
    tap: async (request, forward) => {
      const target = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      if (['GetItem', 'BatchGetItem', 'Query', 'Scan'].includes(target)) readCalls.push(target);
      return forward();
    },
  });
  t = await openTestStack({ NASHRA_BASE_URL: base, AWS_ENDPOINT_URL_DYNAMODB: reads.url });
  const runtime = t.withClock({ now: () => now });
  services = readerParts(runtime);
  app = createApp(runtime);
});
afterAll(async () => {
  await t?.close();
  await reads?.close();
});

const request = async (path: string, init: RequestInit = {}) =>
  app.request(path, init, { incoming: { socket: { remoteAddress: `198.51.100.${++ip}` } } });
const post = (path: string, fields: Record<string, string> = {}) =>
  request(path, { method: 'POST', body: new URLSearchParams(fields) });
const freshAddress = (tag: string) => `${tag}-${++address}@example.org`;

async function stored(subscriber: Subscriber): Promise<Subscriber | undefined> {
  return services.subscribers.get(subscriber.id);
}

const sign = (subscriber: Subscriber, purpose: 'confirm' | 'unsubscribe' | 'preferences') =>
  services.signer.sign({ subscriberId: subscriber.id, purpose, linkVersion: subscriber.linkVersion }, now);

async function created(changes: Partial<Subscriber>): Promise<Subscriber> {
  const subscriber = reader({ email: freshAddress('links'), ...changes });
  await services.subscribers.create(subscriber);
  return subscriber;
}

/** The reads one request makes, and its answer's status. */
async function readsOf(send: () => Promise<Response>): Promise<{ status: number; reads: string[] }> {
  readCalls.length = 0;
  const response = await send();
  await response.text();
  return { status: response.status, reads: [...readCalls] };
}

describe('one request, one token check, one read of the reader', () => {
  it('reads the reader once for each page and each button', async () => {
    const active = await created({});
    const pending = await created({ status: 'pending' });
    const left = await created({ status: 'unsubscribed' });
    const cases: Array<[string, () => Promise<Response>]> = [
      ['GET /preferences', () => request(`/preferences/${sign(active, 'preferences')}`)],
      [
        'POST /preferences',
        () => post(`/preferences/${sign(active, 'preferences')}`, { languages: 'ar', cadence: 'daily' }),
      ],
      ['GET /unsubscribe', () => request(`/unsubscribe/${sign(active, 'unsubscribe')}`)],
      ['GET /confirm', () => request(`/confirm/${sign(pending, 'confirm')}`)],
      ['POST /confirm', () => post(`/confirm/${sign(pending, 'confirm')}`)],
      ['GET /resubscribe', () => request(`/resubscribe/${sign(left, 'unsubscribe')}`)],
      ['POST /resubscribe', () => post(`/resubscribe/${sign(left, 'unsubscribe')}`)],
      ['POST /unsubscribe', () => post(`/unsubscribe/${sign(active, 'unsubscribe')}`)],
    ];
    const counted: Record<string, string[]> = {};
    for (const [name, send] of cases) {
      const { status, reads: made } = await readsOf(send);
      expect(status, name).toBe(200);
      counted[name] = made;
    }
    expect(counted).toEqual({
      ...Object.fromEntries(cases.map(([name]) => [name, ['GetItem']])),
      // Leaving also reads the reader's deliveries, once: the issues that count them as unsubscribed since.
      'POST /unsubscribe': ['GetItem', 'Query'],
    });
    expect((await stored(pending))?.status).toBe('active');
    expect((await stored(left))?.status).toBe('active');
    expect((await stored(active))?.status).toBe('unsubscribed');
  });
});

describe('a refused token', () => {
  it('gets the answer of a page that does not exist, byte for byte, in HTML and in JSON', async () => {
    const holder = await created({ languages: ['ar'] });
    const genuine = sign(holder, 'unsubscribe');
    const [body = '', mac = ''] = genuine.split('.');
    const nobody = reader({ id: 'nobody-holds-this-link-0001' });
    const refused = {
      'bad signature': `${body}.${mac.slice(0, -2)}AA`,
      malformed: body,
      'too long': 'x'.repeat(600),
      'malformed payload': `${Buffer.from('{').toString('base64url')}.${mac}`,
      'another purpose': sign(holder, 'preferences'),
      'no reader holds it': sign(nobody, 'unsubscribe'),
    };
    const asJson = { accept: 'application/json' };
    const answers = { html: new Set<string>(), json: new Set<string>() };
    for (const [why, token] of Object.entries(refused)) {
      for (const path of [`/unsubscribe/${token}`, `/resubscribe/${token}`]) {
        for (const method of ['GET', 'POST']) {
          const html = await request(path, { method });
          expect([why, html.status]).toEqual([why, 404]);
          answers.html.add(await html.text());
          const json = await request(path, { method, headers: asJson });
          expect([why, json.status]).toEqual([why, 404]);
          answers.json.add(await json.text());
        }
      }
    }
    expect([...answers.json]).toEqual([JSON.stringify({ error: 'not found' })]);
    expect([...answers.html]).toEqual([await (await request('/no-such-page')).text()]);
    expect(await (await request('/no-such-page', { headers: asJson })).text()).toBe([...answers.json][0]);
  });
});

async function mailsTo(email: string): Promise<OutboxMail[]> {
  return (await readOutbox(t.stack)).filter((mail) => mail.to === email);
}

function linkIn(mail: OutboxMail | undefined, route: string): string {
  const match = new RegExp(`${base}/${route}/([A-Za-z0-9_.-]+)`).exec(mail?.text ?? '');
  if (!match?.[1]) throw new Error(`no ${route} link in the mail`);
  return match[1];
}

const subscribe = (email: string, fields: Record<string, string> = {}) =>
  post('/subscribe', { email, languages: 'en', cadence: 'weekly', ...fields });

const welcomes = async (email: string) =>
  (await mailsTo(email)).filter((mail) => mail.subject.startsWith('Welcome'));

describe('a confirm link', () => {
  it('is used once: replayed after the reader left, it changes nothing and sends nothing', async () => {
    const email = freshAddress('replay-left');
    await subscribe(email);
    const token = linkIn((await mailsTo(email))[0], 'confirm');
    expect((await post(`/confirm/${token}`)).status).toBe(200);
    const confirmed = await services.subscribers.findByEmail(email);
    expect(confirmed?.status).toBe('active');
    await post(`/unsubscribe/${linkIn((await welcomes(email))[0], 'unsubscribe')}`, {
      'List-Unsubscribe': 'One-Click',
    });
    const left = await services.subscribers.findByEmail(email);
    expect(left?.status).toBe('unsubscribed');

    now = new Date(now.getTime() + 60 * 60 * 1000);
    const replay = await post(`/confirm/${token}`);
    expect(replay.status).toBe(200);
    expect(await replay.text()).toContain('We could not confirm your subscription');
    expect(await services.subscribers.findByEmail(email)).toEqual(left);
    expect(await welcomes(email)).toHaveLength(1);
    const landing = await (await request(`/confirm/${token}`)).text();
    expect(landing).not.toContain('action="/confirm/');
    expect((await post(`/confirm/${token}/resend`)).status).toBe(200);
    expect(await mailsTo(email)).toHaveLength(2);
  });

  it('shows the preferences link once, in the answer to the POST that confirmed, never on a GET', async () => {
    const email = freshAddress('confirm-once');
    await subscribe(email);
    const token = linkIn((await mailsTo(email))[0], 'confirm');
    expect(await (await request(`/confirm/${token}`)).text()).not.toContain('/preferences/');
    const first = await (await post(`/confirm/${token}`)).text();
    expect(first).toContain('/preferences/');
    expect(await (await request(`/confirm/${token}`)).text()).not.toContain('/preferences/');
    const replay = await (await post(`/confirm/${token}`)).text();
    expect(replay).toContain('Your subscription is confirmed');
    expect(replay).not.toContain('/preferences/');
    expect(await welcomes(email)).toHaveLength(1);
  });
});

describe('an unsubscribe link', () => {
  it('never leads to the preferences page, on any page it opens', async () => {
    const active = await created({});
    const left = await created({ status: 'unsubscribed' });
    const pages = [
      await request(`/unsubscribe/${sign(active, 'unsubscribe')}`),
      await request(`/resubscribe/${sign(active, 'unsubscribe')}`),
      await request(`/resubscribe/${sign(left, 'unsubscribe')}`),
      await post(`/resubscribe/${sign(left, 'unsubscribe')}`),
      await post(`/resubscribe/${sign(left, 'unsubscribe')}`),
      await post(`/unsubscribe/${sign(active, 'unsubscribe')}`, { 'List-Unsubscribe': 'One-Click' }),
      await request(`/unsubscribe/${sign(active, 'unsubscribe')}`),
    ];
    for (const page of pages) {
      expect(page.status).toBe(200);
      expect(await page.text()).not.toContain('/preferences/');
    }
    expect((await stored(left))?.status).toBe('active');
    expect((await stored(active))?.status).toBe('unsubscribed');
  });
});

describe('revoking one reader’s links (revoke-links)', () => {
  it('makes every earlier preferences, resubscribe and confirm link a forged one, and keeps unsubscribe links', async () => {
    const active = await created({ languages: ['ar'] });
    const old = {
      preferences: sign(active, 'preferences'),
      unsubscribe: sign(active, 'unsubscribe'),
      confirm: sign(active, 'confirm'),
    };
    const outcome = await revokeLinks(active.email, { sendLink: false }, services);
    expect(outcome).toMatchObject({ sent: false, subscriber: { linkVersion: active.linkVersion + 1 } });
    expect(await mailsTo(active.email)).toEqual([]);

    const unknownPage = await (await request('/no-such-page')).text();
    const refused = [
      `/preferences/${old.preferences}`,
      `/resubscribe/${old.unsubscribe}`,
      `/confirm/${old.confirm}`,
      `/confirm/${old.confirm}/resend`,
    ];
    for (const path of refused) {
      for (const answer of [await request(path), await post(path, { languages: 'en', cadence: 'daily' })]) {
        expect([path, answer.status, await answer.text()]).toEqual([path, 404, unknownPage]);
      }
    }
    expect(await stored(active)).toMatchObject({ status: 'active', languages: ['ar'] });

    // An old unsubscribe link still takes the reader off the list (RFC 8058: for as long as the mail
    // exists), but no longer brings them back.
    const leaving = await request(`/unsubscribe/${old.unsubscribe}`);
    expect(leaving.status).toBe(200);
    const oneClick = await post(`/unsubscribe/${old.unsubscribe}`, { 'List-Unsubscribe': 'One-Click' });
    expect(oneClick.status).toBe(200);
    expect(await oneClick.text()).not.toContain('/resubscribe/');
    expect(await (await request(`/unsubscribe/${old.unsubscribe}`)).text()).not.toContain('/resubscribe/');
    expect((await stored(active))?.status).toBe('unsubscribed');

    // The current unsubscribe link (in the reader's next mail) brings them back.
    const current = await stored(active);
    if (!current) throw new Error('the reader is gone');
    expect((await post(`/resubscribe/${sign(current, 'unsubscribe')}`)).status).toBe(200);
    expect((await stored(active))?.status).toBe('active');
  });

  it('mails a fresh preferences link only when staff ask, to an active reader', async () => {
    const active = await created({ languages: ['en'] });
    const old = sign(active, 'preferences');
    const { subscriber, sent } = await revokeLinks(active.email, { sendLink: true }, services);
    expect(sent).toBe(true);
    const [mail, ...more] = await mailsTo(active.email);
    expect(more).toEqual([]);
    const fresh = linkIn(mail, 'preferences');
    expect(fresh).not.toBe(old);
    expect((await request(`/preferences/${fresh}`)).status).toBe(200);
    expect((await request(`/preferences/${old}`)).status).toBe(404);
    expect(subscriber.linkVersion).toBe(active.linkVersion + 1);

    const left = await created({ status: 'unsubscribed' });
    await expect(revokeLinks(left.email, { sendLink: true }, services)).rejects.toThrow(
      'only an active reader is sent links: this reader is unsubscribed; nothing changed',
    );
    expect(await stored(left)).toEqual(left);
    await expect(revokeLinks('nobody@example.org', { sendLink: false }, services)).rejects.toThrow(
      'no reader holds this address',
    );
  });
});
