import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MjmlRenderer } from '../../functions/adapters/mjml-renderer';
import type { CompiledMail } from '../../functions/core/mail/compiled-mail';
import { personalise } from '../../functions/core/mail/personalise';
import { type MailVariant, mailVariants } from '../../functions/core/mail/variant';
import { createMailRenderer } from '../../functions/render/render-mail';
import { samplePages } from '../../templates/pages/samples';
import { basraAr, basraEn, manyPairs, week, weekOfArticles } from '../fixtures/render-articles';
import { launchChromium } from '../support/chromium';

const screenshots = join(import.meta.dirname, 'screenshots');
const widths = [600, 375] as const;
const kinds = ['digest', 'alert', 'confirm', 'welcome', 'unsubscribed'] as const;
const baseUrl = 'https://nashra.example';
const links = {
  unsubscribeUrl: `${baseUrl}/unsubscribe?t=reader`,
  preferencesUrl: `${baseUrl}/preferences?t=reader`,
  confirmUrl: `${baseUrl}/confirm?t=reader`,
  resubscribeUrl: `${baseUrl}/preferences?t=reader&again=1`,
};

/** A stand-in for an article's photo, served for every https image: the test never touches the network. */
const photo = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="675"><rect width="1200" height="675" fill="#8a9bb0"/><text x="600" y="350" font-size="64" text-anchor="middle" fill="#fff">article photo</text></svg>`;

let browser: Browser;
const renderer = createMailRenderer({ compiler: new MjmlRenderer(), baseUrl, timeZone: 'Asia/Baghdad' });

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  browser = await launchChromium();
});
afterAll(() => browser?.close());

function render(kind: (typeof kinds)[number], variant: MailVariant): Promise<CompiledMail> {
  if (kind === 'digest')
    return renderer.renderDigest({ issueId: 'issue-1', variant, articles: weekOfArticles, window: week });
  if (kind === 'alert')
    return renderer.renderAlert({ issueId: 'issue-1', variant, articles: [basraAr, basraEn] });
  return renderer.renderSystemMail(kind, variant, { cadence: 'daily' });
}

/** Opens a document at a width with every outside request answered locally; returns what was asked for. */
async function open(html: string, width: number): Promise<{ page: Page; requested: string[] }> {
  // A context of its own (axe-core needs one), closed with the page.
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  page.on('close', () => void context.close());
  const requested: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    requested.push(url);
    if (route.request().resourceType() === 'image')
      return route.fulfill({ contentType: 'image/svg+xml', body: photo });
    return route.abort();
  });
  await page.setContent(html, { waitUntil: 'load' });
  return { page, requested };
}

interface LayoutReport {
  overflow: { scrollWidth: number; clientWidth: number };
  misaligned: string[];
  cut: string[];
}

/**
 * Measures in the page: horizontal overflow, the direction and alignment of each language block, and
 * any element outside the viewport or overflowing its own box. A string, because it runs in the
 * browser, whose DOM types this Node project does not load.
 */
const measureLayout = `(() => {
  const root = document.documentElement;
  const misaligned = [];
  for (const block of document.querySelectorAll('[lang][dir]')) {
    if (block.closest('.preheader')) continue;
    const style = getComputedStyle(block);
    const rtl = block.getAttribute('dir') === 'rtl';
    const alignedRight = style.textAlign === 'right' || (style.textAlign === 'start' && style.direction === 'rtl');
    const alignedLeft = style.textAlign === 'left' || (style.textAlign === 'start' && style.direction === 'ltr');
    const aligned = style.display !== 'block' || (rtl ? alignedRight : alignedLeft);
    if (style.direction !== (rtl ? 'rtl' : 'ltr') || !aligned) {
      misaligned.push(block.tagName + ' ' + block.lang + ' ' + style.direction + ' ' + style.textAlign + ': ' + block.textContent.slice(0, 40));
    }
  }
  const cut = [];
  for (const element of document.body.querySelectorAll('*')) {
    if (element.closest('.preheader') || element.closest('.skip')) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const outside = box.left < -0.5 || box.right > root.clientWidth + 0.5;
    const overflowing = getComputedStyle(element).display !== 'inline' && element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1;
    if (outside || overflowing) cut.push(element.tagName + '.' + element.className + ' ' + Math.round(box.left) + '–' + Math.round(box.right));
  }
  return { overflow: { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth }, misaligned, cut };
})()`;

function layout(page: Page): Promise<LayoutReport> {
  return page.evaluate(measureLayout) as Promise<LayoutReport>;
}

describe.each(kinds)('the %s mail in a browser', (kind) => {
  // One page per variant, measured at each width in turn (a resize applies the mail's media queries).
  it.each(mailVariants)(
    'in %s fits 600 and 375 px: no overflow, right-aligned Arabic, nothing cut, nothing fetched but the article photo',
    async (variant) => {
      const { html } = personalise(await render(kind, variant), links);
      const { page, requested } = await open(html, widths[0]);
      for (const width of widths) {
        await page.setViewportSize({ width, height: 800 });
        const report = await layout(page);
        await page.screenshot({ path: join(screenshots, `${kind}-${variant}-${width}.png`), fullPage: true });
        expect(report.overflow.scrollWidth, `${width} px`).toBeLessThanOrEqual(report.overflow.clientWidth);
        expect(report.misaligned, `${width} px`).toEqual([]);
        expect(report.cut, `${width} px`).toEqual([]);
      }
      await page.close();
      const photos = weekOfArticles.flatMap((article) => (article.imageUrl ? [article.imageUrl] : []));
      for (const url of requested) expect(photos).toContain(url);
    },
  );
});

describe('the heaviest digest in a browser', () => {
  it.each(widths)('ten articles with their translations fit %i px', async (width) => {
    const mail = await renderer.renderDigest({
      issueId: 'i',
      variant: 'ar+en',
      articles: manyPairs(10),
      window: week,
    });
    const { page } = await open(personalise(mail, links).html, width);
    const report = await layout(page);
    await page.close();
    expect(report.overflow.scrollWidth).toBeLessThanOrEqual(report.overflow.clientWidth);
    expect(report.cut).toEqual([]);
  });
});

describe.each(Object.keys(samplePages))('the %s page in a browser', (name) => {
  // One page per language, measured at each width in turn, then given to axe at a phone's width: the
  // reader pages carry no media query, so their styles (and what axe judges of them: names, roles,
  // contrast, language) are the same at every width, while the layout is measured at each.
  it.each(['ar', 'en'] as const)(
    'in %s fits 600 and 375 px (no overflow, right-aligned Arabic, nothing cut, nothing fetched) and passes axe-core',
    async (lang) => {
      const { page, requested } = await open(samplePages[name]?.(lang) ?? '', widths[0]);
      for (const width of widths) {
        await page.setViewportSize({ width, height: 800 });
        const report = await layout(page);
        await page.screenshot({
          path: join(screenshots, `page-${name}-${lang}-${width}.png`),
          fullPage: true,
        });
        expect(report.overflow.scrollWidth, `${width} px`).toBeLessThanOrEqual(report.overflow.clientWidth);
        expect(report.misaligned, `${width} px`).toEqual([]);
        expect(report.cut, `${width} px`).toEqual([]);
      }
      const axe = await new AxeBuilder({ page }).analyze();
      await page.close();
      expect(requested).toEqual([]);
      expect(axe.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
    },
  );
});

/** Computed type of elements in the page, as `font-size/line-height` in px. */
const typeOf = (
  selector: string,
) => `(() => [...document.querySelectorAll(${JSON.stringify(selector)})].map((element) => {
  const style = getComputedStyle(element);
  return { lang: element.closest('[lang]').lang, size: parseFloat(style.fontSize), leading: parseFloat(style.lineHeight) };
}))()`;

interface Type {
  lang: string;
  size: number;
  leading: number;
}

describe('Arabic beside English reads at the same optical size', () => {
  it('sets Arabic mail text a step larger with looser leading, in every block of a bilingual digest', async () => {
    const mail = await renderer.renderDigest({
      issueId: 'i',
      variant: 'ar+en',
      articles: weekOfArticles,
      window: week,
    });
    const { page } = await open(personalise(mail, links).html, 600);
    // Each block of text (the div an mj-text wraps around it), not the document's own wrapper.
    const blocks = (await page.evaluate(typeOf('div[style*="font-family"] > div[lang][dir]'))) as Type[];
    const titles = (await page.evaluate(typeOf('h2'))) as Type[];
    await page.close();
    const body = (lang: string) => blocks.filter((block) => block.lang === lang && block.size >= 16);
    expect(body('ar').length).toBeGreaterThan(3);
    for (const block of body('ar')) expect([block.size, block.leading]).toEqual([18, 32.4]);
    for (const block of body('en')) expect([block.size, block.leading]).toEqual([16, 25.6]);
    expect(new Set(titles.map((title) => `${title.lang} ${title.size}`))).toEqual(
      new Set(['ar 23', 'en 20']),
    );
  });

  it('sets an Arabic page a step larger than an English one, and each language’s block in the other’s page', async () => {
    const measure = async (lang: 'ar' | 'en') => {
      const { page } = await open(samplePages.subscribe?.(lang) ?? '', 600);
      const type = {
        intro: ((await page.evaluate(typeOf('main > p:nth-of-type(2)'))) as Type[])[0],
        footer: ((await page.evaluate(typeOf('footer p'))) as Type[]).map(
          (p) => `${p.lang} ${p.size.toFixed(2)}`,
        ),
      };
      await page.close();
      return type;
    };
    const [arabic, english] = [await measure('ar'), await measure('en')];
    expect(arabic.intro).toEqual({ lang: 'ar', size: 19, leading: 34.2 });
    expect(english.intro).toEqual({ lang: 'en', size: 17, leading: 27.2 });
    // The footer names the organisation in both languages, each at its own size.
    expect(english.footer).toEqual(['en 15.30', 'ar 17.21']);
    expect(arabic.footer).toEqual(['ar 17.10', 'en 15.20']);
  });

  it('writes a side-by-side screenshot of the Arabic and English digests to compare by eye', async () => {
    const variant = async (lang: 'ar' | 'en') =>
      personalise(
        await renderer.renderDigest({ issueId: 'i', variant: lang, articles: weekOfArticles, window: week }),
        links,
      )
        .html.replace(/&/g, '&amp;')
        .replace(/"/g, '&quot;');
    const frames = `<!doctype html><body style="margin:0;display:flex;gap:8px"><iframe title="Arabic" style="width:600px;height:1400px;border:0" srcdoc="${await variant('ar')}"></iframe><iframe title="English" style="width:600px;height:1400px;border:0" srcdoc="${await variant('en')}"></iframe></body>`;
    const { page } = await open(frames, 1208);
    const path = join(screenshots, 'typography-digest-ar-beside-en.png');
    await page.screenshot({ path, fullPage: true });
    await page.close();
    expect(statSync(path).size).toBeGreaterThan(10_000);
  });
});
