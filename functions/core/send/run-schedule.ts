import { NotFoundError } from '../errors';
import type { ScheduleTriggers } from '../ports';
import { completeOneOff } from '../schedules';
import { type DigestDeps, type DigestOutcome, sendDigest } from './send-digest';

export type ScheduledRunOutcome =
  | DigestOutcome
  /** The schedule is paused: nothing is sent and its window stays where it was. */
  | { status: 'disabled' }
  /** A one-off that already fired. */
  | { status: 'completed' };

/**
 * One firing of a schedule, as the clock (EventBridge Scheduler, the local scheduler) or `nashra
 * schedule run` delivers it: the digest of the window ending at `firedAt`. A paused schedule sends
 * nothing. A one-off schedule fires once: after its digest it is disabled for good (and its trigger,
 * where this process manages triggers, deleted; EventBridge deletes a fired `at()` schedule itself).
 */
export async function runScheduledDigest(
  scheduleName: string,
  firedAt: Date,
  deps: DigestDeps & { triggers?: ScheduleTriggers },
): Promise<ScheduledRunOutcome> {
  const schedule = await deps.schedules.get(scheduleName);
  if (!schedule) throw new NotFoundError(`no schedule named "${scheduleName}"`);
  if (schedule.completedAt) return { status: 'completed' };
  if (!schedule.enabled) return { status: 'disabled' };
  const outcome = await sendDigest(schedule, { firedAt: firedAt.toISOString() }, deps);
  if (schedule.at !== undefined) {
    // Read again: the digest moved the window on since `schedule` was read.
    const fired = await deps.schedules.get(scheduleName);
    if (fired && !fired.completedAt) await completeOneOff(fired, deps);
  }
  return outcome;
}
