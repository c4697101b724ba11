import { consoleCopy } from '../../templates/console/console-copy';
import { dataTable, ltr } from '../../templates/console/forms';
import { timeElement } from '../../templates/console/time';
import { html, type SafeHtml } from '../../templates/escape';
import { InvalidCursorError } from '../core/errors';
import { type AuditRecord, auditCursorPattern } from '../core/staff/audit';
import type { ConsoleSection } from './console-env';

/** Records per page. */
export const AUDIT_PAGE_SIZE = 50;

const detailText = (detail: AuditRecord['detail']) =>
  Object.entries(detail ?? {})
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(', ');

/**
 * The audit log, newest first, a page at a time (`?before=` the cursor of the page's last record):
 * when (in the network's time zone), who (a staff member's address, or a command-line user), what,
 * on what (a reader by id), and the details.
 */
export const auditSection: ConsoleSection = {
  path: '/audit',
  nav: { ar: consoleCopy.ar.audit.nav, en: consoleCopy.en.audit.nav },
  register(app, { runtime, render }) {
    app.get('/audit', async (c) => {
      const lang = c.get('lang');
      const words = consoleCopy[lang].audit;
      const before = c.req.query('before');
      if (before !== undefined && !auditCursorPattern.test(before))
        throw new InvalidCursorError('not an audit cursor');
      const page = await runtime.repos.audit.list({ before, limit: AUDIT_PAGE_SIZE });
      const zone = runtime.config.timeZone;
      const rows: SafeHtml[][] = page.records.map((record) => [
        timeElement(record.at, lang, zone),
        record.actor.kind === 'staff'
          ? ltr(record.actor.email)
          : html`${ltr(record.actor.name)} <span class="meta">(${words.commandLine})</span>`,
        html`<code dir="ltr">${record.action}</code>`,
        record.target ? html`${words.targetKinds[record.target.kind]} ${ltr(record.target.id)}` : html``,
        record.detail ? html`<span dir="ltr">${detailText(record.detail)}</span>` : html``,
      ]);
      return render(c, {
        title: words.title,
        section: '/audit',
        body: html`<p>${words.intro}</p>
${dataTable({
  caption: words.title,
  captionHidden: true,
  columns: [words.when, words.who, words.action, words.target, words.detail],
  rows,
  empty: words.empty,
})}
<p class="pager">${before ? html`<a href="/console/audit">${words.newest}</a>` : ''}${
          page.next
            ? html`<a href="/console/audit?before=${encodeURIComponent(page.next)}" rel="next">${words.older}</a>`
            : ''
        }</p>`,
      });
    });
  },
};
