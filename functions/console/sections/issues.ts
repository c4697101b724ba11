import type { VariantName } from '../../../templates/console/digest';
import { type IssueCountsView, issuePage, issuesPage } from '../../../templates/console/issues';
import { issuesCopy } from '../../../templates/console/issues-copy';
import { sectionCopy } from '../../../templates/console/section-copy';
import { consoleLink } from '../../../templates/console/ui';
import { archivePath, variantsOf } from '../../core/archive';
import type { Issue } from '../../core/issue';
import { recipientsCsv, recipientsPage } from '../../core/issue-report';
import { resumeIssue } from '../../core/send/resume-issue';
import type { Runtime } from '../../runtime/runtime';
import { sendingParts } from '../../runtime/sending';
import type { ConsoleSection } from '../console-env';
import { type ConsoleContextOf, refusal, refusalOf, seeOther, staffTime } from '../console-kit';

const path = '/issues';
const issuesPerPage = 20;
const recipientsPerPage = 50;
const issueId = /^[A-Za-z0-9_.:-]{1,200}$/;

/** What the issue report reads: the deliveries and the readers, no more. */
export function reportDeps(runtime: Runtime) {
  return { deliveries: runtime.repos.deliveries, subscribers: runtime.repos.subscribers };
}

/**
 * An issue's counts as the pages show them: bounces and complaints counted as SES reported them, and
 * the readers it reached who unsubscribed since, as counted when each left.
 */
export function countsOf(issue: Issue): IssueCountsView {
  return {
    recipients: issue.recipients,
    sent: issue.sent,
    skipped: issue.skipped,
    failed: issue.failed,
    bounced: issue.bounced ?? 0,
    complained: issue.complained ?? 0,
    unsubscribedSince: issue.unsubscribedSince ?? 0,
  };
}

/**
 * The issue report: every issue, and per issue its counts and its recipients with what became of
 * their mail (sent; skipped and why; failed and why; bounced; complained), a page at a time and as a
 * CSV download; a parked issue can be resumed. No opens or clicks: nashra does not track readers.
 */
