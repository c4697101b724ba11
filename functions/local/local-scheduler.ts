import { Cron } from 'croner';
import { logger } from '../shared/logger';

export interface LocalScheduleEntry {
  name: string;
  /** A cron expression, or a one-off ISO date-time. */
  expression: string | Date;
  timeZone: string;
  /**
   * Calls the schedule's target with what EventBridge Scheduler would pass it, given the time the
   * firing was due (its `<aws.scheduler.scheduled-time>`), not the moment the timer ran.
   */
  fire: (scheduledTime: Date) => Promise<unknown>;
}

/**
 * The time a firing was due: a one-off's own time, or the schedule's latest run at or before the
 * moment croner ran the job (a timer runs a few milliseconds late, or more on a busy event loop).
 */
function dueTimeOf(job: Cron): Date {
  const ran = job.currentRun() ?? new Date();
  return job.getOnce() ?? job.previousRuns(1, new Date(ran.getTime() + 1))[0] ?? ran;
}

/**
 * Stands in for EventBridge Scheduler in `nashra dev`: croner fires each schedule in its time zone and
 * calls the same target handler with the same input. Overlapping firings of one schedule are skipped.
 */
export class LocalScheduler {
  private readonly jobs = new Map<string, Cron>();

  set(entry: LocalScheduleEntry): void {
    this.remove(entry.name);
    const job = new Cron(
      entry.expression,
      { name: entry.name, timezone: entry.timeZone, protect: true },
      async (self: Cron) => {
        try {
          await entry.fire(dueTimeOf(self));
        } catch (error) {
          logger.error('scheduled run failed', { schedule: entry.name, error });
        }
      },
    );
    this.jobs.set(entry.name, job);
  }

  remove(name: string): void {
    this.jobs.get(name)?.stop();
    this.jobs.delete(name);
  }

  names(): string[] {
    return [...this.jobs.keys()];
  }

  nextRun(name: string): Date | null {
    return this.jobs.get(name)?.nextRun() ?? null;
  }

  stop(): void {
    for (const job of this.jobs.values()) job.stop();
    this.jobs.clear();
  }
}
