import { ValidationError } from './errors';
import type { Clock, ScheduleRepo } from './ports';
import {
  checkCron,
  checkLocalTime,
  checkTimeZone,
  type DigestCadence,
  nextRun,
  type Schedule,
  scheduleNameSchema,
} from './schedule';

export interface NewSchedule {
  name: string;
  cron?: string;
  at?: string;
  timeZone: string;
  cadence: DigestCadence;
  topics: string[];
}

/** Creates a schedule after checking its name, its cron or one-off time, and its time zone. */
export async function addSchedule(
  input: NewSchedule,
  deps: { schedules: ScheduleRepo; clock: Clock },
): Promise<Schedule> {
  const name = scheduleNameSchema.safeParse(input.name);
  if (!name.success)
    throw new ValidationError(`invalid schedule name "${input.name}": ${name.error.issues[0]?.message}`);
  if ((input.cron === undefined) === (input.at === undefined))
    throw new ValidationError('give either --cron or --at');
  checkTimeZone(input.timeZone);
  if (input.cron !== undefined) checkCron(input.cron, input.timeZone);
  if (input.at !== undefined) checkLocalTime(input.at);
  const now = deps.clock.now().toISOString();
  const schedule: Schedule = {
    name: name.data,
    ...(input.cron !== undefined ? { cron: input.cron } : {}),
    ...(input.at !== undefined ? { at: input.at } : {}),
    timeZone: input.timeZone,
    cadence: input.cadence,
    topics: input.topics,
    enabled: true,
    createdAt: now,
    updatedAt: now,
  };
  await deps.schedules.create(schedule);
  return schedule;
}

/** Every schedule with the next time it fires (null when paused or a one-off in the past). */
export async function listSchedules(deps: { schedules: ScheduleRepo; clock: Clock }) {
  const now = deps.clock.now();
  return (await deps.schedules.list()).map((schedule) => ({
    ...schedule,
    nextRun: nextRun(schedule, now)?.toISOString() ?? null,
  }));
}
