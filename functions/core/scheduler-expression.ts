import { ValidationError } from './errors';
import type { Schedule } from './schedule';

/**
 * EventBridge Scheduler's form of a schedule. Its cron has six fields (minutes, hours, day of month,
 * month, day of week, year), numbers Sunday 1 to Saturday 7, takes no step in the day of week, and
 * wants `?` in one of the two day fields: a day of month AND a day of week (cron's "either") cannot
 * be said at all. Every schedule is checked against this when it is added, locally too, so a schedule
 * that runs under `nashra dev` also deploys.
 */

const nicknames: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const refuse = (expression: string, why: string): never => {
  throw new ValidationError(`cron expression "${expression}" cannot run on EventBridge Scheduler: ${why}`);
};

/** A cron day of week (0–7 or SUN–SAT) as 0 (Sunday) to 6. */
function dayOf(token: string, expression: string): number {
  const named = dayNames.indexOf(token.toUpperCase());
  if (named >= 0) return named;
  if (!/^\d$/.test(token) || Number(token) > 7) refuse(expression, `"${token}" is not a day of the week`);
  return Number(token) % 7;
}

/** EventBridge numbers the days Sunday 1 to Saturday 7. */
const eventBridgeDay = (day: number) => day + 1;

/** Consecutive days as ranges: [2,3,4,5,6] → "2-6". */
function compress(days: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && (days[j + 1] as number) === (days[j] as number) + 1) j++;
    const [from, to] = [days[i] as number, days[j] as number];
    parts.push(from === to ? String(from) : `${from}-${to}`);
    i = j + 1;
  }
  return parts.join(',');
}

function dayOfWeekField(field: string, expression: string): string {
  const items = field.split(',');
  const special = items.find((item) => /[#L]/i.test(item));
  if (special) {
    if (items.length > 1) refuse(expression, `"${special}" must be the only day of the week`);
    const match = /^(\w+?)(#[1-5]|L)$/i.exec(special);
    if (!match) return refuse(expression, `"${special}" is not a day of the week`);
    return `${eventBridgeDay(dayOf(match[1] as string, expression))}${(match[2] as string).toUpperCase()}`;
  }
  const days = new Set<number>();
  for (const item of items) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) refuse(expression, `"${item}" has a bad step`);
    const [from, to] =
      range === '*'
        ? [0, 6]
        : range.includes('-')
          ? range.split('-').map((token) => {
              const named = dayNames.indexOf(token.toUpperCase());
              return named >= 0 ? named : Number(token);
            })
          : [dayOf(range, expression), stepText === undefined ? dayOf(range, expression) : 6];
    if (
      from === undefined ||
      to === undefined ||
      Number.isNaN(from) ||
      Number.isNaN(to) ||
      from > to ||
      to > 7
    )
      return refuse(expression, `"${item}" is not a range of days`);
    for (let day = from; day <= to; day += step) days.add(day % 7);
  }
  return compress([...days].map(eventBridgeDay).sort((a, b) => a - b));
}

/** A step over every value (`*` then `/n`) from the field's first value: EventBridge documents steps so. */
const increments = (field: string, start: number) => field.replace(/^\*\//, `${start}/`);

/**
 * A nashra cron expression (five fields, or six with a seconds field of 0, or a nickname such as
 * `@daily`) as EventBridge Scheduler's `cron(…)`. Throws ValidationError, saying why, for what
 * EventBridge cannot express.
 */
export function eventBridgeCron(expression: string): string {
  const trimmed = expression.trim();
  const fields = (nicknames[trimmed.toLowerCase()] ?? trimmed).split(/\s+/);
  if (fields.length === 6) {
    if (fields[0] !== '0') refuse(expression, 'it fires on minutes, not seconds');
    fields.shift();
  }
  if (fields.length !== 5) return refuse(expression, 'give five fields: minute hour day month weekday');
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  const anyDay = (field: string) => field === '*' || field === '?';
  if (!anyDay(dayOfMonth) && !anyDay(dayOfWeek))
    refuse(expression, 'it cannot fire on a day of the month or a day of the week; make two schedules');
  const days = anyDay(dayOfWeek)
    ? [anyDay(dayOfMonth) ? '*' : increments(dayOfMonth, 1), '?']
    : ['?', dayOfWeekField(dayOfWeek, expression)];
  return `cron(${increments(minute, 0)} ${increments(hour, 0)} ${days[0]} ${increments(month, 1)} ${days[1]} *)`;
}

/** A one-off local date-time (`2026-12-01T08:00`) as `at(2026-12-01T08:00:00)`. */
export function eventBridgeAt(at: string): string {
  return `at(${at.length === 16 ? `${at}:00` : at})`;
}

/** The schedule expression EventBridge Scheduler runs a nashra schedule on (in its time zone). */
export function eventBridgeExpression(schedule: Pick<Schedule, 'cron' | 'at'>): string {
  if (schedule.cron !== undefined) return eventBridgeCron(schedule.cron);
  if (schedule.at !== undefined) return eventBridgeAt(schedule.at);
  throw new ValidationError('a schedule needs a cron expression or a one-off time');
}
