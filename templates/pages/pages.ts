import { html } from '../escape';
import type { Language } from '../language';
import { directionOf } from '../language';
import { inLanguage, renderPage } from './layout';
import { type ErrorStatus, type LanguageChoice, pageCopy } from './page-copy';

export type { ErrorStatus } from './page-copy';

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
    body: html`<p>${words.body}</p><form method="post" action="${input.action}"><input type="hidden" name="source" value="page"><button type="submit">${words.button}</button></form>`,
  });
}

/** After the unsubscribe POST: done, and a button (a POST to `resubscribeAction`) to come back. */
export function unsubscribedPage(input: { lang: Language; resubscribeAction?: string }): string {
  const words = pageCopy[input.lang].unsubscribed;
  return renderPage({
    lang: input.lang,
    title: words.title,
    body: html`<p>${words.body}</p>${input.resubscribeAction && html`<form method="post" action="${input.resubscribeAction}"><button type="submit">${words.resubscribe}</button></form>`}`,
  });
}

/** GET of a resubscribe link: a button that POSTs to `action`; nothing changes before the POST. */
export function resubscribePage(input: { lang: Language; action: string }): string {
  const words = pageCopy[input.lang].resubscribe;
  return renderPage({
    lang: input.lang,
    title: words.title,
    body: html`<p>${words.body}</p><form method="post" action="${input.action}"><button type="submit">${words.button}</button></form>`,
  });
}

/** After the resubscribe POST: back (with the preferences link), or refused for a suppressed address. */
export function resubscribedPage(input: {
  lang: Language;
  resubscribed: boolean;
  preferencesUrl?: string;
}): string {
  if (!input.resubscribed) {
    const words = pageCopy[input.lang].notResubscribed;
    return renderPage({ lang: input.lang, title: words.title, body: html`<p>${words.body}</p>` });
  }
  const words = pageCopy[input.lang].resubscribed;
  return renderPage({
    lang: input.lang,
    title: words.title,
    body: html`<p>${words.body}</p>${input.preferencesUrl && html`<p><a href="${input.preferencesUrl}">${words.preferences}</a></p>`}`,
  });
}

/** GET of a confirm link: one button that POSTs to `action` (link scanners only GET). */
export function confirmPromptPage(input: { lang: Language; action: string }): string {
  const words = pageCopy[input.lang].confirmPrompt;
  return renderPage({
    lang: input.lang,
    title: words.title,
    body: html`<p>${words.body}</p><form method="post" action="${input.action}"><button type="submit">${words.button}</button></form>`,
  });
}

/** An expired confirm link: a button that POSTs to `action` for a new confirmation mail. */
export function confirmExpiredPage(input: { lang: Language; action: string }): string {
  const words = pageCopy[input.lang].confirmExpired;
  return renderPage({
    lang: input.lang,
    title: words.title,
    body: html`<p>${words.body}</p><form method="post" action="${input.action}"><button type="submit">${words.button}</button></form>`,
  });
}

/** After asking for a new confirm link: the same words whether or not a mail went. */
export function confirmResentPage(input: { lang: Language }): string {
  const words = pageCopy[input.lang].confirmResent;
  return renderPage({ lang: input.lang, title: words.title, body: html`<p>${words.body}</p>` });
}

/** The usual topic slugs with their names in both languages; an unnamed slug is shown as it is. */
export function topicChoices(slugs: readonly string[]): { id: string; label: Record<Language, string> }[] {
  // A slug is configured text (`constructor` is a valid one): only the names' own keys count.
  const nameOf = (lang: Language, id: string) =>
    Object.hasOwn(pageCopy[lang].topicNames, id) ? (pageCopy[lang].topicNames[id] ?? id) : id;
  return slugs.map((id) => ({ id, label: { ar: nameOf('ar', id), en: nameOf('en', id) } }));
}

const languageChoices: LanguageChoice[] = ['ar', 'en', 'ar,en', 'en,ar'];

/** The four ways to read as radio buttons named `languages`: order without JavaScript. */
function languageRadios(lang: Language, chosen: readonly Language[]) {
  const current = chosen.join(',');
  return languageChoices.map(
    (choice) =>
      html`<label><input type="radio" name="languages" value="${choice}"${choice === current ? html` checked` : false} required> ${pageCopy[lang].languageChoices[choice]}</label>`,
  );
}

