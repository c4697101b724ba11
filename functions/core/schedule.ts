import { Cron } from 'croner';
import * as z from 'zod';
import { editorNoteSchema } from './editor-note';
import { ValidationError } from './errors';
import { checkTimeZone } from './time';

export const digestCadenceSchema = z.enum(['daily', 'weekly']);
export type DigestCadence = z.infer<typeof digestCadenceSchema>;

export const scheduleNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, at most 63 characters');

export const scheduleSchema = z.object({
  name: scheduleNameSchema,
  /** A five- or six-field cron expression, in `timeZone`. */
  cron: z.string().optional(),
  /** A one-off local date-time (`2026-12-01T08:00`), in `timeZone`. */
  at: z.string().optional(),
  /** The IANA zone its cron or one-off time is read in: the one given, else the network's. */
  timeZone: z.string().min(1),
  cadence: digestCadenceSchema,
  /** Topics the digest carries; empty means all. */
  topics: z.array(z.string()).default([]),
  enabled: z.boolean().default(true),
  /** The end of the last window a digest of this schedule covered: the next window starts here. */
  lastWindowEnd: z.iso.datetime().optional(),
  /** When a one-off (`at`) schedule fired: it is then disabled for good and fires no more. */
  completedAt: z.iso.datetime().optional(),
  /**
   * The editor's note for the schedule's next issue: placed at the top of that issue, then taken off
   * the schedule (the issue keeps it). `setAt` tells one note from the next, so a digest takes off only
   * the note it carried.
   */
  note: editorNoteSchema.extend({ setAt: z.iso.datetime() }).optional(),
  /**
   * A firing the clock is to skip, by the instant it is due: that firing sends nothing and leaves the
   * window where it was, so the next digest covers both; the schedule stays enabled.
   */
  skipFiring: z.iso.datetime().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Schedule = z.infer<typeof scheduleSchema>;

/** When and for whom a schedule sends: what staff give when they add or change it. */
export type ScheduleDefinition = Pick<Schedule, 'cron' | 'at' | 'timeZone' | 'cadence' | 'topics'>;

/** Refuses a malformed cron expression with croner's own explanation. */
export function checkCron(expression: string, timeZone: string): void {
  checkTimeZone(timeZone);
  try {
    new Cron(expression, { timezone: timeZone, paused: true }).stop();
  } catch (error) {
    throw new ValidationError(`invalid cron expression "${expression}": ${(error as Error).message}`);
  }
}

/** The next time a schedule fires after `from`, or null (a past or completed one-off, or disabled). */
export function nextRun(
  schedule: Pick<Schedule, 'cron' | 'at' | 'timeZone' | 'enabled' | 'completedAt'>,
  from: Date,
): Date | null {
  if (!schedule.enabled || schedule.completedAt) return null;
  const pattern = schedule.cron ?? schedule.at;
  if (!pattern) return null;
  const job = new Cron(pattern, { timezone: schedule.timeZone, paused: true });
  const next = job.nextRun(from);
  job.stop();
  return next;
}

/**
 * The last time a recurring schedule was due at or before `reference` (one-offs: their time, once it
 * has passed), or null. The local clock uses it to notice a firing it missed while it was down.
 */
export function lastDueRun(
  schedule: Pick<Schedule, 'cron' | 'at' | 'timeZone'>,
  reference: Date,
): Date | null {
  const pattern = schedule.cron ?? schedule.at;
  if (!pattern) return null;
  const job = new Cron(pattern, { timezone: schedule.timeZone, paused: true });
  const once = job.getOnce();
  // previousRuns leaves out a run at the very millisecond of the reference: look one second later.
  const due = once
    ? once.getTime() <= reference.getTime()
      ? once
      : null
    : (job.previousRuns(1, new Date(reference.getTime() + 1000))[0] ?? null);
  job.stop();
  return due && due.getTime() <= reference.getTime() ? due : null;
}
