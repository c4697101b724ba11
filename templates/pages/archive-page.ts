import { copy } from '../copy';
import { escapeHtml, html, type SafeHtml } from '../escape';
import { directionOf, type Language } from '../language';
import { inLanguage, renderPage } from './layout';

const words: Record<
  Language,
  {
    title: string;
    empty: string;
    older: string;
    subscribe: string;
    archive: string;
    otherLanguage: string;
    intro: string;
  }
> = {
  ar: {
    title: 'أرشيف النشرة',
    empty: 'لا أعداد بعد.',
    older: 'أعداد أقدم',
    subscribe: 'اشترك في النشرة',
    archive: 'أرشيف النشرة',
    otherLanguage: 'English',
    intro: 'كل عدد أُرسل من النشرة، الأحدث أولاً.',
  },
  en: {
    title: 'Bulletin archive',
    empty: 'No issues yet.',
    older: 'Older issues',
    subscribe: 'Subscribe to the bulletin',
    archive: 'Bulletin archive',
    otherLanguage: 'العربية',
    intro: 'Every issue of the bulletin, newest first.',
  },
};

export interface ArchiveListItem {
  /** The issue's date, already written in the page's language. */
  date: string;
  copies: Array<{ lang: Language; title: string; url: string }>;
}

/**
 * `GET /issues`: the issues newest first, each with a link to its copy in every language it can be
 * read in (each link in its own language and direction), a link to the page in the other language and
 * one to older issues.
 */
export function archiveListPage(input: {
  lang: Language;
  items: ArchiveListItem[];
  otherLanguageUrl: string;
  olderUrl?: string;
}): string {
  const w = words[input.lang];
  const other: Language = input.lang === 'ar' ? 'en' : 'ar';
  const items = input.items.map(
    (item) =>
      html`<li><span class="meta">${item.date}</span><br>${item.copies.map(
        (entry, index) =>
          html`${index > 0 ? ' · ' : ''}<a href="${entry.url}" hreflang="${entry.lang}" lang="${entry.lang}" dir="${directionOf(entry.lang)}">${entry.title}</a>`,
      )}</li>`,
  );
  return renderPage({
    lang: input.lang,
    title: w.title,
    body: html`<p>${w.intro} ${inLanguage(other, html`<a href="${input.otherLanguageUrl}" hreflang="${other}">${w.otherLanguage}</a>`, 'span')}</p>
${items.length > 0 ? html`<ul class="issues">${items}</ul>` : html`<p>${w.empty}</p>`}
${input.olderUrl && html`<p><a href="${input.olderUrl}" rel="next">${w.older}</a></p>`}
<p><a href="/subscribe?lang=${input.lang}">${w.subscribe}</a></p>`,
  });
}

/** Per-recipient links and their separator in the footer: a reader's own, never on a public page. */
const personalLink =
  /<a\b[^>]*\bhref="\{\{(?:preferencesUrl|unsubscribeUrl|confirmUrl|resubscribeUrl)\}\}"[^>]*>[\s\S]*?<\/a>(?:\s*·\s*)?/g;

/**
 * The public copy of a mail: the compiled variant as it went out, with each reader's own links (their
 * preferences and unsubscribe links, and the line saying why they get the mail) taken out, any other
 * placeholder pointed at the subscribe page, and a bar on top linking the archive and the subscribe
 * page in the variant's languages. Nothing personal is left: no token, no address.
 */
export function publicCopyHtml(mailHtml: string, languages: readonly Language[]): string {
  const first = languages[0] as Language;
  let page = mailHtml.replace(personalLink, '');
  for (const lang of languages) page = page.split(`<p>${escapeHtml(copy[lang].whyYouGetThis)}</p>`).join('');
  page = page.replace(/\{\{\w+\}\}/g, `/subscribe?lang=${first}`);
  const bar: SafeHtml = html`<div style="font:15px/1.5 system-ui,sans-serif;padding:8px 16px;background:#fff;border-bottom:1px solid #ddd">${languages.map(
    (lang) =>
      inLanguage(
        lang,
        html`<a href="/issues?lang=${lang}">${words[lang].archive}</a> · <a href="/subscribe?lang=${lang}">${words[lang].subscribe}</a>`,
        'p',
      ),
  )}</div>`;
  return page.replace(/<body([^>]*)>/, (opening) => `${opening}${bar.value}`);
}
