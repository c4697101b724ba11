import type { Clock, ScheduleRepo } from '../ports';
import { lastDueRun } from '../schedule';

/**
 * How late a digest firing may be before it counts as missed: EventBridge Scheduler hands a firing
 * over within a minute or two, and a digest run that fails is retried within minutes.
 */
export const MISSED_RUN_GRACE_MS = 30 * 60 * 1000;

export interface MissedDigestRun {
  schedule: string;
  /** The firing that should have moved the schedule's window on and did not. */
  dueAt: string;
}

/**
 * The heartbeat of the digest schedules. Their EventBridge schedules are made at run time, so there is
 * no alarm per schedule; instead this looks at every enabled schedule and finds the ones whose last
 * due firing (at least `graceMs` ago) has not moved their window on: every firing that runs moves it,
 * an empty window included. A firing due before the schedule last changed (created, resumed, edited)
 * is not counted: a paused schedule skips its firings on purpose.
 */
export async function findMissedDigestRuns(
  deps: { schedules: ScheduleRepo; clock: Clock },
  graceMs = MISSED_RUN_GRACE_MS,
): Promise<MissedDigestRun[]> {
  const reference = new Date(deps.clock.now().getTime() - graceMs);
  const missed: MissedDigestRun[] = [];
  for (const schedule of await deps.schedules.list()) {
    if (!schedule.enabled || schedule.completedAt) continue;
    const due = lastDueRun(schedule, reference);
    if (!due || due.getTime() <= Date.parse(schedule.updatedAt)) continue;
    if (schedule.lastWindowEnd && Date.parse(schedule.lastWindowEnd) >= due.getTime()) continue;
    missed.push({ schedule: schedule.name, dueAt: due.toISOString() });
  }
  return missed;
}
