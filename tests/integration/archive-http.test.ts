import fc from 'fast-check';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoArticleRepo } from '../../functions/adapters/dynamodb/article-repo';
import { createDynamoClient, documentClient } from '../../functions/adapters/dynamodb/client';
import type { Article } from '../../functions/core/article';
import { addSchedule } from '../../functions/core/schedules';
import { alertIssueId, sendAlert } from '../../functions/core/send/send-alert';
import { sendDigest } from '../../functions/core/send/send-digest';
import { createApp } from '../../functions/http/app';
import { archiveRoutes } from '../../functions/http/archive-routes';
import { seedSubscribers } from '../support/seed';
import { openTestStack, reader, readOutbox, type TestStack } from '../support/test-stack';

let t: TestStack;
let app: Hono;
let digestId: string;
/** An article's own image, hosted off the network's sites (as a hijacked feed may have it). */
const articleImage = 'https://images.elsewhere.example/water.jpg';
const now = new Date().toISOString();
const hourAgo = new Date(Date.now() - 60 * 60 * 1000).toISOString();

const article = (id: string, lang: 'ar' | 'en', changes: Partial<Article> = {}): Article => ({
  id,
  lang,
  title: lang === 'ar' ? `بيان ${id}` : `Statement ${id}`,
  summary: lang === 'ar' ? 'ملخص' : 'Summary',
  bodyHtml: '<p>body</p>',
  url: `https://${lang}.example.org/${id}`,
  topics: ['water'],
  publishedAt: hourAgo,
  urgent: false,
  firstSeenAt: now,
  updatedAt: now,
  ...changes,
});

const readers = [
  reader({ languages: ['ar'] }),
  reader({ languages: ['en'] }),
  reader({ languages: ['en'], topics: ['security'] }),
  reader({ languages: ['ar', 'en'] }),
  reader({ languages: ['ar', 'en'], cadence: 'instant' }),
];

