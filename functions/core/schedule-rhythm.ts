import { ValidationError } from './errors';
import type { Schedule } from './schedule';

/** A weekday as cron counts it: 0 is Sunday, 6 is Saturday. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/**
 * When a schedule fires, as staff say it rather than as cron writes it: every day at a time, on some
 * days of the week at a time, on a day of the month at a time, or once at a local date-time. Times
 * are wall-clock `HH:MM` in the schedule's time zone.
 */
export type Rhythm =
  | { every: 'day'; time: string }
  | { every: 'week'; days: Weekday[]; time: string }
  | { every: 'month'; day: number; time: string }
  | { once: string };

const clockTime = /^([01]\d|2[0-3]):([0-5]\d)$/;
const localDateTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/;

/** The cron expression (five fields) of a recurring rhythm; a one-off has none. */
export function cronOfRhythm(rhythm: Exclude<Rhythm, { once: string }>): string {
  const [hour, minute] = rhythm.time.split(':').map(Number) as [number, number];
  const at = `${minute} ${hour}`;
  if (rhythm.every === 'day') return `${at} * * *`;
  if (rhythm.every === 'month') return `${at} ${rhythm.day} * *`;
  return `${at} * * ${[...rhythm.days].sort((a, b) => a - b).join(',')}`;
}

/** A rhythm as a schedule stores it: a cron expression, or a one-off local date-time. */
export function definitionOfRhythm(rhythm: Rhythm): { cron: string } | { at: string } {
  return 'once' in rhythm ? { at: rhythm.once } : { cron: cronOfRhythm(rhythm) };
}

const dayNames: Record<string, Weekday> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** One cron day-of-week item (`4`, `7`, `THU`) → its weekday, or undefined. */
function weekdayOf(item: string): Weekday | undefined {
  if (/^[0-7]$/.test(item)) return (Number(item) % 7) as Weekday;
  return dayNames[item.toLowerCase()];
}

/** A cron day-of-week field of single days, lists and ranges (`1-5`, `MON,THU`) → the days, or undefined. */
function weekdaysOf(field: string): Weekday[] | undefined {
  const days = new Set<Weekday>();
  for (const item of field.split(',')) {
    const range = item.split('-');
    if (range.length > 2) return undefined;
    const from = weekdayOf(range[0] ?? '');
    const to = range.length === 2 ? weekdayOf(range[1] ?? '') : from;
    if (from === undefined || to === undefined || (range.length === 2 && to < from)) return undefined;
    for (let day = from; day <= to; day++) days.add(day as Weekday);
  }
  return [...days].sort((a, b) => a - b);
}

const twoDigits = (value: number) => String(value).padStart(2, '0');

/**
 * The rhythm of a schedule, for the words staff read and the form they edit it in; undefined for a
 * cron the words cannot say (steps, several hours, a month field, `L`, `@daily`…), which is shown as
 * cron.
 */
export function rhythmOf(schedule: Pick<Schedule, 'cron' | 'at'>): Rhythm | undefined {
  if (schedule.at !== undefined) return { once: schedule.at };
  const fields = schedule.cron?.trim().split(/\s+/) ?? [];
  if (fields.length !== 5) return undefined;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  if (!/^\d{1,2}$/.test(minute) || !/^\d{1,2}$/.test(hour) || month !== '*') return undefined;
  const time = `${twoDigits(Number(hour))}:${twoDigits(Number(minute))}`;
  if (!clockTime.test(time)) return undefined;
  if (dayOfMonth === '*' && dayOfWeek === '*') return { every: 'day', time };
  if (dayOfMonth === '*') {
    const days = weekdaysOf(dayOfWeek);
    if (!days) return undefined;
    return days.length === 7 ? { every: 'day', time } : { every: 'week', days, time };
  }
  if (dayOfWeek === '*' && /^\d{1,2}$/.test(dayOfMonth)) {
    const day = Number(dayOfMonth);
    return day >= 1 && day <= 31 ? { every: 'month', day, time } : undefined;
  }
  return undefined;
}

/** What a schedule form sends about when it fires (every field as typed; unused ones ignored). */
export interface RhythmFields {
  /** `day`, `week`, `month` or `once`. */
  every?: string;
  /** Weekdays for `week`: `0`–`6` (Sunday is 0), one or many. */
  days?: string | string[];
  /** The day of the month for `month`: 1–31. */
  day?: string;
  /** `HH:MM` for the recurring rhythms. */
  time?: string;
  /** A local date-time (`2026-12-31T18:00`) for `once`. */
  at?: string;
}

/**
 * A rhythm from a form's fields. A ValidationError says in words what is missing or wrong: no day
 * chosen for a weekly schedule, a time that is not `HH:MM`, a day of the month outside 1–31. A
 * one-off's date-time is checked for shape here; whether it exists and is still to come is the
 * schedule use case's to say (it knows the zone and the clock).
 */
export function readRhythm(fields: RhythmFields): Rhythm {
  const every = (fields.every ?? '').trim();
  if (every === 'once') {
    const at = (fields.at ?? '').trim();
    if (!localDateTime.test(at))
      throw new ValidationError(`give the date and time it is sent, as 2026-12-31T18:00, not "${at}"`);
    return { once: at };
  }
  const time = (fields.time ?? '').trim();
  if (!clockTime.test(time))
    throw new ValidationError(`give the time of day it is sent, as 09:00 (00:00 to 23:59), not "${time}"`);
  if (every === 'day') return { every: 'day', time };
  if (every === 'week') {
    const given = [fields.days ?? []].flat();
    const days = [...new Set(given.map((day) => weekdayOf(day.trim())))];
    if (days.length === 0) throw new ValidationError('choose at least one day of the week');
    if (days.some((day) => day === undefined))
      throw new ValidationError('days of the week are 0 (Sunday) to 6 (Saturday)');
    const sorted = (days as Weekday[]).sort((a, b) => a - b);
    return sorted.length === 7 ? { every: 'day', time } : { every: 'week', days: sorted, time };
  }
  if (every === 'month') {
    const day = Number((fields.day ?? '').trim());
    if (!Number.isInteger(day) || day < 1 || day > 31)
      throw new ValidationError('give the day of the month it is sent, 1 to 31');
    return { every: 'month', day, time };
  }
  throw new ValidationError('choose how often it is sent: every day, every week, every month, or once');
}
