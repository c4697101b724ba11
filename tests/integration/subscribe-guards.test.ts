import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../functions/http/app';
import type { ReaderEnv } from '../../functions/http/reader-language';
import { type ReaderParts, readerParts } from '../../functions/runtime/readers';
import { openTestStack, readOutbox, type TestStack } from '../support/test-stack';

const base = 'https://nashra.example';
const minute = 60 * 1000;
let t: TestStack;
let services: ReaderParts;
let app: Hono<ReaderEnv>;
let now = new Date('2026-11-09T09:00:00.000Z');
let ip = 0;
let address = 0;

beforeAll(async () => {
  t = await openTestStack({
    NASHRA_BASE_URL: base,
    NASHRA_SITES: 'ar=ar.network.example,en=www.network.example',
  });
  const runtime = t.withClock({ now: () => now });
  services = readerParts(runtime);
  app = createApp(runtime);
});
afterAll(() => t?.close());

/** A subscribe from a client of its own (the per-client limit stays out of the way). */
const subscribe = (email: string, headers: Record<string, string> = {}) =>
  app.request(
    '/subscribe',
    {
      method: 'POST',
      headers,
      body: new URLSearchParams({ email, languages: 'en', cadence: 'weekly' }),
    },
    { incoming: { socket: { remoteAddress: `192.0.2.${++ip}` } } },
  );

const mailsTo = async (addresses: string[]) =>
  (await readOutbox(t.stack)).filter((mail) => addresses.includes(mail.to));

describe('the per-address subscribe limit', () => {
  it('counts every +tag of one mailbox, and every dotting of a Gmail one, as that mailbox', async () => {
    const variants = [
      'victim@gmail.com',
      'victim+1@gmail.com',
      'vic.tim+2@gmail.com',
      'v.i.c.t.i.m@googlemail.com',
      'Victim+news@GoogleMail.com',
    ];
    for (const variant of variants) expect((await subscribe(variant)).status).toBe(200);
    // One mail for the mailbox in ten minutes (the default 1/600), whichever spelling asked.
    expect(await mailsTo(variants)).toHaveLength(1);

    const elsewhere = ['name@example.org', 'name+a@example.org', 'name+b@example.org'];
    for (const variant of elsewhere) await subscribe(variant);
    expect(await mailsTo(elsewhere)).toHaveLength(1);
  });

  it('keeps dots apart where the provider does not ignore them', async () => {
    const distinct = ['first.last@example.org', 'firstlast@example.org'];
    for (const variant of distinct) await subscribe(variant);
    expect(await mailsTo(distinct)).toHaveLength(2);
  });

  it('lets the mailbox ask again once its window has passed', async () => {
    const first = 'again+1@gmail.com';
    const second = 'a.gain+2@gmail.com';
    await subscribe(first);
    now = new Date(now.getTime() + 11 * minute);
    await subscribe(second);
    expect(await mailsTo([first, second])).toHaveLength(2);
  });
});

describe('the origin of a subscribe form', () => {
  const fresh = (tag: string) => `${tag}-${++address}@example.net`;

  it.each([
    ['the API itself', base],
    ['the Arabic site', 'https://ar.network.example'],
    ['the English site', 'https://www.network.example'],
  ])('takes a form posted from %s', async (_, origin) => {
    const email = fresh('welcome');
    expect((await subscribe(email, { Origin: origin })).status).toBe(200);
    expect(await services.subscribers.findByEmail(email)).toMatchObject({ status: 'pending' });
    expect(await mailsTo([email])).toHaveLength(1);
  });

  it('judges a request with no Origin (not a browser’s cross-site post) as before', async () => {
    const email = fresh('no-origin');
    expect((await subscribe(email)).status).toBe(200);
    expect(await mailsTo([email])).toHaveLength(1);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['a look-alike of a network site', 'https://www.network.example.evil.example'],
    ['a network site over plain http', 'http://www.network.example'],
    ['the API on another port', 'https://nashra.example:8443'],
    ['an opaque origin', 'null'],
  ])('refuses a form posted from %s (403), holding and sending nothing', async (_, origin) => {
    const email = fresh('refused');
    const page = await subscribe(email, { Origin: origin });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('only from the network’s own pages');
    const json = await app.request('/subscribe', {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, languages: ['en'], cadence: 'weekly' }),
    });
    expect(json.status).toBe(403);
    expect(await json.json()).toEqual({
      error: 'this form takes subscriptions only from the network’s own pages',
    });
    expect(await services.subscribers.findByEmail(email)).toBeUndefined();
    expect(await mailsTo([email])).toHaveLength(0);
  });
});
