import { html, type SafeHtml } from '../escape';
import type { Language } from '../language';
import { issuesCopy } from './issues-copy';
import { sectionCopy } from './section-copy';
import { consolePath, dataTable, facts, ltr, postButton, type TimeText, time } from './ui';

type IssueStatus = 'held' | 'sending' | 'sent' | 'partial' | 'parked' | 'empty';
type Outcome = 'sent' | 'skipped' | 'failed' | 'bounced' | 'complained' | 'sending' | 'parked';
type ReaderStatus = 'pending' | 'active' | 'unsubscribed' | 'bounced' | 'complained';

export interface IssueCountsView {
  recipients: number;
  sent: number;
  skipped: number;
  failed: number;
  bounced: number;
  complained: number;
  unsubscribedSince: number;
}

export interface IssueListItem {
  id: string;
  kind: 'digest' | 'alert';
  schedule?: string;
  created: TimeText;
  status: IssueStatus;
}

/** An issue's counts as a one-row table: recipients and each outcome. */
export function countsTable(lang: Language, caption: string, counts: IssueCountsView): SafeHtml {
  const names = sectionCopy[lang].counts;
  const order = [
    'recipients',
    'sent',
    'skipped',
    'failed',
    'bounced',
    'complained',
    'unsubscribedSince',
  ] as const;
  return dataTable({
    caption,
    headers: order.map((key) => names[key]),
    rows: [order.map((key) => html`${String(counts[key])}`)],
  });
}

/** `/issues`: every issue, newest first, a page at a time. */
export function issuesPage(input: { lang: Language; issues: IssueListItem[]; olderUrl?: string }): SafeHtml {
  const words = issuesCopy[input.lang];
  const common = sectionCopy[input.lang];
  if (input.issues.length === 0) return html`<p>${words.intro}</p><p>${words.none}</p>`;
  return html`<p>${words.intro}</p>
${dataTable({
  caption: words.caption,
  headers: words.columns,
  rows: input.issues.map((issue) => [
    html`<a href="${consolePath(`/issues/${issue.id}`)}">${ltr(issue.id)}</a>`,
    html`${common.issueKind[issue.kind]}`,
    html`${issue.schedule ? ltr(issue.schedule) : '—'}`,
    time(issue.created),
    html`${common.issueStatus[issue.status]}`,
  ]),
})}
${input.olderUrl ? html`<p><a href="${input.olderUrl}" rel="next">${words.older}</a></p>` : ''}`;
}

export interface RecipientView {
  subscriberId: string;
  email?: string;
  outcome: Outcome;
  reason?: string;
  at: TimeText;
  readerStatus?: ReaderStatus;
}

export interface IssuePageView {
  lang: Language;
  csrf: string;
  id: string;
  kind: 'digest' | 'alert';
  schedule?: string;
  status: IssueStatus;
  created: TimeText;
  window?: { start: TimeText; end: TimeText };
  sendAfter?: TimeText;
  articles: number;
  note: boolean;
  /** The public archive copies (a link per variant rendered). */
  archive: Array<{ label: string; url: string }>;
  counts: IssueCountsView;
  recipients: RecipientView[];
  /** The next page of recipients, and whether this is a later page. */
  moreUrl?: string;
  laterPage: boolean;
}

/** `/issues/{id}`: an issue's facts and counts, and its recipients with their outcome, a page at a time. */
export function issuePage(view: IssuePageView): SafeHtml {
  const words = issuesCopy[view.lang];
  const common = sectionCopy[view.lang];
  const base = `/issues/${view.id}`;
  return html`${facts([
    [words.kind, common.issueKind[view.kind]],
    ...(view.schedule
      ? [
          [
            words.schedule,
            html`<a href="${consolePath(`/digest/${view.schedule}`)}">${ltr(view.schedule)}</a>`,
          ] as [string, SafeHtml],
        ]
      : []),
    [words.status, common.issueStatus[view.status]],
    [words.created, time(view.created)],
    ...(view.window
      ? [[words.window, html`${time(view.window.start)} → ${time(view.window.end)}`] as [string, SafeHtml]]
      : []),
    ...(view.sendAfter ? [[words.heldUntil, time(view.sendAfter)] as [string, SafeHtml]] : []),
    [words.articles, view.articles],
    ...(view.note ? [[words.note, words.withNote] as [string, string]] : []),
    ...(view.archive.length > 0
      ? [
          [
            words.archive,
            html`${view.archive.map((copy, index) => html`${index > 0 ? ' · ' : ''}<a href="${copy.url}">${copy.label}</a>`)}`,
          ] as [string, SafeHtml],
        ]
      : []),
  ])}
${countsTable(view.lang, words.countsCaption, view.counts)}
${
  view.status === 'parked'
    ? html`<p>${words.resumeBody}</p>${postButton({ action: consolePath(`${base}/resume`), label: words.resume, csrf: view.csrf })}`
    : ''
}
<p><a href="${consolePath(`${base}/recipients.csv`)}" download>${words.csv}</a></p>
${
  view.recipients.length === 0
    ? html`<p>${words.noRecipients}</p>`
    : dataTable({
        caption: words.recipientsCaption,
        headers: words.recipientColumns,
        rows: view.recipients.map((row) => [
          row.email
            ? html`<a href="${consolePath(`/readers/${row.subscriberId}`)}">${ltr(row.email)}</a>`
            : html`${words.erased} ${ltr(row.subscriberId)}`,
          html`${common.outcome[row.outcome]}`,
          html`${row.reason ? html`<span lang="en" dir="ltr">${row.reason}</span>` : '—'}`,
          time(row.at),
          html`${row.readerStatus ? common.readerStatus[row.readerStatus] : '—'}`,
        ]),
      })
}
<p>${view.laterPage ? html`<a href="${consolePath(base)}">${words.firstPage}</a> ` : ''}${view.moreUrl ? html`<a href="${view.moreUrl}" rel="next">${words.moreRecipients}</a>` : ''}</p>`;
}
