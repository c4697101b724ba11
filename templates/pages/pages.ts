import type { Language } from '../../functions/core/article';
import { directionOf } from '../../functions/core/render/variant';
import type { Cadence } from '../../functions/core/subscriber';
import { html } from '../escape';
import { inLanguage, renderPage } from './layout';
import { pageCopy } from './page-copy';

/**
 * The pages of the HTTP API. Each takes what the route knows and returns a whole document; links and
 * form actions carry the route's own signed token and are escaped here like every other value. Forms
 * POST (a link scanner's GET changes nothing) and work without JavaScript.
 */

/** After a confirm link: confirmed (with a link to the preferences page) or not valid. */
export function confirmPage(input: { lang: Language; confirmed: boolean; preferencesUrl?: string }): string {
  if (!input.confirmed) {
    const words = pageCopy[input.lang].confirmFailed;
    return renderPage({ lang: input.lang, title: words.title, body: html`<p>${words.body}</p>` });
  }
  const words = pageCopy[input.lang].confirmed;
  return renderPage({
    lang: input.lang,
    title: words.title,
    body: html`<p>${words.body}</p>${input.preferencesUrl && html`<p><a href="${input.preferencesUrl}">${words.preferences}</a></p>`}`,
  });
}

/** GET of an unsubscribe link: a button that POSTs to `action`; nothing changes before the POST. */
export function unsubscribePage(input: { lang: Language; action: string }): string {
  const words = pageCopy[input.lang].unsubscribe;
  return renderPage({
    lang: input.lang,
    title: words.title,
    body: html`<p>${words.body}</p><form method="post" action="${input.action}"><button type="submit">${words.button}</button></form>`,
  });
}

/** After the unsubscribe POST. */
export function unsubscribedPage(input: { lang: Language; resubscribeUrl?: string }): string {
  const words = pageCopy[input.lang].unsubscribed;
  return renderPage({
    lang: input.lang,
    title: words.title,
    body: html`<p>${words.body}</p>${input.resubscribeUrl && html`<p><a href="${input.resubscribeUrl}">${words.resubscribe}</a></p>`}`,
  });
}

export interface PreferencesValues {
  languages: Language[];
  cadence: Cadence;
  topics: string[];
  urgentAlerts: boolean;
  paused: boolean;
}

/**
 * The preferences form, filled with the reader's current values. Field names: `languages` (repeated,
 * in the order ticked: the route decides the order), `cadence`, `topics` (repeated), `urgentAlerts`
 * and `paused` (present when ticked).
 */
export function preferencesPage(input: {
  lang: Language;
  action: string;
  values: PreferencesValues;
  topics: { id: string; label: Record<Language, string> }[];
  saved?: boolean;
}): string {
  const words = pageCopy[input.lang].preferences;
  const checked = (on: boolean) => (on ? html` checked` : false);
  const languageChoices = (['ar', 'en'] as const).map(
    (lang) =>
      html`<label><input type="checkbox" name="languages" value="${lang}"${checked(input.values.languages.includes(lang))}> ${inLanguage(lang, html`${pageCopy[lang].preferences.languageNames[lang]}`, 'span')}</label>`,
  );
  const cadences = (['instant', 'daily', 'weekly'] as const).map(
    (cadence) =>
      html`<label><input type="radio" name="cadence" value="${cadence}"${checked(input.values.cadence === cadence)}> ${words.cadenceNames[cadence]}</label>`,
  );
  const topics = input.topics.map(
    (topic) =>
      html`<label><input type="checkbox" name="topics" value="${topic.id}"${checked(input.values.topics.includes(topic.id))}> ${topic.label[input.lang]}</label>`,
  );
  return renderPage({
    lang: input.lang,
    title: words.title,
    body: html`${input.saved && html`<p class="notice" role="status">${words.saved}</p>`}
<form method="post" action="${input.action}">
<fieldset><legend>${words.languages}</legend>${languageChoices}</fieldset>
<fieldset><legend>${words.cadence}</legend>${cadences}</fieldset>
${topics.length > 0 && html`<fieldset><legend>${words.topics}</legend><p class="meta">${words.topicsHint}</p>${topics}</fieldset>`}
<fieldset><legend>${words.more}</legend>
<label><input type="checkbox" name="urgentAlerts" value="on"${checked(input.values.urgentAlerts)}> ${words.urgentAlerts}</label>
<label><input type="checkbox" name="paused" value="on"${checked(input.values.paused)}> ${words.paused}</label>
</fieldset>
<button type="submit">${words.save}</button>
</form>`,
  });
}

/** The public archive: issues newest first, each linking to its copy (`archivePath`). */
export function archivePage(input: {
  lang: Language;
  issues: { title: string; lang: Language; url: string; date: string }[];
}): string {
  const words = pageCopy[input.lang].archive;
  const items = input.issues.map(
    (issue) =>
      html`<li><a href="${issue.url}" lang="${issue.lang}" dir="${directionOf(issue.lang)}">${issue.title}</a> <span class="meta">${issue.date}</span></li>`,
  );
  return renderPage({
    lang: input.lang,
    title: words.title,
    body: items.length > 0 ? html`<ul class="issues">${items}</ul>` : html`<p>${words.empty}</p>`,
  });
}

export type ErrorStatus = 400 | 404 | 429 | 500;

/**
 * An error page. Without a known reader language it speaks both, the given language first (for a
 * 404 nobody can know the reader's language).
 */
export function errorPage(input: { status: ErrorStatus; lang?: Language }): string {
  const first = input.lang ?? 'en';
  const words = pageCopy[first].errors[input.status];
  const other: Language = first === 'ar' ? 'en' : 'ar';
  const otherWords = pageCopy[other].errors[input.status];
  return renderPage({
    lang: first,
    title: words.title,
    body: html`<p>${words.body}</p>${
      input.lang === undefined &&
      inLanguage(other, html`<h2>${otherWords.title}</h2><p>${otherWords.body}</p>`)
    }`,
  });
}
