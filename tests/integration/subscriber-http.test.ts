import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Subscriber } from '../../functions/core/subscriber';
import { createApp } from '../../functions/http/app';
import type { ReaderEnv } from '../../functions/http/reader-language';
import { type ReaderParts, readerParts } from '../../functions/runtime/readers';
import { type OutboxMail, openTestStack, reader, readOutbox, type TestStack } from '../support/test-stack';

const base = 'https://nashra.example';
let t: TestStack;
let services: ReaderParts;
let app: Hono<ReaderEnv>;
let now = new Date('2026-11-02T09:00:00.000Z');
let ipCounter = 0;
let addressCounter = 0;

beforeAll(async () => {
  t = await openTestStack({ NASHRA_BASE_URL: base, NASHRA_UNSUBSCRIBE_NOTICE: 'page' });
  const runtime = t.withClock({ now: () => now });
  services = readerParts(runtime);
  app = createApp(runtime);
});
afterAll(() => t?.close());

/** A client of its own per call (so the per-client limit stays out of the way) unless one is given. */
const freshIp = () => `198.51.100.${++ipCounter}`;
const freshAddress = (tag: string) => `${tag}-${++addressCounter}-${now.getTime()}@example.org`;

function request(path: string, init: RequestInit = {}, ip = freshIp()) {
  return app.request(path, init, { incoming: { socket: { remoteAddress: ip } } });
}

function form(fields: Record<string, string | string[]>): URLSearchParams {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(fields))
    for (const item of Array.isArray(value) ? value : [value]) body.append(name, item);
  return body;
}

const post = (path: string, fields: Record<string, string | string[]> = {}, ip?: string) =>
  request(path, { method: 'POST', body: form(fields) }, ip);

const subscribe = (fields: Record<string, string | string[]>, ip?: string) => post('/subscribe', fields, ip);

async function mailsTo(address: string): Promise<OutboxMail[]> {
  return (await readOutbox(t.stack)).filter((mail) => mail.to === address);
}

function tokenIn(mail: OutboxMail | undefined, route: string): string {
  const match = new RegExp(`${base}/${route}/([A-Za-z0-9_.-]+)`).exec(mail?.text ?? '');
  if (!match?.[1]) throw new Error(`no ${route} link in the mail`);
  return match[1];
}

const stored = (address: string) => services.subscribers.findByEmail(address);

async function signed(subscriber: Subscriber, purpose: 'confirm' | 'unsubscribe' | 'preferences') {
  return services.signer.sign(
    { subscriberId: subscriber.id, purpose, linkVersion: subscriber.linkVersion },
    now,
  );
}

