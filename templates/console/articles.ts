import { html, type SafeHtml } from '../escape';
import type { Language } from '../language';
import { articlesCopy } from './articles-copy';
import { csrfField } from './forms';
import { topicList } from './schedules';
import { sectionCopy } from './section-copy';
import { consoleLink, consolePath, dataTable, facts, ltr, postButton, type TimeText, time } from './ui';

export interface ArticleListItem {
  id: string;
  lang: Language;
  title: string;
  published: TimeText;
  urgent: boolean;
  paired: boolean;
  topics: string[];
}

const direction = (lang: Language) => (lang === 'ar' ? 'rtl' : 'ltr');

/** The two ways to add articles: a feed URL, or a feed file. */
function ingestForms(lang: Language, csrf: string, maxSize: string): SafeHtml {
  const words = articlesCopy[lang];
  const shared = (id: string) =>
    html`<p><label for="${id}-lang">${words.itemsLang}</label> <select id="${id}-lang" name="lang"><option value="">${words.detect}</option><option value="ar">${sectionCopy[lang].languageNames.ar}</option><option value="en">${sectionCopy[lang].languageNames.en}</option></select></p>
<p><label><input type="checkbox" name="urgent" value="on"> ${words.markUrgent}</label></p>`;
  return html`<section aria-labelledby="ingest-heading"><h2 id="ingest-heading">${words.ingestTitle}</h2>
<p>${words.ingestBody}</p>
<form method="post" action="${consolePath('/articles/ingest')}">${csrfField(csrf)}
<p><label for="ingest-url">${words.feedUrl}</label><br><input type="url" id="ingest-url" name="url" required dir="ltr"></p>
${shared('ingest-url')}
<p><button type="submit">${words.ingestUrl}</button></p>
</form>
<form method="post" action="${consolePath('/articles/ingest')}" enctype="multipart/form-data">${csrfField(csrf)}
<p><label for="ingest-file">${words.feedFile}</label><br><input type="file" id="ingest-file" name="file" required accept=".xml,.rss,.atom,.json,application/xml,application/json,text/xml"> <small>(${maxSize})</small></p>
${shared('ingest-file')}
<p><button type="submit">${words.ingestFile}</button></p>
</form></section>`;
}

/** `/articles`: search the recent articles, and add more from a feed. */
export function articlesPage(input: {
  lang: Language;
  csrf: string;
  text: string;
  searchLang?: Language;
  lookbackDays: number;
  articles: ArticleListItem[];
  more: boolean;
  maxFileSize: string;
}): SafeHtml {
  const words = articlesCopy[input.lang];
  const common = sectionCopy[input.lang];
  return html`<section aria-labelledby="search-heading"><h2 id="search-heading">${words.searchTitle}</h2>
<form method="get" action="${consolePath('/articles')}" role="search">
<p><label for="search-text">${words.text}</label> <input type="search" id="search-text" name="q" value="${input.text}">
<label for="search-lang">${words.lang}</label> <select id="search-lang" name="lang"><option value="">${words.anyLanguage}</option>${(
    ['ar', 'en'] as const
  ).map(
    (lang) =>
      html`<option value="${lang}"${input.searchLang === lang ? html` selected` : ''}>${common.languageNames[lang]}</option>`,
  )}</select>
<button type="submit">${words.search}</button></p>
<p><small>${words.span(input.lookbackDays)}</small></p>
</form>
${
  input.articles.length === 0
    ? html`<p>${words.none}</p>`
    : dataTable({
        caption: words.caption,
        headers: words.columns,
        rows: input.articles.map((article) => [
          time(article.published),
          html`${common.languageNames[article.lang]}`,
          html`<a href="${consoleLink('/articles/show', { id: article.id })}" lang="${article.lang}" dir="${direction(article.lang)}">${article.title}</a>${article.urgent ? html` <span class="badge">${words.urgent}</span>` : ''}${article.paired ? html` <span class="badge">${words.hasTranslation}</span>` : ''}`,
          html`${topicList(article.topics, input.lang)}`,
        ]),
      })
}
${input.more ? html`<p>${words.more}</p>` : ''}
</section>
${ingestForms(input.lang, input.csrf, input.maxFileSize)}`;
}

export interface FeedReportView {
  feed: string;
  error?: string;
  created: string[];
  updated: string[];
  unchanged: string[];
  rejected: Array<{ item: string; reason: string }>;
  paired: Array<[string, string]>;
}

