import type { Issue } from './issue';
import type { Clock, IssueRepo, ScheduleRepo } from './ports';
import type { Schedule } from './schedule';
import { type UpcomingSend, upcomingSends } from './schedule-calendar';

/** How much of the mail service's sending quota is used: SES's own figures on a stage; local mode counts its mails. */
export interface QuotaUse {
  sent: number;
  /** The most the account may send in the period; absent where there is no such limit (local mode). */
  max?: number;
  /** SES counts a rolling 24 hours; local mode counts the calendar day in the network's time zone. */
  period: 'today' | 'last-24-hours';
}

/** Where the overview reads the sending quota (a stage: SES's account; local mode: its outbox). */
export interface SendQuota {
  used(now: Date): Promise<QuotaUse>;
}

export interface OverviewDeps {
  schedules: Pick<ScheduleRepo, 'list'>;
  issues: Pick<IssueRepo, 'list' | 'listNeedingStaff'>;
  clock: Clock;
  quota?: SendQuota;
}

export interface Overview {
  now: Date;
  schedules: Schedule[];
  /** Every firing of the coming week, oldest first; `more` names schedules firing more often than shown. */
  upcoming: { sends: UpcomingSend[]; more: string[] };
  /** The latest issues, newest first, with their counts (`unsubscribedSince` among them). */
  recent: Issue[];
  /** Alerts held for quiet hours, with the time each goes. */
  held: Issue[];
  /** Issues holding mail back because SES's daily quota was spent (`nashra digest resume`). */
  parked: Issue[];
  /** Deliveries that failed for good (what went to the dead-letter queue) in the look-back, and the issues holding them. */
  deadLetters: { failed: number; issues: Issue[] };
  quota?: QuotaUse;
}

const dayMs = 86_400_000;

/**
 * What staff see first: the next sends of every schedule a week ahead, the latest issues with their
 * counts (the readers each reached who unsubscribed since: a counter on the issue), alerts held for
 * quiet hours, parked issues, the deliveries that failed for good in the last `lookbackDays`, and the
 * sending quota used. No reader is read: the cost does not grow with the readers.
 */
export async function staffOverview(
  deps: OverviewDeps,
  options: { recent?: number; lookbackDays?: number } = {},
): Promise<Overview> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - (options.lookbackDays ?? 30) * dayMs).toISOString();
  const [schedules, latest, lookback, quota] = await Promise.all([
    deps.schedules.list(),
    deps.issues.list({ limit: options.recent ?? 10 }),
    deps.issues.listNeedingStaff(since),
    deps.quota?.used(now),
  ]);
  const failing = lookback.filter((issue) => issue.failed > 0);
  return {
    now,
    schedules,
    upcoming: upcomingSends(schedules, now, new Date(now.getTime() + 7 * dayMs)),
    recent: latest.issues,
    held: lookback
      .filter((issue) => issue.status === 'held')
      .sort((a, b) => (a.sendAfter ?? '').localeCompare(b.sendAfter ?? '')),
    parked: lookback.filter((issue) => issue.status === 'parked'),
    deadLetters: { failed: failing.reduce((sum, issue) => sum + issue.failed, 0), issues: failing },
    ...(quota ? { quota } : {}),
  };
}
