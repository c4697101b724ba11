import { html, type SafeHtml } from '../escape';
import type { Language } from '../language';
import { csrfField } from './forms';
import { readersCopy } from './readers-copy';
import { topicName } from './schedules';
import { sectionCopy } from './section-copy';
import { consolePath, dataTable, facts, ltr, type TimeText, time } from './ui';

type Outcome = 'sent' | 'skipped' | 'failed' | 'bounced' | 'complained' | 'sending' | 'parked';
type ReaderStatus = 'pending' | 'active' | 'unsubscribed' | 'bounced' | 'complained';
type Cadence = 'instant' | 'daily' | 'weekly';
type LanguageChoice = 'ar' | 'en' | 'ar,en' | 'en,ar';

/** The names of the fields staff change, in the page's language. */
export function fieldNames(
  lang: Language,
): Record<'languages' | 'cadence' | 'topics' | 'urgentAlerts' | 'paused', string> {
  const words = readersCopy[lang];
  return {
    languages: words.languages,
    cadence: words.cadence,
    topics: words.topics,
    urgentAlerts: words.urgentAlerts,
    paused: words.paused,
  };
}

/** `/readers`: find one reader by their exact address; import and export. */
export function readersPage(input: {
  lang: Language;
  csrf: string;
  email?: string;
  error?: SafeHtml;
}): SafeHtml {
  const words = readersCopy[input.lang];
  return html`<section aria-labelledby="find-heading"><h2 id="find-heading">${words.findTitle}</h2>
<p>${words.findBody}</p>
${input.error ?? ''}
<form method="post" action="${consolePath('/readers/find')}">${csrfField(input.csrf)}
<p><label for="find-email">${words.email}</label><br><input type="email" id="find-email" name="email" value="${input.email ?? ''}" required autocomplete="off" dir="ltr"> <button type="submit">${words.find}</button></p>
</form></section>
<ul>
<li><a href="${consolePath('/readers/import')}">${words.importLink}</a></li>
<li><a href="${consolePath('/readers/export.csv')}" download>${words.exportLink}</a></li>
</ul>`;
}

export interface ReaderPageView {
  lang: Language;
  csrf: string;
  id: string;
  email: string;
  status: ReaderStatus;
  languages: Language[];
  cadence: Cadence;
  topics: string[];
  urgentAlerts: boolean;
  paused: boolean;
  /** Absent while the reader has not confirmed: consent is recorded at confirmation. */
  consent?: { at: TimeText; method: string; source?: string };
  created: TimeText;
  confirmed?: TimeText;
  unsubscribed?: { at: TimeText; reason: string };
  deliveries: Array<{ issueId: string; outcome: Outcome; reason?: string; at: TimeText }>;
  /** The configured topics, the only ones a reader may choose. */
  allTopics: string[];
  settingsError?: SafeHtml;
  unsubscribeError?: SafeHtml;
  revokeError?: SafeHtml;
}

/**
 * `/readers/{id}`: one reader — status, languages, cadence, topics, urgent alerts, consent, what was
 * sent to them — and what staff may do for them: change their settings, unsubscribe them with the
 * reason they gave, download what we hold on them, erase them.
 */
