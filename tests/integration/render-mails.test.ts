import { beforeAll, describe, expect, it } from 'vitest';
import { MjmlRenderer } from '../../functions/adapters/mjml-renderer';
import type { Article } from '../../functions/core/article';
import type { CompiledMail } from '../../functions/core/mail/compiled-mail';
import { personalise } from '../../functions/core/mail/personalise';
import { languagesOf, type MailVariant, mailVariants } from '../../functions/core/mail/variant';
import { createMailRenderer } from '../../functions/render/render-mail';
import {
  aegisAr,
  basraAr,
  basraEn,
  journalistsAr,
  journalistsEn,
  manyPairs,
  waterEn,
  week,
  weekOfArticles,
} from '../fixtures/render-articles';
import { elements, textDirectionProblems, urlsIn } from '../support/mail-dom';

const baseUrl = 'https://nashra.example';
const links = {
  unsubscribeUrl: 'https://nashra.example/unsubscribe?t=reader-one&v=1',
  preferencesUrl: 'https://nashra.example/preferences?t=reader-one&v=1',
  confirmUrl: 'https://nashra.example/confirm?t=reader-one&v=1',
  resubscribeUrl: 'https://nashra.example/preferences?t=reader-one&v=2',
};
const kinds = ['digest', 'alert', 'confirm', 'welcome', 'unsubscribed'] as const;
type Kind = (typeof kinds)[number];

const compiler = new MjmlRenderer();
const renderer = createMailRenderer({ compiler, baseUrl, timeZone: 'Asia/Baghdad' });

/** The alert of each variant: the Basra article, with its translation beside it where the variant has both. */
function render(kind: Kind, variant: MailVariant): Promise<CompiledMail> {
  if (kind === 'digest')
    return renderer.renderDigest({ issueId: 'issue-1', variant, articles: weekOfArticles, window: week });
  if (kind === 'alert')
    return renderer.renderAlert({ issueId: 'issue-1', variant, articles: [basraAr, basraEn] });
  return renderer.renderSystemMail(kind, variant, { cadence: 'weekly' });
}

const mails = new Map<string, CompiledMail>();
beforeAll(async () => {
  for (const kind of kinds)
    for (const variant of mailVariants) mails.set(`${kind} ${variant}`, await render(kind, variant));
});

const articleOrigins = weekOfArticles.flatMap((article) => [article.url, article.imageUrl ?? article.url]);

describe.each(kinds)('the %s mail', (kind) => {
  describe.each(mailVariants)('in %s', (variant) => {
    const mail = () => mails.get(`${kind} ${variant}`) as CompiledMail;
    const first = languagesOf(variant)[0];

    it('marks every block of text with its language and direction, and isolates foreign runs', () => {
      const { html } = personalise(mail(), links);
      expect(textDirectionProblems(html)).toEqual([]);
    });

    it('puts the reader’s first language on <html>', () => {
      const [root] = elements(mail().html, 'html');
      expect(root).toMatchObject({ lang: first, dir: first === 'ar' ? 'rtl' : 'ltr' });
      expect(mail().lang).toBe(first);
      expect(mail().contentLanguage).toBe(languagesOf(variant).join(', '));
    });

    it('has no script, no tracking image and no third-party asset', () => {
      const { html } = personalise(mail(), links);
      expect(elements(html, 'script')).toEqual([]);
      expect(html).not.toMatch(/<script|javascript:|fonts\.googleapis|@import/i);
      for (const image of elements(html, 'img')) {
        expect(articleOrigins).toContain(image.src);
        expect(image.width).not.toBe('1');
        expect(image.height).not.toBe('1');
      }
      for (const url of urlsIn(html)) {
        const allowed =
          url.startsWith(`${baseUrl}/`) || articleOrigins.includes(url.replaceAll('&amp;', '&'));
        expect(allowed, url).toBe(true);
      }
    });

    it('fills the reader’s links into the HTML (escaped) and the text (as they are)', () => {
      const filled = personalise(mail(), links);
      expect(filled.html).not.toMatch(/\{\{\w+\}\}/);
      expect(filled.text).not.toMatch(/\{\{\w+\}\}/);
      const needed: (keyof typeof links)[] =
        kind === 'confirm'
          ? ['confirmUrl']
          : kind === 'unsubscribed'
            ? ['resubscribeUrl']
            : ['preferencesUrl', 'unsubscribeUrl'];
      for (const name of needed) {
        expect(filled.html).toContain(`href="${links[name].replace('&', '&amp;')}"`);
        expect(filled.text).toContain(links[name]);
      }
      if (kind === 'digest' || kind === 'alert') {
        const archive = `${baseUrl}/issues/issue-1/${variant}`;
        expect(elements(filled.html, 'a').map((a) => a.href)).toContain(archive);
        expect(filled.text).toContain(archive);
      }
    });

    it('has a plain-text part with the mail’s words and no markup', () => {
      const { text } = personalise(mail(), links);
      expect(text).not.toMatch(/<\/?(?:div|p|a|span|table|td|tr|h1|h2|img|br|style)\b/i);
      // The hidden preheader and its filler stay out of the text part.
      expect(text).not.toContain('\u2007');
      if (languagesOf(variant).includes('ar'))
        expect(text).toContain('المبادرة الدولية للتضامن مع المجتمع المدني العراقي');
      if (languagesOf(variant).includes('en'))
        expect(text).toContain('The Iraqi Civil Society Solidarity Initiative (ICSSI)');
    });

    it('has a subject and a preheader in each of its languages, on one line', () => {
      const parts = mail().subject.split(' | ');
      expect(parts).toHaveLength(languagesOf(variant).length);
      languagesOf(variant).forEach((lang, index) => {
        expect(parts[index]).toMatch(lang === 'ar' ? /[\u0600-\u06FF]/ : /^[^\u0600-\u06FF]*$/);
      });
      expect(mail().subject).not.toMatch(/[\r\n]/);
      expect(mail().preheader.split(' | ')).toHaveLength(languagesOf(variant).length);
      const [preheader] = elements(mail().html, 'div').filter((div) => div.class === 'preheader');
      expect(preheader?.style).toContain('display:none');
    });
  });
});

