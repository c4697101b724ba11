import { readEditorNote } from './editor-note';
import { NotFoundError, ValidationError } from './errors';
import type { Clock, ScheduleRepo, ScheduleTrigger, ScheduleTriggers } from './ports';
import {
  checkCron,
  digestCadenceSchema,
  nextRun,
  type Schedule,
  type ScheduleDefinition,
  scheduleNameSchema,
} from './schedule';
import { eventBridgeExpression } from './scheduler-expression';
import { readCadence, readTopics } from './subscribers/input';
import { checkTimeZone, formatStaffTime, readLocalDateTime } from './time';

export interface NewSchedule {
  name: string;
  cron?: string;
  /**
   * A one-off time: a local date-time in the schedule's zone (`2026-12-31T18:00`), or an instant with
   * an offset (kept as the zone's wall clock). Never a bare date, never a time already past.
   */
  at?: string;
  /** The IANA zone the cron or time is read in; absent: the network's (`ScheduleDeps.timeZone`). */
  timeZone?: string;
  /** `daily` or `weekly`, in any case. */
  cadence: string;
  /** Topic slugs in any case; with `ScheduleDeps.topics`, each must be one of those. */
  topics: string[];
}

/**
 * What the staff's schedule commands need. `triggers` is the clock on AWS (EventBridge Scheduler):
 * absent locally, where `nashra dev` reads the schedules table itself. The table is the truth; the
 * triggers follow it. A change whose trigger cannot follow is undone in the table, so a schedule and
 * its trigger never end up apart (`schedule sync` mends what an interrupted process left).
 */
export interface ScheduleDeps {
  schedules: ScheduleRepo;
  clock: Clock;
  triggers?: ScheduleTriggers;
  /** The network's time zone (`NASHRA_TIME_ZONE`): a schedule's when it names none. */
  timeZone?: string;
  /**
   * The topic slugs articles can carry (the values of `NASHRA_TOPIC_MAP`): a schedule on any other
   * topic would never match an article, so it is refused.
   */
  topics?: readonly string[];
}

/**
 * The trigger a schedule should have on the clock, or undefined for none: a completed one-off, or a
 * one-off whose time has passed (EventBridge would never fire it; `schedule run` sends it by hand).
 */
export function triggerFor(schedule: Schedule, now: Date): ScheduleTrigger | undefined {
  if (schedule.completedAt) return undefined;
  if (schedule.at !== undefined && nextRun({ ...schedule, enabled: true }, now) === null) return undefined;
  return {
    name: schedule.name,
    expression: eventBridgeExpression(schedule),
    timeZone: schedule.timeZone,
    enabled: schedule.enabled,
  };
}

/** Puts the schedule's trigger on the clock, or takes it off when it should have none. */
async function follow(schedule: Schedule, deps: ScheduleDeps): Promise<void> {
  if (!deps.triggers) return;
  const trigger = triggerFor(schedule, deps.clock.now());
  if (trigger) await deps.triggers.put(trigger);
  else await deps.triggers.remove(schedule.name);
}

async function existing(name: string, deps: ScheduleDeps): Promise<Schedule> {
  const schedule = await deps.schedules.get(name);
  if (!schedule) throw new NotFoundError(`no schedule named "${name}" (see \`nashra schedule list\`)`);
  return schedule;
}

/**
 * Creates a schedule after checking its name, its cron or one-off time (also against what EventBridge
 * Scheduler can run, so a schedule tried locally deploys), its time zone (the network's when none is
 * given), its cadence and its topics (among the configured ones); then its trigger. A one-off time
 * must be a real local time still to come: a past one would be stored and never fire.
 */