export function readerPage(view: ReaderPageView): SafeHtml {
  const words = readersCopy[view.lang];
  const common = sectionCopy[view.lang];
  const base = `/readers/${view.id}`;
  const choice = view.languages.join(',') as LanguageChoice;
  const checked = (on: boolean) => (on ? html` checked` : '');
  const topics =
    view.topics.length === 0
      ? common.every
      : view.topics.map((topic) => topicName(topic, view.lang)).join(view.lang === 'ar' ? '، ' : ', ');
  return html`${facts([
    [words.email, ltr(view.email)],
    [words.status, common.readerStatus[view.status]],
    [words.languages, common.languageChoices[choice]],
    [words.cadence, common.cadence[view.cadence]],
    [words.topics, topics],
    [words.urgentAlerts, view.urgentAlerts ? common.yes : common.no],
    [words.paused, view.paused ? common.yes : common.no],
    [
      words.consent,
      view.consent
        ? html`${words.consentText(view.consent.at.text, view.consent.method, view.consent.source)}`
        : html`${words.noConsentYet}`,
    ],
    [words.created, time(view.created)],
    ...(view.confirmed ? [[words.confirmed, time(view.confirmed)] as [string, SafeHtml]] : []),
    ...(view.unsubscribed
      ? [
          [
            words.unsubscribedRecord,
            words.unsubscribedText(view.unsubscribed.at.text, view.unsubscribed.reason),
          ] as [string, string],
        ]
      : []),
  ])}
${
  view.deliveries.length === 0
    ? html`<p>${words.noIssues}</p>`
    : dataTable({
        caption: words.issuesCaption,
        headers: words.issuesColumns,
        rows: view.deliveries.map((delivery) => [
          html`<a href="${consolePath(`/issues/${delivery.issueId}`)}">${ltr(delivery.issueId)}</a>`,
          html`${common.outcome[delivery.outcome]}`,
          html`${delivery.reason ? html`<span lang="en" dir="ltr">${delivery.reason}</span>` : '—'}`,
          time(delivery.at),
        ]),
      })
}
<section aria-labelledby="settings-heading"><h2 id="settings-heading">${words.settingsTitle}</h2>
<p>${words.settingsBody}</p>
${view.settingsError ?? ''}
<form method="post" action="${consolePath(`${base}/settings`)}">${csrfField(view.csrf)}
<fieldset><legend>${words.languages}</legend>${(['ar', 'en', 'ar,en', 'en,ar'] as const).map(
    (value) =>
      html`<label><input type="radio" name="languages" value="${value}"${checked(choice === value)}> ${common.languageChoices[value]}</label>`,
  )}</fieldset>
<fieldset><legend>${words.cadence}</legend>${(['instant', 'daily', 'weekly'] as const).map(
    (value) =>
      html`<label><input type="radio" name="cadence" value="${value}"${checked(view.cadence === value)}> ${common.cadence[value]}</label>`,
  )}</fieldset>
<fieldset><legend>${words.topics}</legend>${view.allTopics.map(
    (topic) =>
      html`<label><input type="checkbox" name="topics" value="${topic}"${checked(view.topics.includes(topic))}> ${topicName(topic, view.lang)}</label>`,
  )}</fieldset>
<p><label><input type="checkbox" name="urgentAlerts" value="on"${checked(view.urgentAlerts)}> ${words.urgentAlerts}</label>
<label><input type="checkbox" name="paused" value="on"${checked(view.paused)}> ${words.paused}</label></p>
<p><button type="submit">${words.saveSettings}</button></p>
</form></section>
${
  view.status === 'active' || view.status === 'pending'
    ? html`<section aria-labelledby="unsubscribe-heading"><h2 id="unsubscribe-heading">${words.unsubscribeTitle}</h2>
<p>${words.unsubscribeBody}</p>
${view.unsubscribeError ?? ''}
<form method="post" action="${consolePath(`${base}/unsubscribe`)}">${csrfField(view.csrf)}
<p><label for="unsubscribe-reason">${words.reason}</label><br><input type="text" id="unsubscribe-reason" name="reason" required maxlength="500" aria-describedby="unsubscribe-reason-hint"><br><small id="unsubscribe-reason-hint">${words.reasonHint}</small></p>
<p><button type="submit">${words.unsubscribe}</button></p>
</form></section>`
    : ''
}
<section aria-labelledby="links-heading"><h2 id="links-heading">${words.revokeLinksTitle}</h2>
<p>${words.revokeLinksBody}</p>
${view.revokeError ?? ''}
<form method="post" action="${consolePath(`${base}/revoke-links`)}">${csrfField(view.csrf)}
${view.status === 'active' ? html`<p><label><input type="checkbox" name="sendLink" value="on"> ${words.revokeLinksSend}</label></p>` : ''}
<p><button type="submit">${words.revokeLinks}</button></p>
</form></section>
<section aria-labelledby="erase-heading"><h2 id="erase-heading">${words.eraseTitle}</h2>
<p>${words.eraseBody}</p>
<p><a href="${consolePath(`${base}/personal-data.json`)}" download>${words.personalData}</a></p>
<p><a href="${consolePath(`${base}/erase`)}">${words.eraseLink}</a></p>
</section>`;
}

