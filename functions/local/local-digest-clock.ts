import type { Clock, ScheduleRepo } from '../core/ports';
import { lastDueRun, type Schedule } from '../core/schedule';
import type { DigestRunEvent } from '../handlers/digest-run';
import { logger } from '../shared/logger';
import type { LocalScheduler } from './local-scheduler';

/** How often `nashra dev` reads the schedules table again: a CLI change shows up within this. */
export const SCHEDULE_RESYNC_SECONDS = 30;

const jobName = (schedule: string) => `digest:${schedule}`;
/** What, when changed, means the job must be set again. */
const signature = (schedule: Schedule) => JSON.stringify([schedule.cron, schedule.at, schedule.timeZone]);

/**
 * EventBridge Scheduler's part for digests in `nashra dev`: a croner job per enabled schedule of the
 * table, firing the digest handler with the time each firing was due. The table is read again every
 * 30 seconds, so schedules added, paused, resumed or removed by `nashra schedule …` in another
 * process are picked up without a restart. When it starts, a schedule whose last due firing passed
 * while nothing ran (its window ends before it) fires once at once, for that firing: one digest
 * covers the whole gap, as EventBridge's late delivery would.
 */
export class LocalDigestClock {
  private readonly jobs = new Map<string, string>();

  constructor(
    private readonly scheduler: LocalScheduler,
    private readonly deps: {
      schedules: ScheduleRepo;
      clock: Clock;
      fire: (event: DigestRunEvent) => Promise<unknown>;
    },
  ) {}

  /** Reads the table, sets every job, fires the missed ones, then keeps reading every 30 seconds. */
  async start(): Promise<{ caughtUp: string[] }> {
    const schedules = await this.sync();
    const now = this.deps.clock.now();
    const caughtUp: string[] = [];
    for (const schedule of schedules) {
      const due = lastDueRun(schedule, now);
      const coveredUntil = Date.parse(schedule.lastWindowEnd ?? schedule.createdAt);
      if (!due || due.getTime() <= coveredUntil) continue;
      caughtUp.push(schedule.name);
      await this.deps.fire({ scheduleName: schedule.name, scheduledTime: due.toISOString() });
    }
    this.scheduler.set({
      name: 'schedule-resync',
      expression: `*/${SCHEDULE_RESYNC_SECONDS} * * * * *`,
      timeZone: 'UTC',
      fire: () => this.sync(),
    });
    return { caughtUp };
  }

  /** Brings the jobs in step with the table; returns the schedules that should fire. */
  async sync(): Promise<Schedule[]> {
    const active = (await this.deps.schedules.list()).filter(
      (schedule) => schedule.enabled && !schedule.completedAt,
    );
    const wanted = new Map(active.map((schedule) => [schedule.name, schedule]));
    for (const name of [...this.jobs.keys()]) {
      if (wanted.has(name)) continue;
      this.scheduler.remove(jobName(name));
      this.jobs.delete(name);
    }
    for (const schedule of active) {
      if (this.jobs.get(schedule.name) === signature(schedule)) continue;
      this.scheduler.set({
        name: jobName(schedule.name),
        expression: schedule.cron ?? (schedule.at as string),
        timeZone: schedule.timeZone,
        fire: (scheduledTime) =>
          this.deps.fire({ scheduleName: schedule.name, scheduledTime: scheduledTime.toISOString() }),
      });
      this.jobs.set(schedule.name, signature(schedule));
      logger.debug('local digest schedule set', { schedule: schedule.name });
    }
    return active;
  }

  /** The digest schedules that have a job now. */
  names(): string[] {
    return [...this.jobs.keys()];
  }
}
