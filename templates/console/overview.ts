import { html, type SafeHtml } from '../escape';
import type { Language } from '../language';
import type { IssueCountsView } from './issues';
import { overviewCopy } from './overview-copy';
import { sectionCopy } from './section-copy';
import { consoleLink, consolePath, dataTable, ltr, postButton, type TimeText, time } from './ui';

type IssueStatus = 'held' | 'sending' | 'sent' | 'partial' | 'parked' | 'empty';

export interface OverviewView {
  lang: Language;
  csrf: string;
  sends: Array<{ schedule: string; words: string; at: TimeText; skipped: boolean }>;
  more: string[];
  recent: Array<{
    id: string;
    kind: 'digest' | 'alert';
    created: TimeText;
    status: IssueStatus;
    counts: IssueCountsView;
  }>;
  held: Array<{ id: string; articleId?: string; title?: string; until: TimeText }>;
  parked: Array<{ id: string; created: TimeText }>;
  deadLetters: { failed: number; days: number; issues: Array<{ id: string; failed: number }> };
  quota?: { sent: number; max?: number; period: 'today' | 'last-24-hours' };
}

/**
 * `/overview`: the week's sends in the network's time zone, the latest issues with their counts,
 * alerts held for quiet hours, parked issues, mail that failed for good, and the sending quota used.
 */
export function overviewPage(view: OverviewView): SafeHtml {
  const words = overviewCopy[view.lang];
  const common = sectionCopy[view.lang];
  const counts = [
    'recipients',
    'sent',
    'skipped',
    'failed',
    'bounced',
    'complained',
    'unsubscribedSince',
  ] as const;
  return html`<section aria-labelledby="sends-heading"><h2 id="sends-heading">${words.nextSends}</h2>
${
  view.sends.length === 0
    ? html`<p>${words.noSends}</p>`
    : html`<ul>${view.sends.map(
        (send) =>
          html`<li>${time(send.at)} — <a href="${consolePath(`/digest/${send.schedule}`)}">${ltr(send.schedule)}</a> (${send.words})${send.skipped ? html` <span class="badge">${words.skipped}</span>` : ''}</li>`,
      )}</ul>`
}
${view.more.length > 0 ? html`<p>${words.moreThanShown(view.more.join(', '))}</p>` : ''}
</section>
<section aria-labelledby="recent-heading"><h2 id="recent-heading">${words.recent}</h2>
${
  view.recent.length === 0
    ? html`<p>${words.noIssues}</p>`
    : dataTable({
        caption: words.recent,
        headers: words.recentColumns,
        rows: view.recent.map((issue) => [
          html`<a href="${consolePath(`/issues/${issue.id}`)}">${ltr(issue.id)}</a>`,
          html`${common.issueKind[issue.kind]}`,
          time(issue.created),
          html`${common.issueStatus[issue.status]}`,
          ...counts.map((key) => html`${String(issue.counts[key])}`),
        ]),
      })
}
</section>
<section aria-labelledby="held-heading"><h2 id="held-heading">${words.held}</h2>
${
  view.held.length === 0
    ? html`<p>${words.noHeld}</p>`
    : html`<ul>${view.held.map(
        (alert) =>
          html`<li>${alert.articleId ? html`<a href="${consoleLink('/articles/show', { id: alert.articleId })}">${alert.title ?? alert.articleId}</a>` : ltr(alert.id)} — ${words.heldUntil(alert.until.text)} ${
            alert.articleId
              ? postButton({
                  action: consolePath('/articles/alert'),
                  label: words.sendNow,
                  csrf: view.csrf,
                  fields: { id: alert.articleId },
                })
              : ''
          }</li>`,
      )}</ul>`
}
</section>
<section aria-labelledby="parked-heading"><h2 id="parked-heading">${words.parked}</h2>
${
  view.parked.length === 0
    ? html`<p>${words.noParked}</p>`
    : html`<ul>${view.parked.map(
        (issue) =>
          html`<li><a href="${consolePath(`/issues/${issue.id}`)}">${ltr(issue.id)}</a> — ${time(issue.created)}</li>`,
      )}</ul>`
}
</section>
<section aria-labelledby="dead-heading"><h2 id="dead-heading">${words.deadLetters}</h2>
${
  view.deadLetters.failed === 0
    ? html`<p>${words.noDeadLetters(view.deadLetters.days)}</p>`
    : html`<p>${words.deadLettersCount(view.deadLetters.failed, view.deadLetters.days)}</p><ul>${view.deadLetters.issues.map(
        (issue) =>
          html`<li><a href="${consolePath(`/issues/${issue.id}`)}">${ltr(issue.id)}</a>: ${String(issue.failed)}</li>`,
      )}</ul>`
}
</section>
<section aria-labelledby="quota-heading"><h2 id="quota-heading">${words.quota}</h2>
<p>${
    !view.quota
      ? words.quotaUnknown
      : view.quota.period === 'today' || view.quota.max === undefined
        ? words.quotaToday(view.quota.sent)
        : words.quotaLast24(view.quota.sent, view.quota.max)
  }</p>
</section>`;
}
