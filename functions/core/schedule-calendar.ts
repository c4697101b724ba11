import { Cron } from 'croner';
import type { Schedule } from './schedule';

type Timing = Pick<Schedule, 'cron' | 'at' | 'timeZone' | 'enabled' | 'completedAt'>;

/** The firings of a schedule after `from` and before `until`, at most `limit`, oldest first. */
function firings(schedule: Timing, from: Date, until: Date, limit: number): Date[] {
  if (!schedule.enabled || schedule.completedAt) return [];
  const pattern = schedule.cron ?? schedule.at;
  if (!pattern) return [];
  const job = new Cron(pattern, { timezone: schedule.timeZone, paused: true });
  const found: Date[] = [];
  let next = job.nextRun(from);
  while (next && next.getTime() < until.getTime() && found.length < limit) {
    found.push(next);
    next = job.nextRun(next);
  }
  job.stop();
  return found;
}

/**
 * True when a firing due at `firedAt` is the one staff chose to skip: due at the skipped instant, or
 * later but before the schedule's following firing (a late delivery, or a retry, of that same
 * firing). A later firing is never skipped, so a stale `skipFiring` is harmless.
 */
export function isSkippedFiring(
  schedule: Pick<Schedule, 'cron' | 'at' | 'timeZone' | 'skipFiring'>,
  firedAt: Date,
): boolean {
  if (!schedule.skipFiring || !schedule.cron) return false;
  const skipped = new Date(schedule.skipFiring);
  if (firedAt.getTime() < skipped.getTime()) return false;
  const job = new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true });
  const following = job.nextRun(skipped);
  job.stop();
  return !following || firedAt.getTime() < following.getTime();
}

/** The next time a schedule sends after `from`: its next firing, or the one after it when that one is skipped. */
export function nextSend(schedule: Timing & Pick<Schedule, 'skipFiring'>, from: Date): Date | null {
  const [first, second] = firings(schedule, from, new Date(8.64e15), 2);
  if (!first) return null;
  return isSkippedFiring(schedule, first) ? (second ?? null) : first;
}

export interface UpcomingSend {
  schedule: string;
  at: Date;
  /** Staff chose to skip this firing: it will send nothing. */
  skipped: boolean;
}

/**
 * Every firing of every enabled schedule from `from` until `until` (the console shows a week ahead),
 * oldest first, skipped firings marked. A schedule that fires more often than `perSchedule` times in
 * that span shows its first ones, and `more` names it.
 */
export function upcomingSends(
  schedules: readonly Schedule[],
  from: Date,
  until: Date,
  perSchedule = 50,
): { sends: UpcomingSend[]; more: string[] } {
  const sends: UpcomingSend[] = [];
  const more: string[] = [];
  for (const schedule of schedules) {
    const found = firings(schedule, from, until, perSchedule + 1);
    if (found.length > perSchedule) more.push(schedule.name);
    for (const at of found.slice(0, perSchedule))
      sends.push({ schedule: schedule.name, at, skipped: isSkippedFiring(schedule, at) });
  }
  sends.sort((a, b) => a.at.getTime() - b.at.getTime() || a.schedule.localeCompare(b.schedule));
  return { sends, more };
}

/** Two schedules that would mail the same readers the same articles: what the warning names. */
export interface ScheduleOverlap {
  first: string;
  second: string;
  cadence: Schedule['cadence'];
  /** The topics both carry; empty when both carry every topic. */
  topics: string[];
}

/**
 * Pairs of live schedules (enabled, not a fired one-off) that serve the same readers: the same
 * cadence and topics that meet (no topics means every topic). Such readers get two digests; each
 * schedule leaves out only what it carried itself, so an article can reach them twice.
 */
export function overlappingSchedules(schedules: readonly Schedule[]): ScheduleOverlap[] {
  const live = schedules.filter((schedule) => schedule.enabled && !schedule.completedAt);
  const overlaps: ScheduleOverlap[] = [];
  for (const [index, first] of live.entries()) {
    for (const second of live.slice(index + 1)) {
      if (first.cadence !== second.cadence) continue;
      const shared =
        first.topics.length === 0
          ? second.topics
          : second.topics.length === 0
            ? first.topics
            : first.topics.filter((topic) => second.topics.includes(topic));
      const meet = first.topics.length === 0 || second.topics.length === 0 || shared.length > 0;
      if (meet)
        overlaps.push({ first: first.name, second: second.name, cadence: first.cadence, topics: shared });
    }
  }
  return overlaps;
}