/**
 * The subscribe form: address, languages (with their order), cadence, topics, urgent alerts (ticked:
 * the default, see `defaultUrgentAlerts`), and a honeypot field (`website`) hidden from people (and
 * from screen readers) that bots fill in. It POSTs to `action`. The urgent-alerts box follows a hidden
 * `urgentAlerts=off`, so an unticked box sends `off` and a ticked one `off` then `on` (the last wins).
 */
export function subscribePage(input: {
  lang: Language;
  action: string;
  otherLanguageUrl: string;
  topics: { id: string; label: Record<Language, string> }[];
}): string {
  const words = pageCopy[input.lang].subscribe;
  const preferences = pageCopy[input.lang].preferences;
  const other: Language = input.lang === 'ar' ? 'en' : 'ar';
  const cadences = (['instant', 'daily', 'weekly'] as const).map(
    (cadence) =>
      html`<label><input type="radio" name="cadence" value="${cadence}"${cadence === 'weekly' ? html` checked` : false} required> ${preferences.cadenceNames[cadence]}</label>`,
  );
  const topics = input.topics.map(
    (topic) =>
      html`<label><input type="checkbox" name="topics" value="${topic.id}"> ${topic.label[input.lang]}</label>`,
  );
  return renderPage({
    lang: input.lang,
    title: words.title,
    body: html`<p><a href="${input.otherLanguageUrl}" hreflang="${other}">${inLanguage(other, html`${words.otherLanguage}`, 'span')}</a></p>
<p>${words.intro}</p>
<form method="post" action="${input.action}">
<input type="hidden" name="lang" value="${input.lang}">
<p><label for="email">${words.email}</label>
<input type="email" id="email" name="email" required autocomplete="email" maxlength="254" aria-describedby="email-hint" dir="ltr">
<span id="email-hint" class="meta">${words.emailHint}</span></p>
<div class="hp"><label for="website">${words.honeypot}</label><input type="text" id="website" name="website" tabindex="-1" autocomplete="off"></div>
<fieldset><legend>${preferences.languages}</legend>${languageRadios(input.lang, [input.lang])}</fieldset>
<fieldset><legend>${preferences.cadence}</legend>${cadences}</fieldset>
${topics.length > 0 && html`<fieldset><legend>${preferences.topics}</legend><p class="meta">${preferences.topicsHint}</p>${topics}</fieldset>`}
<fieldset><legend>${preferences.more}</legend>
<input type="hidden" name="urgentAlerts" value="off">
<label><input type="checkbox" name="urgentAlerts" value="on" checked aria-describedby="urgent-hint"> ${preferences.urgentAlerts}</label>
<p id="urgent-hint" class="meta">${words.urgentHint}</p>
</fieldset>
<p class="meta">${words.privacy}</p>
<button type="submit">${words.button}</button>
</form>`,
  });
}

/** The answer to every subscribe: the same words whether or not the address was known. */
export function subscribeAcceptedPage(input: { lang: Language }): string {
  const words = pageCopy[input.lang].subscribeAccepted;
  return renderPage({ lang: input.lang, title: words.title, body: html`<p>${words.body}</p>` });
}

export interface PreferencesValues {
  languages: Language[];
  cadence: 'instant' | 'daily' | 'weekly';
  topics: string[];
  urgentAlerts: boolean;
  paused: boolean;
}

/**
 * The preferences form, filled with the reader's current values. Field names: `languages` (one of
 * `ar`, `en`, `ar,en`, `en,ar`: the reader's order, chosen without JavaScript), `cadence`, `topics`
 * (repeated), `urgentAlerts` and `paused` (present when ticked).
 */
export function preferencesPage(input: {
  lang: Language;
  action: string;
  values: PreferencesValues;
  topics: { id: string; label: Record<Language, string> }[];
  saved?: boolean;
  /** False for a reader who is not subscribed now (their choices wait for a return). */
  subscribed?: boolean;
}): string {
  const words = pageCopy[input.lang].preferences;
  const checked = (on: boolean) => (on ? html` checked` : false);
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
${input.subscribed === false && html`<p class="notice">${pageCopy[input.lang].notSubscribedNotice}</p>`}
<form method="post" action="${input.action}">
<fieldset><legend>${words.languages}</legend>${languageRadios(input.lang, input.values.languages)}</fieldset>
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