/** What reading a feed did: every item's outcome, and why each refused item was refused. */
export function ingestReportPage(input: { lang: Language; report: FeedReportView }): SafeHtml {
  const words = articlesCopy[input.lang];
  const { report } = input;
  if (report.error)
    return html`<div class="refusal" role="alert"><p>${words.feedError} ${ltr(report.feed)}</p><p lang="en" dir="ltr">${report.error}</p></div><p><a href="${consolePath('/articles')}">${sectionCopy[input.lang].back}</a></p>`;
  const link = (id: string) => html`<a href="${consoleLink('/articles/show', { id })}">${ltr(id)}</a>`;
  const rows: SafeHtml[][] = [
    ...report.rejected.map((entry) => [
      html`${words.rejected}`,
      html`${ltr(entry.item)}`,
      html`<span lang="en" dir="ltr">${entry.reason}</span>`,
    ]),
    ...report.created.map((id) => [html`${words.created}`, link(id), html``]),
    ...report.updated.map((id) => [html`${words.updated}`, link(id), html``]),
    ...report.paired.map(([id, translation]) => [
      html`${words.paired}`,
      html`${link(id)} ↔ ${link(translation)}`,
      html``,
    ]),
  ];
  return html`<p>${ltr(report.feed)}</p>
<p role="status">${words.summary(report.created.length, report.updated.length, report.unchanged.length, report.rejected.length)}</p>
${rows.length > 0 ? dataTable({ caption: words.reportTitle, headers: words.reportColumns, rows }) : ''}
<p><a href="${consolePath('/articles')}">${sectionCopy[input.lang].back}</a></p>`;
}

export interface ArticleView {
  id: string;
  lang: Language;
  title: string;
  published: TimeText;
  url: string;
  source?: string;
  topics: string[];
  urgent: boolean;
  summary: string;
  /** The body as plain text (no remote images or markup in the console). */
  text: string;
}

/** One article in its own language and direction. */
function articleBlock(lang: Language, article: ArticleView): SafeHtml {
  const words = articlesCopy[lang];
  return html`<article lang="${article.lang}" dir="${direction(article.lang)}">
<h2>${article.title}</h2>
<div lang="${lang}" dir="${direction(lang)}">${facts([
    [words.published, time(article.published)],
    [words.link, html`<a href="${article.url}" rel="noreferrer noopener">${ltr(article.url)}</a>`],
    ...(article.source ? [[words.source, article.source] as [string, string]] : []),
    [words.topics, topicList(article.topics, lang)],
    [words.urgentLabel, article.urgent ? sectionCopy[lang].yes : sectionCopy[lang].no],
  ])}</div>
<h3 lang="${lang}" dir="${direction(lang)}">${words.summaryLabel}</h3>
<p>${article.summary}</p>
<h3 lang="${lang}" dir="${direction(lang)}">${words.body}</h3>
${article.text.split(/\n{2,}/).map((paragraph) => html`<p>${paragraph}</p>`)}
</article>`;
}

export interface ArticlePageView {
  lang: Language;
  csrf: string;
  article: ArticleView;
  translation?: ArticleView;
  alert:
    | { state: 'none' }
    | { state: 'held'; until: TimeText }
    | { state: 'under-way' }
    | {
        state: 'sent';
        issueId: string;
        status: 'held' | 'sending' | 'sent' | 'partial' | 'parked' | 'empty';
      };
}

/**
 * `/articles/show?id=`: an article beside its translation when paired, each in its own language and
 * direction; its alert; marking it urgent; sending its alert now.
 */
export function articlePage(view: ArticlePageView): SafeHtml {
  const words = articlesCopy[view.lang];
  const alert = view.alert;
  const fields = { id: view.article.id };
  return html`<div class="side-by-side">${articleBlock(view.lang, view.article)}${
    view.translation ? articleBlock(view.lang, view.translation) : html`<p>${words.noTranslation}</p>`
  }</div>
<section aria-labelledby="alert-heading"><h2 id="alert-heading">${words.alertTitle}</h2>
<p>${
    alert.state === 'none'
      ? words.alertNone
      : alert.state === 'held'
        ? words.alertHeld(alert.until.text)
        : alert.state === 'under-way'
          ? words.alertUnderWay
          : html`<a href="${consolePath(`/issues/${alert.issueId}`)}">${words.alertSent(alert.issueId, sectionCopy[view.lang].issueStatus[alert.status])}</a>`
  }</p>
<p>${words.urgentHint}</p>
<p>${postButton({
    action: consolePath('/articles/urgent'),
    label: view.article.urgent ? words.unsetUrgent : words.setUrgent,
    csrf: view.csrf,
    fields: { ...fields, urgent: view.article.urgent ? 'no' : 'yes' },
  })}${
    alert.state === 'none' || alert.state === 'held'
      ? postButton({
          action: consolePath('/articles/alert'),
          label: words.sendAlert,
          csrf: view.csrf,
          fields,
        })
      : ''
  }</p>
</section>`;
}