export function issuesSection(): ConsoleSection {
  return {
    path,
    nav: { ar: issuesCopy.ar.title, en: issuesCopy.en.title },
    register(app, context) {
      const { runtime } = context;
      const timeZone = runtime.config.timeZone;

      const notFound = (c: ConsoleContextOf) =>
        context.render(c, {
          title: issuesCopy[c.get('lang')].title,
          section: path,
          status: 404,
          body: refusal(404, sectionCopy[c.get('lang')].notFound).box,
        });
      const issueOf = async (c: ConsoleContextOf) => {
        const id = c.req.param('id') ?? '';
        return issueId.test(id) ? runtime.repos.issues.get(id) : undefined;
      };

      app.get(path, async (c) => {
        const lang = c.get('lang');
        const before = c.req.query('before');
        let page: Awaited<ReturnType<typeof runtime.repos.issues.list>>;
        try {
          page = await runtime.repos.issues.list({
            limit: issuesPerPage,
            ...(before ? { cursor: before } : {}),
          });
        } catch (error) {
          const refused = refusalOf(c, error);
          return context.render(c, {
            title: issuesCopy[lang].title,
            section: path,
            status: refused.status,
            body: refused.box,
          });
        }
        return context.render(c, {
          title: issuesCopy[lang].title,
          section: path,
          body: issuesPage({
            lang,
            issues: page.issues.map((issue) => ({
              id: issue.id,
              kind: issue.kind,
              ...(issue.schedule ? { schedule: issue.schedule } : {}),
              created: staffTime(issue.createdAt, timeZone, lang),
              status: issue.status,
            })),
            ...(page.cursor ? { olderUrl: consoleLink(path, { before: page.cursor }) } : {}),
          }),
        });
      });

      app.get(`${path}/:id`, async (c) => {
        const issue = await issueOf(c);
        if (!issue) return notFound(c);
        const lang = c.get('lang');
        const words = issuesCopy[lang];
        const after = c.req.query('after');
        let page: Awaited<ReturnType<typeof recipientsPage>>;
        try {
          page = await recipientsPage(
            issue.id,
            { limit: recipientsPerPage, ...(after ? { cursor: after } : {}) },
            reportDeps(runtime),
          );
        } catch (error) {
          const refused = refusalOf(c, error);
          return context.render(c, {
            title: words.issueTitle(issue.id),
            section: path,
            status: refused.status,
            body: refused.box,
          });
        }
        const done = c.req.query('done');
        const notice =
          done === 'sent'
            ? words.notices.sent
            : done === 'exists'
              ? words.notices.exists
              : done === 'resumed'
                ? words.notices.resumed(c.req.query('count') ?? '0')
                : undefined;
        return context.render(c, {
          title: words.issueTitle(issue.id),
          section: path,
          ...(notice ? { notice } : {}),
          body: issuePage({
            lang,
            csrf: c.get('csrf'),
            id: issue.id,
            kind: issue.kind,
            ...(issue.schedule ? { schedule: issue.schedule } : {}),
            status: issue.status,
            created: staffTime(issue.createdAt, timeZone, lang),
            ...(issue.windowStart && issue.windowEnd
              ? {
                  window: {
                    start: staffTime(issue.windowStart, timeZone, lang),
                    end: staffTime(issue.windowEnd, timeZone, lang),
                  },
                }
              : {}),
            ...(issue.status === 'held' && issue.sendAfter
              ? { sendAfter: staffTime(issue.sendAfter, timeZone, lang) }
              : {}),
            articles: issue.articleIds.length,
            note: issue.note !== undefined,
            archive:
              issue.status === 'held'
                ? []
                : variantsOf(issue).map((variant) => ({
                    label: sectionCopy[lang].variants[variant as VariantName],
                    url: archivePath(issue.id, variant),
                  })),
            counts: countsOf(issue),
            recipients: page.rows.map((row) => ({
              subscriberId: row.subscriberId,
              ...(row.email ? { email: row.email } : {}),
              outcome: row.outcome,
              ...(row.reason ? { reason: row.reason } : {}),
              at: staffTime(row.at, timeZone, lang),
              ...(row.readerStatus ? { readerStatus: row.readerStatus } : {}),
            })),
            ...(page.cursor ? { moreUrl: consoleLink(`${path}/${issue.id}`, { after: page.cursor }) } : {}),
            laterPage: after !== undefined,
          }),
        });
      });

      app.get(`${path}/:id/recipients.csv`, async (c) => {
        const issue = await issueOf(c);
        if (!issue) return notFound(c);
        let csv = '\uFEFF';
        for await (const line of recipientsCsv(issue.id, timeZone, reportDeps(runtime))) csv += line;
        await context.audit(c, {
          action: 'issue.export-recipients',
          target: { kind: 'issue', id: issue.id },
        });
        c.header('Content-Type', 'text/csv; charset=utf-8');
        c.header('Content-Disposition', `attachment; filename="${issue.id}-recipients.csv"`);
        c.header('Cache-Control', 'no-store');
        return c.body(csv);
      });

      app.post(`${path}/:id/resume`, async (c) => {
        const issue = await issueOf(c);
        if (!issue) return notFound(c);
        let resumed: number;
        try {
          resumed = await resumeIssue(issue.id, sendingParts(runtime));
        } catch (error) {
          const refused = refusalOf(c, error);
          return context.render(c, {
            title: issuesCopy[c.get('lang')].issueTitle(issue.id),
            section: path,
            status: refused.status,
            body: refused.box,
          });
        }
        await context.audit(c, {
          action: 'issue.resume',
          target: { kind: 'issue', id: issue.id },
          detail: { requeued: resumed },
        });
        return seeOther(c, `${path}/${issue.id}`, { done: 'resumed', count: String(resumed) });
      });
    },
  };
}