describe.each([
  { lang: 'ar', languages: 'ar,en', subject: /أكّد اشتراكك/, welcome: /أهلاً بك/, title: 'أكّد اشتراكك' },
  {
    lang: 'en',
    languages: 'en',
    subject: /Confirm your subscription/,
    welcome: /Welcome/,
    title: 'Confirm your subscription',
  },
] as const)('the whole flow in $lang', ({ lang, languages, subject, welcome, title }) => {
  it('subscribe → confirmation mail → confirm → preferences → one-click unsubscribe → resubscribe', async () => {
    const address = freshAddress(`flow-${lang}`);
    const answer = await subscribe({ email: address, languages, cadence: 'weekly', topics: 'water', lang });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain(lang === 'ar' ? 'تفقّد بريدك' : 'Check your inbox');

    const pending = await stored(address);
    expect(pending).toMatchObject({ status: 'pending', languages: languages.split(','), topics: ['water'] });
    const [confirmation] = await mailsTo(address);
    expect(confirmation?.subject).toMatch(subject);
    expect(confirmation?.headers.get('content-language')).toBe(languages.replace(',', ', '));
    // Sent to an address whose owner has not subscribed: nothing in it unsubscribes anyone.
    expect(confirmation?.headers.has('list-unsubscribe')).toBe(false);
    expect(confirmation?.text).not.toContain('/unsubscribe/');
    const confirmToken = tokenIn(confirmation, 'confirm');

    const landing = await request(`/confirm/${confirmToken}`);
    expect(landing.status).toBe(200);
    const page = await landing.text();
    expect(page).toContain(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`);
    expect(page).toContain(title);
    expect(page).toContain(`<form method="post" action="/confirm/${confirmToken}">`);
    expect((await stored(address))?.status).toBe('pending');

    const confirmed = await post(`/confirm/${confirmToken}`);
    expect(confirmed.status).toBe(200);
    expect((await stored(address))?.status).toBe('active');
    const welcomeMails = (await mailsTo(address)).filter((mail) => welcome.test(mail.subject));
    expect(welcomeMails).toHaveLength(1);
    const welcomeMail = welcomeMails[0];
    const unsubscribeToken = tokenIn(welcomeMail, 'unsubscribe');
    expect(welcomeMail?.headers.get('list-unsubscribe')).toBe(
      `<${base}/unsubscribe/${unsubscribeToken}>, <mailto:unsubscribe@nashra.example?subject=unsubscribe>`,
    );
    expect(welcomeMail?.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    const preferencesToken = tokenIn(welcomeMail, 'preferences');
    const preferencesPage = await request(`/preferences/${preferencesToken}`);
    expect(preferencesPage.status).toBe(200);
    expect(await preferencesPage.text()).toContain(`value="${languages}" checked`);
    const saved = await post(`/preferences/${preferencesToken}`, {
      languages: 'en,ar',
      cadence: 'daily',
      topics: ['security', 'basra'],
      urgentAlerts: 'on',
    });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain('role="status"');
    expect(await stored(address)).toMatchObject({
      status: 'active',
      languages: ['en', 'ar'],
      cadence: 'daily',
      topics: ['security', 'basra'],
      urgentAlerts: true,
      paused: false,
    });

    const unsubscribePage = await request(`/unsubscribe/${unsubscribeToken}`);
    expect(unsubscribePage.status).toBe(200);
    expect((await stored(address))?.status).toBe('active');

    const oneClick = await request(`/unsubscribe/${unsubscribeToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    expect(oneClick.headers.get('location')).toBeNull();
    expect(oneClick.headers.get('set-cookie')).toBeNull();
    expect((await stored(address))?.status).toBe('unsubscribed');
    expect(await oneClick.text()).toContain(`action="/resubscribe/${unsubscribeToken}"`);
    // A mail client's one-click sends no notice (NASHRA_UNSUBSCRIBE_NOTICE=page here).
    expect((await mailsTo(address)).filter((mail) => mail.subject.includes('unsubscribed'))).toHaveLength(0);

    const back = await post(`/resubscribe/${unsubscribeToken}`);
    expect(back.status).toBe(200);
    expect(await stored(address)).toMatchObject({ status: 'active', consent: { method: 'resubscribe' } });
  });
});

describe('POST /subscribe', () => {
  it('answers a known and an unknown address in exactly the same way', async () => {
    const known = reader({ email: freshAddress('known'), status: 'active' });
    await services.subscribers.create(known);
    const suppressed = reader({ email: freshAddress('bounced'), status: 'bounced' });
    await services.subscribers.create(suppressed);
    const answers = await Promise.all(
      [known.email, suppressed.email, freshAddress('unknown')].map(async (email) => {
        const response = await subscribe({ email, languages: 'en', cadence: 'daily', lang: 'en' });
        return { status: response.status, body: await response.text() };
      }),
    );
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(answers[0]?.status).toBe(200);
  });

  it('offers urgent alerts ticked on the form, and keeps the reader’s answer either way', async () => {
    const page = await (await request('/subscribe?lang=en')).text();
    expect(page).toContain('<input type="hidden" name="urgentAlerts" value="off">');
    expect(page).toMatch(/<input type="checkbox" name="urgentAlerts" value="on" checked/);
    const ticked = freshAddress('urgent-ticked');
    const unticked = freshAddress('urgent-unticked');
    await subscribe({ email: ticked, languages: 'en', cadence: 'weekly', urgentAlerts: ['off', 'on'] });
    await subscribe({ email: unticked, languages: 'en', cadence: 'weekly', urgentAlerts: 'off' });
    expect((await stored(ticked))?.urgentAlerts).toBe(true);
    expect((await stored(unticked))?.urgentAlerts).toBe(false);
  });

  it('takes JSON with repeated or comma-separated lists and answers 202 JSON', async () => {
    const email = freshAddress('json');
    const response = await request('/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: email.toUpperCase(),
        languages: ['en', 'ar'],
        cadence: 'instant',
        topics: 'water,security',
      }),
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ status: 'accepted' });
    expect(await stored(email)).toMatchObject({
      email,
      status: 'pending',
      languages: ['en', 'ar'],
      topics: ['water', 'security'],
    });
    expect(await mailsTo(email)).toHaveLength(1);
  });

  it('sends an active reader the welcome mail (with their links) and leaves their choices alone', async () => {
    const active = reader({ email: freshAddress('active'), languages: ['ar'], cadence: 'daily' });
    await services.subscribers.create(active);
    await subscribe({ email: active.email, languages: 'en', cadence: 'instant' });
    expect(await stored(active.email)).toMatchObject({
      status: 'active',
      languages: ['ar'],
      cadence: 'daily',
    });
    const mails = await mailsTo(active.email);
    expect(mails.map((mail) => mail.subject)).toEqual(['أهلاً بك في نشرة المبادرة']);
    expect(mails[0]?.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  });

  it('never mails or resurrects a bounced or complained address; re-confirms an unsubscribed one', async () => {
    for (const status of ['bounced', 'complained'] as const) {
      const suppressed = reader({ email: freshAddress(status), status });
      await services.subscribers.create(suppressed);
      await subscribe({ email: suppressed.email, languages: 'en', cadence: 'weekly' });
      expect((await stored(suppressed.email))?.status).toBe(status);
      expect(await mailsTo(suppressed.email)).toEqual([]);
    }
    const left = reader({ email: freshAddress('left'), status: 'unsubscribed' });
    await services.subscribers.create(left);
    await subscribe({ email: left.email, languages: 'ar', cadence: 'weekly' });
    expect((await stored(left.email))?.status).toBe('unsubscribed');
    const [confirmation] = await mailsTo(left.email);
    await post(`/confirm/${tokenIn(confirmation, 'confirm')}`);
    expect(await stored(left.email)).toMatchObject({ status: 'active', languages: ['ar'] });
  });

  it('keeps one address one subscriber under a burst of concurrent subscribes, with one confirmation', async () => {
    const email = freshAddress('burst');
    const answers = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        subscribe({ email: i % 2 ? email : email.toUpperCase(), languages: 'en', cadence: 'weekly' }),
      ),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await services.subscribers.scan({ cursor, limit: 100 });
      all.push(...page.subscribers);
      cursor = page.cursor;
    } while (cursor);
    expect(all.filter((subscriber) => subscriber.email === email)).toHaveLength(1);
    expect(await mailsTo(email)).toHaveLength(1);
  });

  it('mails one address at most once per window, and again in the next', async () => {
    const email = freshAddress('window');
    for (let i = 0; i < 3; i++) await subscribe({ email, languages: 'en', cadence: 'weekly' });
    expect(await mailsTo(email)).toHaveLength(1);
    const before = now;
    now = new Date(now.getTime() + 10 * 60 * 1000);
    try {
      await subscribe({ email, languages: 'en', cadence: 'weekly' });
      expect(await mailsTo(email)).toHaveLength(2);
    } finally {
      now = before;
    }
  });

  it('limits one client to 20 subscribe requests in ten minutes (429), without touching other clients', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push(
        (await subscribe({ email: freshAddress('client'), languages: 'en', cadence: 'weekly' }, ip)).status,
      );
    expect(statuses.slice(0, 20).every((status) => status === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
    const last = await subscribe({ email: freshAddress('client'), languages: 'en', cadence: 'weekly' }, ip);
    expect(await last.text()).toContain('Too many requests');
    expect(
      (await subscribe({ email: freshAddress('other'), languages: 'en', cadence: 'weekly' })).status,
    ).toBe(200);
  });

  it('counts an IPv6 client by its /64 and keeps no address or IP in clear in the counters table', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++)
      statuses.push(
        (
          await subscribe(
            { email: freshAddress('v6'), languages: 'en', cadence: 'weekly' },
            `2001:db8:1:2::${i + 1}`,
          )
        ).status,
      );
    expect(statuses.at(-1)).toBe(429);
    const { ScanCommand } = await import('@aws-sdk/lib-dynamodb');
    const counters = await t.db.send(new ScanCommand({ TableName: t.stack.config.tables.counters }));
    const text = JSON.stringify(counters.Items);
    expect(counters.Items?.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/example\.org|198\.51\.100|2001:db8/);
  });

  it('does nothing for a filled honeypot, and answers as ever', async () => {
    const email = freshAddress('bot');
    const response = await subscribe({
      email,
      languages: 'en',
      cadence: 'weekly',
      website: 'http://spam.example',
    });
    expect(response.status).toBe(200);
    expect(await stored(email)).toBeUndefined();
    expect(await mailsTo(email)).toEqual([]);
  });

  it('refuses bad values with a 400 page in the reader’s language', async () => {
    const cases: Record<string, string>[] = [
      { email: 'not-an-address', languages: 'en', cadence: 'weekly' },
      { email: freshAddress('bad'), languages: 'fr', cadence: 'weekly' },
      { email: freshAddress('bad'), languages: 'en', cadence: 'hourly' },
      { email: freshAddress('bad'), languages: 'en', cadence: 'weekly', topics: 'no-such-topic' },
      { email: freshAddress('bad'), cadence: 'weekly' },
    ];
    for (const fields of cases) {
      const response = await subscribe({ ...fields, lang: 'ar' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('<html lang="ar" dir="rtl">');
    }
  });

  it('refuses other content types (415) and big bodies (413)', async () => {
    const xml = await request('/subscribe', {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: '<email>a@example.org</email>',
    });
    expect(xml.status).toBe(415);
    const big = await subscribe({
      email: freshAddress('big'),
      languages: 'en',
      cadence: 'weekly',
      topics: 'x'.repeat(20_000),
    });
    expect(big.status).toBe(413);
  });
});