describe('dates, names and articles in the mails', () => {
  it('writes dates with Iraqi month names and Western digits in Arabic, British English in English', () => {
    const { html, text } = mails.get('digest ar+en') as CompiledMail;
    expect(html).toContain('3 كانون الثاني 2014');
    expect(html).toContain('3 January 2014');
    expect(text).toContain('3 كانون الثاني 2014 · تليغراف');
    expect(mails.get('digest ar')?.subject).toBe('نشرة المبادرة: 3 مقالات، 1–7 كانون الثاني 2014');
    expect(mails.get('digest en')?.subject).toBe('ICSSI bulletin: 3 articles, 1 – 7 January 2014');
  });

  it('keeps Latin names inside Arabic text isolated in place', () => {
    const { html } = mails.get('digest ar') as CompiledMail;
    expect(html).toContain('ايجيس <span dir="ltr" lang="en">Aegis</span> للخدمات');
    expect(html).toContain('<span dir="ltr" lang="en">Sandline International</span> ،');
  });

  it('carries only its own language’s articles in a single-language variant', () => {
    const ar = mails.get('digest ar')?.html ?? '';
    expect(ar).toContain(basraAr.url);
    expect(ar).toContain(aegisAr.url);
    expect(ar).not.toContain(basraEn.url);
    expect(ar).not.toContain(waterEn.url);
    const en = mails.get('digest en')?.html ?? '';
    expect(en).toContain(waterEn.url);
    expect(en).not.toContain(journalistsAr.url);
  });

  it('shows an article beside its translation, the reader’s first language first, and unpaired articles alone', () => {
    const arEn = mails.get('digest ar+en')?.html ?? '';
    expect(arEn.indexOf(journalistsAr.url)).toBeLessThan(arEn.indexOf(journalistsEn.url));
    expect(arEn.indexOf(basraAr.url)).toBeLessThan(arEn.indexOf(basraEn.url));
    const enAr = mails.get('digest en+ar')?.html ?? '';
    expect(enAr.indexOf(journalistsEn.url)).toBeLessThan(enAr.indexOf(journalistsAr.url));
    for (const article of weekOfArticles) expect(enAr).toContain(article.url);
    expect(mails.get('digest en+ar')?.subject).toBe(
      'ICSSI bulletin: 4 articles, 1 – 7 January 2014 | نشرة المبادرة: 4 مقالات، 1–7 كانون الثاني 2014',
    );
  });

  it('says how many cards and articles each variant holds: what a caller prints, and what the subject counts', async () => {
    const held = async (variant: MailVariant) => {
      const mail = await renderer.renderDigest({
        issueId: 'i',
        variant,
        articles: weekOfArticles,
        window: week,
      });
      return {
        cards: mail.cards,
        articles: mail.articles,
        subjectCount: /(\d+) (articles|مقالات)/.exec(mail.subject)?.[1],
      };
    };
    // Six articles in: three Arabic, three English, two pairs among them.
    expect(weekOfArticles).toHaveLength(6);
    expect(await held('ar')).toEqual({ cards: 3, articles: 3, subjectCount: '3' });
    expect(await held('en')).toEqual({ cards: 3, articles: 3, subjectCount: '3' });
    expect(await held('ar+en')).toEqual({ cards: 4, articles: 6, subjectCount: '4' });
    const alert = await renderer.renderAlert({
      issueId: 'i',
      variant: 'en+ar',
      articles: [basraAr, basraEn],
    });
    expect([alert.cards, alert.articles]).toEqual([1, 2]);
    const alone = await renderer.renderAlert({ issueId: 'i', variant: 'en', articles: [basraAr, basraEn] });
    expect([alone.cards, alone.articles]).toEqual([1, 1]);
  });

  it('refuses a digest variant without an article and an alert without a version in the variant', async () => {
    await expect(
      renderer.renderDigest({ issueId: 'i', variant: 'ar', articles: [waterEn], window: week }),
    ).rejects.toThrow(/no article of this window is in ar/);
    await expect(renderer.renderAlert({ issueId: 'i', variant: 'ar', articles: [waterEn] })).rejects.toThrow(
      /has no version in ar/,
    );
  });

  it('names an English-only alert for the Arabic half of a bilingual reader', async () => {
    const alert = await renderer.renderAlert({ issueId: 'i', variant: 'ar+en', articles: [waterEn] });
    expect(alert.subject).toBe('مقال جديد بالإنجليزية | Urgent: Statement: Save the Tigris and Euphrates');
    expect(textDirectionProblems(personalise(alert, links).html)).toEqual([]);
  });

  it('never fills a placeholder an article wrote itself', async () => {
    const sly: Article = {
      ...waterEn,
      id: 'sly',
      title: 'Write to {{unsubscribeUrl}} now',
      translationId: undefined,
    };
    const mail = await renderer.renderAlert({ issueId: 'i', variant: 'en', articles: [sly] });
    const filled = personalise(mail, links);
    expect(filled.html).toContain('Write to &#123;&#123;unsubscribeUrl&#125;&#125; now');
    expect(filled.text).toContain('Write to {\u2060{unsubscribeUrl}} now');
    expect(filled.subject).toBe('Urgent: Write to {{unsubscribeUrl}} now');
  });
});