/** Asks the staff member to type the reader's address before erasing them. */
export function erasePage(input: { lang: Language; csrf: string; id: string; error?: SafeHtml }): SafeHtml {
  const words = readersCopy[input.lang];
  return html`<p>${words.eraseConfirmBody}</p>
${input.error ?? ''}
<form method="post" action="${consolePath(`/readers/${input.id}/erase`)}">${csrfField(input.csrf)}
<p><label for="erase-email">${words.typeEmail}</label><br><input type="email" id="erase-email" name="email" required autocomplete="off" dir="ltr"></p>
<p><button type="submit" class="danger">${words.erase}</button> <a href="${consolePath(`/readers/${input.id}`)}">${sectionCopy[input.lang].cancel}</a></p>
</form>`;
}

type Separator = ',' | ';' | '\t';

/** The import's first step: choose a file and say how to read it. */
export function importForm(input: {
  lang: Language;
  csrf: string;
  maxSize: string;
  error?: SafeHtml;
}): SafeHtml {
  const words = readersCopy[input.lang].import;
  return html`<p>${words.body}</p>
${input.error ?? ''}
<form method="post" action="${consolePath('/readers/import/preview')}" enctype="multipart/form-data">${csrfField(input.csrf)}
<p><label for="import-file">${words.file}</label><br><input type="file" id="import-file" name="file" accept=".csv,text/csv,.txt" required aria-describedby="import-file-hint"><br><small id="import-file-hint">${words.fileHint(input.maxSize)}</small></p>
<p><label for="import-separator">${words.separator}</label> <select id="import-separator" name="separator">${(
    ['auto', ',', ';', '\t'] as const
  ).map((value) => html`<option value="${value}">${words.separators[value]}</option>`)}</select></p>
<p><label><input type="checkbox" name="confirmed" value="on"> ${words.confirmed}</label></p>
<p><label for="import-source">${words.source}</label><br><input type="text" id="import-source" name="source" maxlength="200" aria-describedby="import-source-hint"><br><small id="import-source-hint">${words.sourceHint}</small></p>
<p><button type="submit">${words.preview}</button></p>
</form>`;
}

export interface ImportPreviewView {
  lang: Language;
  csrf: string;
  csv: string;
  separator: Separator;
  confirmed: boolean;
  source: string;
  columns: Array<{ field: string; header: string }>;
  created: number;
  unchanged: Array<{ line: number; reason: string }>;
  rejected: Array<{ line: number; column?: string; reason: string }>;
  mailed: number;
}

/**
 * The import's second step: what would change (the separator read, the columns mapped, the rows that
 * would be created, left alone or refused and why), and the same file, carried in the form, to import
 * for real. Nothing has been written.
 */
export function importPreview(view: ImportPreviewView): SafeHtml {
  const words = readersCopy[view.lang].import;
  const rows = (entries: Array<{ line: number; column?: string; reason: string }>) =>
    entries.map((entry) => [
      html`${String(entry.line)}`,
      html`${entry.column ?? '—'}`,
      html`<span lang="en" dir="ltr">${entry.reason}</span>`,
    ]);
  return html`<p class="warning">${words.nothingWritten}</p>
${facts([
  [words.separatorUsed, words.separators[view.separator]],
  [words.created, view.created],
  [words.unchanged, view.unchanged.length],
  [words.rejected, view.rejected.length],
  [words.mailed, view.mailed],
])}
${dataTable({
  caption: words.columnsCaption,
  headers: words.columnsHeaders,
  rows: view.columns.map((column) => [html`${column.field}`, html`${column.header}`]),
})}
${view.rejected.length > 0 ? dataTable({ caption: words.rejectedCaption, headers: words.rowsHeaders, rows: rows(view.rejected) }) : ''}
${view.unchanged.length > 0 ? dataTable({ caption: words.unchangedCaption, headers: words.rowsHeaders, rows: rows(view.unchanged) }) : ''}
<form method="post" action="${consolePath('/readers/import')}" enctype="multipart/form-data">${csrfField(view.csrf)}
<input type="hidden" name="csv" value="${view.csv}">
<input type="hidden" name="separator" value="${view.separator}">
${view.confirmed ? html`<input type="hidden" name="confirmed" value="on">` : ''}
<input type="hidden" name="source" value="${view.source}">
<p><button type="submit">${words.confirm}</button> <a href="${consolePath('/readers/import')}">${words.again}</a></p>
</form>`;
}