describe('header injection', () => {
  const injected = 'x\r\nBcc: victim@example.net';

  it.each(['email', 'languages', 'cadence', 'topics', 'lang', 'website'])(
    'a line break in the subscribe form’s %s is a 400 and changes nothing',
    async (field) => {
      const email = freshAddress(`inject-${field}`);
      const fields: Record<string, string> = {
        email,
        languages: 'en',
        cadence: 'weekly',
        topics: 'water',
        lang: 'en',
      };
      fields[field] = field === 'email' ? `${email}\r\nBcc: victim@example.net` : injected;
      const response = await subscribe(fields);
      expect(response.status).toBe(400);
      expect(await stored(email)).toBeUndefined();
      expect(await mailsTo(email)).toEqual([]);
      const json = await request('/subscribe', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(fields),
      });
      expect(json.status).toBe(400);
      expect(await json.json()).toMatchObject({ error: expect.stringContaining('line break') });
    },
  );

  it.each(['languages', 'cadence', 'topics', 'urgentAlerts', 'paused'])(
    'a line break in the preferences form’s %s is a 400 and changes nothing',
    async (field) => {
      const active = reader({ email: freshAddress('prefs-inject') });
      await services.subscribers.create(active);
      const fields: Record<string, string> = { languages: 'en', cadence: 'daily', topics: 'water' };
      fields[field] = injected;
      const response = await post(`/preferences/${await signed(active, 'preferences')}`, fields);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('<html lang="en" dir="ltr">');
      expect(await stored(active.email)).toEqual(active);
    },
  );

  it.each(['List-Unsubscribe', 'source'])(
    'a line break in the unsubscribe POST’s %s is a 400 and changes nothing',
    async (field) => {
      const active = reader({ email: freshAddress('unsub-inject') });
      await services.subscribers.create(active);
      const response = await post(`/unsubscribe/${await signed(active, 'unsubscribe')}`, {
        [field]: injected,
      });
      expect(response.status).toBe(400);
      expect((await stored(active.email))?.status).toBe('active');
    },
  );

  it('a line break in a field of the confirm POST is a 400 and confirms nothing', async () => {
    const pending = reader({ email: freshAddress('confirm-inject'), status: 'pending' });
    await services.subscribers.create(pending);
    const response = await post(`/confirm/${await signed(pending, 'confirm')}`, { anything: injected });
    expect(response.status).toBe(400);
    expect((await stored(pending.email))?.status).toBe('pending');
  });
});

