import { overviewPage } from '../../../templates/console/overview';
import { overviewCopy } from '../../../templates/console/overview-copy';
import { type SendQuota, staffOverview } from '../../core/overview';
import type { ConsoleSection } from '../console-env';
import { staffTime } from '../console-kit';
import { scheduleInWords } from '../schedule-words';
import { countsOf } from './issues';

const path = '/overview';
const lookbackDays = 30;

/**
 * The overview staff see first: the next sends of every schedule a week ahead in the network's time
 * zone, the latest issues with their counts, alerts held for quiet hours (each can be sent now),
 * parked issues, mail that failed for good, and the sending quota used (from `quota`: SES's account on
 * a stage, the outbox in local mode; none: not shown).
 */
export function overviewSection(options: { quota?: SendQuota } = {}): ConsoleSection {
  return {
    path,
    nav: { ar: overviewCopy.ar.title, en: overviewCopy.en.title },
    register(app, context) {
      const { runtime } = context;
      app.get(path, async (c) => {
        const lang = c.get('lang');
        const zone = runtime.config.timeZone;
        const overview = await staffOverview(
          {
            schedules: runtime.repos.schedules,
            issues: runtime.repos.issues,
            clock: runtime.clock,
            ...(options.quota ? { quota: options.quota } : {}),
          },
          { lookbackDays },
        );
        const byName = new Map(overview.schedules.map((schedule) => [schedule.name, schedule]));
        const heldArticles = await Promise.all(
          overview.held.map((issue) => runtime.repos.articles.get(issue.articleIds[0] ?? '')),
        );
        return context.render(c, {
          title: overviewCopy[lang].title,
          section: path,
          body: overviewPage({
            lang,
            csrf: c.get('csrf'),
            sends: overview.upcoming.sends.map((send) => {
              const schedule = byName.get(send.schedule);
              return {
                schedule: send.schedule,
                words: schedule ? scheduleInWords(schedule, lang) : '',
                at: staffTime(send.at, zone, lang),
                skipped: send.skipped,
              };
            }),
            more: overview.upcoming.more,
            recent: overview.recent.map((issue) => ({
              id: issue.id,
              kind: issue.kind,
              created: staffTime(issue.createdAt, zone, lang),
              status: issue.status,
              counts: countsOf(issue),
            })),
            held: overview.held.map((issue, index) => {
              const article = heldArticles[index];
              return {
                id: issue.id,
                ...(article ? { articleId: article.id, title: article.title } : {}),
                until: staffTime(issue.sendAfter ?? issue.createdAt, zone, lang),
              };
            }),
            parked: overview.parked.map((issue) => ({
              id: issue.id,
              created: staffTime(issue.createdAt, zone, lang),
            })),
            deadLetters: {
              failed: overview.deadLetters.failed,
              days: lookbackDays,
              issues: overview.deadLetters.issues.map((issue) => ({ id: issue.id, failed: issue.failed })),
            },
            ...(overview.quota ? { quota: overview.quota } : {}),
          }),
        });
      });
    },
  };
}