export async function addSchedule(input: NewSchedule, deps: ScheduleDeps): Promise<Schedule> {
  const name = scheduleNameSchema.safeParse(input.name);
  if (!name.success)
    throw new ValidationError(`invalid schedule name "${input.name}": ${name.error.issues[0]?.message}`);
  const now = deps.clock.now();
  const schedule: Schedule = {
    name: name.data,
    ...readDefinition(input, deps, now),
    enabled: true,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  await deps.schedules.create(schedule);
  try {
    await follow(schedule, deps);
  } catch (error) {
    await deps.schedules.remove(schedule.name);
    throw error;
  }
  return schedule;
}

/**
 * When and for whom a schedule sends, checked as `addSchedule` checks it: a cron or a one-off time
 * (also against what EventBridge Scheduler can run), the time zone (the network's when none is
 * given), the cadence and the topics (among the configured ones).
 */
function readDefinition(input: Omit<NewSchedule, 'name'>, deps: ScheduleDeps, now: Date): ScheduleDefinition {
  if ((input.cron === undefined) === (input.at === undefined))
    throw new ValidationError('give either --cron or --at');
  const timeZone = input.timeZone ?? deps.timeZone;
  if (!timeZone) throw new ValidationError('give the time zone (--tz): the network has none configured');
  checkTimeZone(timeZone);
  const cadence = readField('--cadence', () => readCadence(input.cadence, digestCadenceSchema.options));
  const topics = readField('--topics', () => readTopics(input.topics, deps.topics));
  if (input.cron !== undefined) checkCron(input.cron, timeZone);
  const at = input.at === undefined ? undefined : oneOffTime(input.at, timeZone, now);
  eventBridgeExpression({ cron: input.cron, at });
  return {
    ...(input.cron !== undefined ? { cron: input.cron } : {}),
    ...(at !== undefined ? { at } : {}),
    timeZone,
    cadence,
    topics,
  };
}

/**
 * Changes when and for whom a schedule sends (its cron or one-off time, time zone, cadence and
 * topics), checked as a new schedule is, in one conditional write of those fields over the version
 * read (a ConflictError when someone changed it meanwhile: read it again). Its window, note, skip and
 * pause are left as they are; a skipped firing that the new timing no longer has is forgotten. Its
 * trigger follows; when the trigger cannot, the change is undone. A fired one-off cannot be changed:
 * add a new schedule.
 */
export async function editSchedule(
  name: string,
  input: Omit<NewSchedule, 'name'>,
  deps: ScheduleDeps,
): Promise<Schedule> {
  const schedule = await existing(name, deps);
  if (schedule.completedAt)
    throw new ValidationError(
      `schedule "${name}" was a one-off and fired at ${schedule.completedAt}: add a new one`,
    );
  const now = deps.clock.now();
  const definition = readDefinition(input, deps, now);
  const keepSkip =
    schedule.skipFiring !== undefined &&
    definition.cron !== undefined &&
    nextRun(
      { ...definition, enabled: true },
      new Date(Date.parse(schedule.skipFiring) - 1000),
    )?.toISOString() === schedule.skipFiring;
  const changed = await deps.schedules.replaceDefinition(
    name,
    { ...definition, ...(keepSkip ? { skipFiring: schedule.skipFiring } : {}) },
    schedule.updatedAt,
    now.toISOString(),
  );
  try {
    await follow(changed, deps);
  } catch (error) {
    await deps.schedules.update(schedule);
    throw error;
  }
  return changed;
}

/**
 * Skips the schedule's next firing without pausing it: that firing sends nothing and leaves the
 * window, so the digest after it covers both. Only a recurring, enabled schedule has a next firing
 * to skip (a one-off is paused or removed instead). Returns the instant of the skipped firing.
 */
export async function skipNextFiring(name: string, deps: ScheduleDeps): Promise<Schedule> {
  const schedule = await existing(name, deps);
  if (!schedule.cron)
    throw new ValidationError(`schedule "${name}" is a one-off: pause or remove it rather than skip it`);
  const next = nextRun(schedule, deps.clock.now());
  if (!next) throw new ValidationError(`schedule "${name}" is paused: it has no next firing to skip`);
  return deps.schedules.setSkip(name, next.toISOString(), deps.clock.now().toISOString());
}

/** Takes back a skip: the firing goes out as usual. */
export async function cancelSkip(name: string, deps: ScheduleDeps): Promise<Schedule> {
  await existing(name, deps);
  return deps.schedules.setSkip(name, undefined, deps.clock.now().toISOString());
}

/**
 * Sets (or, given no text, removes) the editor's note of the schedule's next issue, in Arabic,
 * English or both (core/editor-note `readEditorNote`). The digest that next goes out carries it at
 * its top and takes it off the schedule; a test send and a preview show it and leave it.
 */
export async function setEditorNote(
  name: string,
  text: { ar?: string; en?: string },
  deps: ScheduleDeps,
): Promise<Schedule> {
  const note = readEditorNote(text);
  await existing(name, deps);
  const now = deps.clock.now().toISOString();
  return deps.schedules.setNote(name, note ? { ...note, setAt: now } : undefined, now);
}

/** Runs a value reader, putting the option's name before its complaint. */
function readField<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ValidationError) throw new ValidationError(`${name}: ${error.message}`);
    throw error;
  }
}