/** Everything a page must never carry: a reader's link, token or address, or a placeholder. */
function expectNothingPersonal(html: string) {
  expect(html).not.toMatch(/\/unsubscribe\/|\/preferences\/|\/confirm\/|\/resubscribe\//);
  expect(html).not.toMatch(/\{\{\w+\}\}/);
  expect(html).not.toMatch(/[\w-]{20,}\.[\w-]{20,}/); // a signed token's shape
  for (const r of readers) expect(html).not.toContain(r.email);
}

beforeAll(async () => {
  t = await openTestStack();
  await seedSubscribers(t.db, t.stack.config.tables.subscribers, readers);
  await t.services.articles.save(article('water-ar', 'ar', { translationId: 'water-en' }));
  await t.services.articles.save(
    article('water-en', 'en', { translationId: 'water-ar', imageUrl: articleImage }),
  );
  await t.services.articles.save(article('security-en', 'en', { topics: ['security'] }));
  await t.stack.triggers.idle();
  await addSchedule(
    { name: 'weekly', cron: '0 8 * * 5', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
    t.services,
  );
  const schedule = await t.services.schedules.get('weekly');
  if (!schedule) throw new Error('no schedule');
  const outcome = await sendDigest(schedule, {}, t.services);
  if (!('issue' in outcome)) throw new Error(`no digest: ${outcome.status}`);
  digestId = outcome.issue.id;
  await t.stack.triggers.idle();
  app = new Hono().route('/', archiveRoutes(t.runtime));
}, 120_000);
afterAll(() => t.close());

describe('GET /issues/{id}/{variant}', () => {
  it("serves each variant's stored copy, with no personal link, token or address", async () => {
    for (const variant of ['ar', 'en', 'ar+en']) {
      const response = await app.request(`/issues/${digestId}/${encodeURIComponent(variant)}`);
      expect(response.status, variant).toBe(200);
      expect(response.headers.get('content-language')).toBe(variant.replace('+', ', '));
      const html = await response.text();
      expectNothingPersonal(html);
      expect(html).toContain('/subscribe?lang=');
      expect(html).toContain('/issues?lang=');
      if (variant.includes('ar')) expect(html).toContain('بيان');
      if (variant.includes('en')) expect(html).toContain('Statement water-en');
    }
  });

  it('is where the view-in-browser link of every mail points', async () => {
    const mails = (await readOutbox(t.stack)).filter((mail) =>
      mail.headers.get('feedback-id')?.startsWith(digestId),
    );
    expect(mails.length).toBeGreaterThan(0);
    for (const mail of mails) {
      const link = new RegExp(`${t.stack.config.baseUrl}(/issues/${digestId}/[a-z+]+)"`).exec(mail.html);
      expect(link, mail.subject).not.toBeNull();
      expect((await app.request(link?.[1] ?? '')).status).toBe(200);
      // The mail itself carries the reader's own links; the copy does not.
      expect(mail.html).toMatch(/\/unsubscribe\//);
    }
  });

  it('loads nothing from elsewhere: no image in the markup, none allowed by the CSP', async () => {
    const mailed = await readOutbox(t.stack);
    expect(mailed.some((mail) => mail.html.includes(articleImage))).toBe(true);
    for (const variant of ['en', 'ar+en']) {
      const html = await (await app.request(`/issues/${digestId}/${encodeURIComponent(variant)}`)).text();
      expect(html).toContain('Statement water-en');
      expect(html).not.toMatch(/<img\b/i);
      expect(html).not.toContain('elsewhere.example');
    }
    const csp =
      (await createApp(t.runtime).request('/issues/any/fr')).headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/img-src 'self'(;|$)/);
    expect(csp).not.toMatch(/https:/);
  });

  it('shows the fullest copy when readers on different topics got different ones', async () => {
    const issue = await t.services.issues.get(digestId);
    expect(issue?.variantKeys.filter((key) => key.startsWith('en.'))).toHaveLength(2);
    const html = await (await app.request(`/issues/${digestId}/en`)).text();
    expect(html).toContain('Statement water-en');
    expect(html).toContain('Statement security-en');
  });

  it('answers 404 for an unknown issue, a variant it lacks, and a language nashra does not speak', async () => {
    for (const path of [
      '/issues/no-such-issue/ar',
      `/issues/${digestId}/en+ar`,
      `/issues/${digestId}/fr`,
      `/issues/${digestId}/ar+ar`,
    ]) {
      const response = await app.request(path);
      expect(response.status, path).toBe(404);
      expectNothingPersonal(await response.text());
    }
  });

  it('serves a plain language from a bilingual copy when the issue has none in that language alone', async () => {
    // A translated pair stored past the stream tap, so that its alert is this test's to send: the
    // bilingual instant reader is its only recipient, in ar+en.
    const direct = createDynamoClient({
      ...t.stack.config,
      endpoints: { ...t.stack.config.endpoints, dynamodb: inject('dynamodbUrl') },
    });
    const pair = new DynamoArticleRepo(documentClient(direct), t.stack.config.tables.articles);
    await pair.save(article('alert-ar', 'ar', { publishedAt: now, topics: [], translationId: 'alert-en' }));
    await pair.save(article('alert-en', 'en', { publishedAt: now, topics: [], translationId: 'alert-ar' }));
    direct.destroy();
    const outcome = await sendAlert(
      article('alert-en', 'en', { publishedAt: now, topics: [], translationId: 'alert-ar' }),
      t.services,
    );
    await t.stack.triggers.idle();
    expect(outcome.issue.variantKeys.map((key) => key.split('.')[0])).toEqual(['ar+en']);
    for (const lang of ['en', 'ar', 'ar+en', 'ar%2Ben', 'ar en'])
      expect((await app.request(`/issues/${alertIssueId('alert-en')}/${lang}`)).status, lang).toBe(200);
    expect((await app.request(`/issues/${alertIssueId('alert-en')}/en+ar`)).status).toBe(404);
  });

  it('is 404 for an alert still held in quiet hours', async () => {
    const now = t.services.clock.now().toISOString();
    await t.services.issues.createOnce({
      id: 'alert-held-example',
      kind: 'alert',
      articleIds: ['water-en'],
      status: 'held',
      sendAfter: now,
      variantKeys: [],
      fannedOut: false,
      fanOutPosition: '',
      recipients: 0,
      sent: 0,
      skipped: 0,
      failed: 0,
      createdAt: now,
      updatedAt: now,
    });
    expect((await app.request('/issues/alert-held-example/en')).status).toBe(404);
  });
});

describe('GET /issues', () => {
  it('lists the issues that went out, newest first, with a link per language and nothing personal', async () => {
    const response = await app.request('/issues?lang=en');
    expect(response.status).toBe(200);
    const html = await response.text();
    expectNothingPersonal(html);
    expect(html).toMatch(/<html lang="en" dir="ltr">/);
    const links = [...html.matchAll(/href="(\/issues\/[^"?]+)"/g)].map((match) => match[1] ?? '');
    // The bilingual alert, sent last, comes first: its Arabic and English links both open ar+en.
    expect(links.slice(0, 2)).toEqual([
      `/issues/${alertIssueId('alert-en')}/ar+en`,
      `/issues/${alertIssueId('alert-en')}/ar+en`,
    ]);
    expect(links).toContain(`/issues/${digestId}/ar`);
    expect(links).toContain(`/issues/${digestId}/en`);
    for (const link of links) expect((await app.request(link)).status, link).toBe(200);
    expect(html).not.toContain('alert-held-example');
    expect(html).toContain('hreflang="ar" lang="ar" dir="rtl"');
    expect(html).toContain('href="/issues?lang=ar"');
  });

  it('speaks Arabic right to left with ?lang=ar (and by default), and 404s a forged cursor', async () => {
    for (const path of ['/issues?lang=ar', '/issues']) {
      const html = await (await app.request(path)).text();
      expect(html).toMatch(/<html lang="ar" dir="rtl">/);
      expect(html).toContain('أرشيف النشرة');
    }
    expect((await app.request('/issues?before=%7B%22x%22%3A1%7D')).status).toBe(404);
    expect((await app.request('/issues?before=bm90LWpzb24')).status).toBe(404);
  });

  it('answers a cursor it did not make with the 404 page, never a 500', async () => {
    const forged = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    const cursors = [
      forged({ listKey: 'issue', createdAt: 5, id: 'x' }),
      forged({ listKey: 'other', createdAt: '2020-01-01T00:00:00.000Z', id: 'x' }),
      forged({ id: { S: 'x' } }),
      forged({}),
      forged(null),
      forged([]),
      forged('issue'),
      forged({ listKey: 'issue', createdAt: '2020-01-01T00:00:00.000Z', id: 'x', extra: 'y' }),
    ];
    for (const cursor of cursors) {
      const response = await app.request(`/issues?lang=en&before=${cursor}`);
      expect(response.status, Buffer.from(cursor, 'base64url').toString()).toBe(404);
      expect(await response.text()).toMatch(/<html lang="en" dir="ltr">/);
    }
  });

  it('never answers 500 whatever the cursor holds (fuzzed)', async () => {
    const cursor = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.jsonValue({ maxDepth: 3 }).map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
      fc
        .record({
          listKey: fc.oneof(fc.constant('issue'), fc.string({ maxLength: 6 })),
          createdAt: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            fc.string({ maxLength: 30 }),
            fc.integer(),
          ),
          id: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null)),
        })
        .map((key) => Buffer.from(JSON.stringify(key)).toString('base64url')),
    );
    await fc.assert(
      fc.asyncProperty(cursor, async (before) => {
        const response = await app.request(`/issues?lang=en&before=${encodeURIComponent(before)}`);
        expect([200, 404]).toContain(response.status);
      }),
      { numRuns: 150 },
    );
  });

  it('pages through older issues, twenty to a page', async () => {
    const first = await (await app.request('/issues?lang=en')).text();
    expect(first).not.toContain('rel="next"');
    const stamp = (i: number) => new Date(Date.parse('2020-01-01T00:00:00.000Z') + i * 60_000).toISOString();
    for (let i = 0; i < 25; i++) {
      const id = `old-digest-${String(i).padStart(2, '0')}`;
      await t.services.issues.createOnce({
        id,
        kind: 'digest',
        articleIds: [],
        status: 'sent',
        variantKeys: ['en.old'],
        fannedOut: true,
        fanOutPosition: '',
        recipients: 1,
        sent: 1,
        skipped: 0,
        failed: 0,
        createdAt: stamp(i),
        updatedAt: stamp(i),
      });
      await t.services.issues.saveVariant(id, 'en.old', {
        subject: `Old issue ${i}`,
        preheader: '',
        html: '<html><body><p>old</p></body></html>',
        text: 'old',
        lang: 'en',
        contentLanguage: 'en',
      });
    }
    const page1 = await (await app.request('/issues?lang=en')).text();
    const older = /href="(\/issues\?lang=en&amp;before=[\w-]+)" rel="next"/.exec(page1)?.[1];
    expect(older).toBeDefined();
    const page2 = await (await app.request((older ?? '').replace(/&amp;/g, '&'))).text();
    expect(page2).toContain('Old issue 0');
    expect(page1).not.toContain('Old issue 0');
    expect(page1).toContain(`/issues/${digestId}/en`);
  });
});

describe('the app', () => {
  it('mounts the archive', async () => {
    const response = await createApp(t.runtime).request('/issues/any/fr');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
  });
});
