import { NotFoundError } from '../errors';
import type { ScheduleTriggers } from '../ports';
import { isSkippedFiring } from '../schedule-calendar';
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

/** A clock firing: a scheduled run, or the firing staff chose to skip. */
export type FiringOutcome =
  | ScheduledRunOutcome
  /** Staff skipped this firing: nothing is sent and the window stays, so the next digest covers it. */
  | { status: 'skipped'; firing: string };

/**
 * A firing delivered by the clock (EventBridge Scheduler, the local scheduler) for the time it was
 * due. The firing staff chose to skip (`skipNextFiring`) sends nothing, also when it arrives late or
 * twice; any other is `runScheduledDigest`. A run staff start by hand is never a skipped firing.
 */
export async function fireScheduledDigest(
  scheduleName: string,
  dueAt: Date,
  deps: DigestDeps & { triggers?: ScheduleTriggers },
): Promise<FiringOutcome> {
  const schedule = await deps.schedules.get(scheduleName);
  if (schedule?.skipFiring && schedule.enabled && isSkippedFiring(schedule, dueAt))
    return { status: 'skipped', firing: schedule.skipFiring };
  return runScheduledDigest(scheduleName, dueAt, deps);
}