describe('tokens', () => {
  let active: Subscriber;
  let notFound: string;

  beforeAll(async () => {
    active = reader({ email: freshAddress('tokens') });
    await services.subscribers.create(active);
    notFound = await (await request('/no-such-page')).text();
  });

  async function expectLeaksNothing(path: string, method: 'GET' | 'POST') {
    const response =
      method === 'GET' ? await request(path) : await post(path, { 'List-Unsubscribe': 'One-Click' });
    expect(response.status).toBe(404);
    expect(await response.text()).toBe(notFound);
  }

  it('answers a forged, tampered, truncated, other-purpose or revoked token with the plain 404 page', async () => {
    const genuine = await signed(active, 'unsubscribe');
    const [body = '', mac = ''] = genuine.split('.');
    const other = reader({ id: 'someone-else-entirely-0001' });
    const forgedBody = Buffer.from(JSON.stringify({ s: other.id, p: 'unsubscribe', v: 1 })).toString(
      'base64url',
    );
    const flipped = `${body.slice(0, -2)}${body.at(-2) === 'A' ? 'B' : 'A'}${body.at(-1)}`;
    const bad = [`${forgedBody}.${mac}`, `${flipped}.${mac}`, genuine.slice(0, -4), body, 'x'.repeat(600)];
    for (const token of bad) {
      for (const route of ['unsubscribe', 'confirm', 'resubscribe', 'preferences']) {
        await expectLeaksNothing(`/${route}/${token}`, 'GET');
        await expectLeaksNothing(`/${route}/${token}`, 'POST');
      }
    }
    const preferencesToken = await signed(active, 'preferences');
    for (const route of ['unsubscribe', 'confirm', 'resubscribe']) {
      await expectLeaksNothing(`/${route}/${preferencesToken}`, 'GET');
      await expectLeaksNothing(`/${route}/${preferencesToken}`, 'POST');
    }
    await expectLeaksNothing(`/preferences/${genuine}`, 'GET');
    await expectLeaksNothing(`/preferences/${genuine}`, 'POST');
    expect((await stored(active.email))?.status).toBe('active');

    await services.subscribers.update({ ...active, linkVersion: 2 });
    await expectLeaksNothing(`/unsubscribe/${genuine}`, 'GET');
    await expectLeaksNothing(`/unsubscribe/${genuine}`, 'POST');
    expect((await stored(active.email))?.status).toBe('active');
  });

  it('shows an expired confirm link a page that offers a new mail, and sends one on POST', async () => {
    const email = freshAddress('expired');
    await subscribe({ email, languages: 'en', cadence: 'weekly' });
    const token = tokenIn((await mailsTo(email))[0], 'confirm');
    const before = now;
    now = new Date(now.getTime() + 8 * 24 * 60 * 60 * 1000);
    try {
      const landing = await request(`/confirm/${token}`);
      expect(landing.status).toBe(410);
      expect(await landing.text()).toContain(`action="/confirm/${token}/resend"`);
      const stale = await post(`/confirm/${token}`);
      expect(stale.status).toBe(410);
      expect((await stored(email))?.status).toBe('pending');
      expect((await request(`/confirm/${token}/resend`)).status).toBe(410);
      expect(await mailsTo(email)).toHaveLength(1);
      const resent = await post(`/confirm/${token}/resend`);
      expect(resent.status).toBe(200);
      const mails = await mailsTo(email);
      expect(mails).toHaveLength(2);
      await post(
        `/confirm/${tokenIn(
          mails.find((mail) => mail.text.indexOf(token) < 0),
          'confirm',
        )}`,
      );
      expect((await stored(email))?.status).toBe('active');
    } finally {
      now = before;
    }
  });
});