describe('the render-once rule', () => {
  it('compiles a digest once per variant, whatever the number of readers', async () => {
    const fresh = new MjmlRenderer();
    const once = createMailRenderer({ compiler: fresh, baseUrl, timeZone: 'Asia/Baghdad' });
    const readers = Array.from({ length: 500 }, (_, i) => ({
      variant: mailVariants[i % mailVariants.length] as MailVariant,
      links: { unsubscribeUrl: `${baseUrl}/u?t=${i}`, preferencesUrl: `${baseUrl}/p?t=${i}` },
    }));
    const compiled = new Map<MailVariant, CompiledMail>();
    for (const variant of mailVariants) {
      compiled.set(
        variant,
        await once.renderDigest({ issueId: 'i', variant, articles: weekOfArticles, window: week }),
      );
    }
    const sent = readers.map((reader) =>
      personalise(compiled.get(reader.variant) as CompiledMail, reader.links),
    );
    expect(fresh.compileCount).toBe(mailVariants.length);
    expect(new Set(sent.map((mail) => mail.html)).size).toBe(readers.length);
    expect(sent[7]?.html).toContain(`${baseUrl}/u?t=7"`);
  });

  it('compiles a system mail once per kind and variant in a process', async () => {
    const fresh = new MjmlRenderer();
    const once = createMailRenderer({ compiler: fresh, baseUrl, timeZone: 'Asia/Baghdad' });
    const [a, b] = await Promise.all([
      once.renderSystemMail('confirm', 'ar'),
      once.renderSystemMail('confirm', 'ar'),
    ]);
    expect(a).toBe(b);
    await once.renderSystemMail('confirm', 'en');
    expect(fresh.compileCount).toBe(2);
  });
});

describe('the size of a bilingual digest', () => {
  it('stays under Gmail’s 102 KB clipping limit with 10 articles, and with 10 articles and their 10 translations', async () => {
    for (const pairs of [5, 10]) {
      const mail = await renderer.renderDigest({
        issueId: 'i',
        variant: 'ar+en',
        articles: manyPairs(pairs),
        window: week,
      });
      expect(Buffer.byteLength(personalise(mail, links).html)).toBeLessThan(102 * 1024);
    }
  });
});
