import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MjmlRenderer } from '../../functions/adapters/mjml-renderer';
import type { Article } from '../../functions/core/article';
import { LinkSigner, subscriberLinks } from '../../functions/core/link-token';
import { personalise } from '../../functions/core/mail/personalise';
import { type MailVariant, mailVariants } from '../../functions/core/mail/variant';
import { addSchedule } from '../../functions/core/schedules';
import { sendDigest } from '../../functions/core/send/send-digest';
import { createMailRenderer } from '../../functions/render/render-mail';
import { basraAr, basraEn, week, weekOfArticles } from '../fixtures/render-articles';
import { elements } from '../support/mail-dom';
import { seedSubscribers } from '../support/seed';
import { openTestStack, reader, readOutbox, type TestStack } from '../support/test-stack';

/**
 * Privacy defaults of every mail nashra sends: no tracking pixel, no rewritten link, no third-party
 * asset. An image is an article's own https image, as the feed gave it; a link is an article's own
 * URL, one of nashra's own pages under its base URL, or a mailto — never a redirector or a tracker.
 */
const baseUrl = 'https://nashra.example';
const ownPages =
  /^https:\/\/nashra\.example\/(unsubscribe|preferences|confirm|resubscribe)\/[\w-]+\.[\w-]+$|^https:\/\/nashra\.example\/(issues\/[^?#]+|subscribe(\?lang=(ar|en))?)?$/;

function problemsOf(html: string, text: string, articles: Article[]): string[] {
  const images = new Set(articles.flatMap((article) => (article.imageUrl ? [article.imageUrl] : [])));
  const articleUrls = new Set(articles.map((article) => article.url));
  const problems: string[] = [];
  for (const image of elements(html, 'img')) {
    const src = image.src ?? '';
    if (!images.has(src) || !src.startsWith('https://')) problems.push(`image not an article's own: ${src}`);
    if (image.width === '1' || image.height === '1' || /(^|\D)1px/.test(image.style ?? ''))
      problems.push(`a one-pixel image: ${src}`);
  }
  for (const link of elements(html, 'a')) {
    const href = (link.href ?? '').trim();
    if (!(articleUrls.has(href) || ownPages.test(href) || href.startsWith('mailto:')))
      problems.push(`a link that is neither an article's, nashra's own page nor a mailto: ${href}`);
  }
  for (const url of text.match(/https?:\/\/[^\s<>)\]]+/g) ?? [])
    if (!(articleUrls.has(url) || ownPages.test(url))) problems.push(`a text-part link: ${url}`);
  for (const tag of ['script', 'iframe', 'link', 'object', 'embed', 'form'])
    if (elements(html, tag).length > 0) problems.push(`a <${tag}>`);
  if (/url\(|@import|@font-face/i.test(html)) problems.push('a CSS-loaded asset');
  return problems;
}

describe('every template × variant, rendered', () => {
  const renderer = createMailRenderer({ compiler: new MjmlRenderer(), baseUrl, timeZone: 'Asia/Baghdad' });
  const signer = new LinkSigner('privacy-test-signing-key-0123456789abcdef');
  const links = subscriberLinks(signer, baseUrl, { id: 'reader-privacy-0001', linkVersion: 1 }, new Date());
  const render = (kind: string, variant: MailVariant) =>
    kind === 'digest'
      ? renderer.renderDigest({
          issueId: 'weekly-2014-01-07',
          variant,
          articles: weekOfArticles,
          window: week,
        })
      : kind === 'alert'
        ? renderer.renderAlert({ issueId: 'alert-basra', variant, articles: [basraAr, basraEn] })
        : renderer.renderSystemMail(kind as 'confirm' | 'welcome' | 'unsubscribed', variant, {
            cadence: 'weekly',
          });

  it.each(
    ['digest', 'alert', 'confirm', 'welcome', 'unsubscribed'].flatMap((kind) =>
      mailVariants.map((variant) => ({ kind, variant })),
    ),
  )('the $kind mail in $variant has no tracker, no rewritten link', async ({ kind, variant }) => {
    const mail = personalise(await render(kind, variant), {
      ...links,
      resubscribeUrl: links.unsubscribeUrl.replace('/unsubscribe/', '/resubscribe/'),
    });
    expect(problemsOf(mail.html, mail.text, weekOfArticles)).toEqual([]);
  });
});

describe('a real digest and alerts, through the local stack', () => {
  let t: TestStack;

  beforeAll(async () => {
    t = await openTestStack({ NASHRA_BASE_URL: baseUrl });
    const readers = mailVariants.flatMap((variant) =>
      (['instant', 'weekly'] as const).map((cadence) =>
        reader({ languages: variant.split('+') as Array<'ar' | 'en'>, cadence, urgentAlerts: true }),
      ),
    );
    await seedSubscribers(t.db, t.stack.config.tables.subscribers, readers);
    for (const article of weekOfArticles)
      await t.services.articles.save({ ...article, urgent: article.id === basraAr.id });
    await t.stack.triggers.idle();
    await addSchedule(
      { name: 'weekly', cron: '0 8 * * 5', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
      t.services,
    );
    const schedule = await t.services.schedules.get('weekly');
    if (!schedule) throw new Error('schedule not stored');
    await sendDigest(schedule, { since: week.start, until: week.end }, t.services);
    await t.stack.triggers.idle();
  }, 120_000);
  afterAll(() => t?.close());

  it('sends mails whose every image and link is the article’s own or nashra’s', async () => {
    const outbox = await readOutbox(t.stack);
    expect(outbox.length).toBeGreaterThanOrEqual(4);
    for (const mail of outbox) {
      expect(problemsOf(mail.html, mail.text, weekOfArticles), mail.subject).toEqual([]);
      expect(mail.html).not.toContain(mail.to);
      expect(mail.headers.get('list-unsubscribe')).toMatch(
        /^<https:\/\/nashra\.example\/unsubscribe\/[\w-]+\.[\w-]+>, <mailto:unsubscribe@nashra\.example\?subject=unsubscribe>$/,
      );
    }
  });
});
