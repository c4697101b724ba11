import { Cron } from 'croner';
import { logger } from '../shared/logger';

export interface LocalScheduleEntry {
  name: string;
  /** A cron expression, or a one-off ISO date-time. */
  expression: string | Date;
  timeZone: string;
  /** The schedule target's input: what EventBridge Scheduler would pass to the function. */
  fire: () => Promise<unknown>;
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
      async () => {
        try {
          await entry.fire();
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