describe('replays and GETs', () => {
  it('confirms once: a replayed or concurrent confirmation sends no second welcome', async () => {
    const email = freshAddress('replay');
    await subscribe({ email, languages: 'ar', cadence: 'instant' });
    const token = tokenIn((await mailsTo(email))[0], 'confirm');
    const answers = await Promise.all([
      post(`/confirm/${token}`),
      post(`/confirm/${token}`),
      post(`/confirm/${token}`),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const again = await post(`/confirm/${token}`);
    expect(await again.text()).toContain('تم تأكيد اشتراكك');
    expect((await mailsTo(email)).filter((mail) => mail.subject.startsWith('أهلاً'))).toHaveLength(1);
    expect((await stored(email))?.confirmedAt).toBe(now.toISOString());
  });

  it('changes nothing on a GET (or HEAD) of any state-changing URL', async () => {
    const pending = reader({ email: freshAddress('get-pending'), status: 'pending' });
    const active = reader({ email: freshAddress('get-active') });
    const left = reader({ email: freshAddress('get-left'), status: 'unsubscribed' });
    for (const subscriber of [pending, active, left]) await services.subscribers.create(subscriber);
    const paths = [
      `/confirm/${await signed(pending, 'confirm')}`,
      `/confirm/${await signed(pending, 'confirm')}/resend`,
      `/unsubscribe/${await signed(active, 'unsubscribe')}`,
      `/preferences/${await signed(active, 'preferences')}?languages=ar&cadence=instant&paused=on`,
      `/resubscribe/${await signed(left, 'unsubscribe')}`,
      `/subscribe?email=${encodeURIComponent(freshAddress('get'))}&languages=en&cadence=weekly`,
    ];
    for (const path of paths) {
      expect((await request(path)).status).toBe(200);
      expect((await request(path, { method: 'HEAD' })).status).toBe(200);
    }
    expect(await stored(pending.email)).toEqual(pending);
    expect(await stored(active.email)).toEqual(active);
    expect(await stored(left.email)).toEqual(left);
    for (const subscriber of [pending, active, left]) expect(await mailsTo(subscriber.email)).toEqual([]);
  });

  it('sends the unsubscribe notice after the page’s own button when configured to (page), with the way back', async () => {
    const active = reader({ email: freshAddress('notice'), languages: ['en', 'ar'] });
    await services.subscribers.create(active);
    const token = await signed(active, 'unsubscribe');
    const page = await (await request(`/unsubscribe/${token}`)).text();
    expect(page).toContain('name="source" value="page"');
    const response = await post(`/unsubscribe/${token}`, { source: 'page' });
    expect(response.status).toBe(200);
    const [notice] = await mailsTo(active.email);
    expect(notice?.subject).toContain('You have unsubscribed');
    expect(notice?.text).toContain(`${base}/resubscribe/`);
    expect((await post(`/unsubscribe/${token}`, { source: 'page' })).status).toBe(200);
    expect(await mailsTo(active.email)).toHaveLength(1);
  });

  it('never resurrects a bounced reader through the resubscribe button', async () => {
    const bounced = reader({ email: freshAddress('resub-bounced'), status: 'bounced' });
    await services.subscribers.create(bounced);
    const token = await signed(bounced, 'unsubscribe');
    expect((await post(`/unsubscribe/${token}`)).status).toBe(200);
    const response = await post(`/resubscribe/${token}`);
    expect(response.status).toBe(200);
    expect((await stored(bounced.email))?.status).toBe('bounced');
  });
});