/** A one-off time as the zone's wall clock, refused when it does not exist or has passed. */
function oneOffTime(at: string, timeZone: string, now: Date): string {
  const read = readLocalDateTime(at, { timeZone, name: '--at' });
  if (read.instant.getTime() <= now.getTime())
    throw new ValidationError(
      `--at ${at} is ${formatStaffTime(read.instant, timeZone)}, which has passed (it is now ${formatStaffTime(now, timeZone)}): a one-off fires once, at a time still to come`,
    );
  return read.local;
}

/** Every schedule with the next time it fires (null when paused, or a one-off done or past). */
export async function listSchedules(deps: { schedules: ScheduleRepo; clock: Clock }) {
  const now = deps.clock.now();
  return (await deps.schedules.list()).map((schedule) => ({
    ...schedule,
    nextRun: nextRun(schedule, now)?.toISOString() ?? null,
  }));
}

/**
 * Pauses or resumes a schedule (its trigger is disabled or enabled with it). A paused schedule's
 * window does not move: the first digest after `resume` covers the whole pause. A completed one-off
 * cannot be resumed: add a new one.
 */
export async function setScheduleEnabled(
  name: string,
  enabled: boolean,
  deps: ScheduleDeps,
): Promise<Schedule> {
  const schedule = await existing(name, deps);
  if (enabled && schedule.completedAt)
    throw new ValidationError(`schedule "${name}" was a one-off and fired at ${schedule.completedAt}`);
  const changed: Schedule = { ...schedule, enabled, updatedAt: deps.clock.now().toISOString() };
  await deps.schedules.update(changed);
  try {
    await follow(changed, deps);
  } catch (error) {
    await deps.schedules.update(schedule);
    throw error;
  }
  return changed;
}

/** Removes a schedule and its trigger. Its issues stay in the archive. */
export async function removeSchedule(name: string, deps: ScheduleDeps): Promise<void> {
  await existing(name, deps);
  if (deps.triggers) await deps.triggers.remove(name);
  await deps.schedules.remove(name);
}

/** Marks a one-off schedule as fired: disabled for good, its trigger gone. */
export async function completeOneOff(schedule: Schedule, deps: ScheduleDeps): Promise<Schedule> {
  const now = deps.clock.now().toISOString();
  const done: Schedule = { ...schedule, enabled: false, completedAt: now, updatedAt: now };
  await deps.schedules.update(done);
  await follow(done, deps);
  return done;
}

export interface SyncReport {
  created: string[];
  updated: string[];
  removed: string[];
  unchanged: string[];
}

/**
 * Brings the clock in step with the schedules table, the truth: creates missing triggers, replaces
 * ones that differ (expression, time zone, state, or target), deletes triggers no schedule wants.
 */
export async function syncTriggers(
  deps: Required<Pick<ScheduleDeps, 'triggers'>> & ScheduleDeps,
): Promise<SyncReport> {
  const now = deps.clock.now();
  const wanted = new Map<string, ScheduleTrigger>();
  for (const schedule of await deps.schedules.list()) {
    const trigger = triggerFor(schedule, now);
    if (trigger) wanted.set(trigger.name, trigger);
  }
  const report: SyncReport = { created: [], updated: [], removed: [], unchanged: [] };
  const held = await deps.triggers.list();
  for (const trigger of held) {
    const want = wanted.get(trigger.name);
    if (!want) {
      await deps.triggers.remove(trigger.name);
      report.removed.push(trigger.name);
    } else if (
      trigger.targetDrifted ||
      trigger.expression !== want.expression ||
      trigger.timeZone !== want.timeZone ||
      trigger.enabled !== want.enabled
    ) {
      await deps.triggers.put(want);
      report.updated.push(trigger.name);
    } else {
      report.unchanged.push(trigger.name);
    }
  }
  const present = new Set(held.map((trigger) => trigger.name));
  for (const want of wanted.values()) {
    if (present.has(want.name)) continue;
    await deps.triggers.put(want);
    report.created.push(want.name);
  }
  return report;
}
