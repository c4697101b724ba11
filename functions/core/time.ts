import { ValidationError } from './errors';

/**
 * Dates and times as staff give and read them. Every option that names a point in time takes one of
 * three forms:
 *
 * - a calendar date, `2014-01-31`: a whole day in the time zone;
 * - a local date-time, `2026-12-03T09:00` (or with a space, or with seconds): a wall-clock time in the
 *   time zone;
 * - an instant with an offset or `Z`, `2026-12-03T06:00Z`, `2026-12-03T09:00+03:00`: exactly that
 *   instant, whatever the time zone.
 *
 * The time zone is the schedule's, or the network's (`NASHRA_TIME_ZONE`): never a zone written in the
 * code. The zone arithmetic is the runtime's own IANA database through `Intl`, so daylight saving is
 * the operating system's, not a table of ours.
 */

/** Which of the three forms a text was. */
export type TimeForm = 'date' | 'local' | 'instant';

export interface ReadTimeOptions {
  /** The IANA time zone a date or local time is read in. */
  timeZone: string;
  /**
   * What a bare calendar date stands for. `start` (the default): the day's first instant, as a window's
   * start (`--since 2014-01-01` includes the 1st). `end`: the first instant of the next day, as a
   * window's exclusive end, so `--until 2014-01-31` includes the whole of the 31st.
   */
  dateMeans?: 'start' | 'end';
  /** How messages name the value (`--until`); default `the time`. */
  name?: string;
}

export interface ReadTime {
  instant: Date;
  form: TimeForm;
  /** Said when a local time occurs twice (the hour the clocks go back): which one was taken. */
  note?: string;
}

/** Wall-clock fields: month 1–12, as written. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTime =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** True when the runtime knows this IANA time zone. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Refuses a time zone the runtime does not know, in words. */
export function checkTimeZone(timeZone: string): void {
  if (!isTimeZone(timeZone))
    throw new ValidationError(`unknown time zone "${timeZone}": give an IANA name such as Europe/London`);
}

/**
 * Reads a date option (any of the three forms) as an instant. An impossible date or time
 * (`2026-02-30`, `2026-13-01`, `24:00`) is refused in words; so is a local time that does not exist
 * in the zone (skipped when the clocks go forward), naming the gap. A local time that occurs twice
 * (when the clocks go back) is the first of the two, and `note` says so.
 */
export function readTime(text: string, options: ReadTimeOptions): ReadTime {
  const name = options.name ?? 'the time';
  const value = text.trim();
  checkTimeZone(options.timeZone);
  const date = dateOnly.exec(value);
  if (date) {
    const fields = checkFields(value, name, {
      year: Number(date[1]),
      month: Number(date[2]),
      day: Number(date[3]),
      hour: 0,
      minute: 0,
      second: 0,
    });
    const day = options.dateMeans === 'end' ? nextDay(fields) : fields;
    return { instant: startOfDay(day, options.timeZone), form: 'date' };
  }
  const match = dateTime.exec(value);
  if (!match) {
    throw new ValidationError(
      `${name} "${value}" is not a date or time: give a date (2014-01-31), a local time (2026-12-03T09:00) or an instant with an offset (2026-12-03T06:00Z)`,
    );
  }
  const fields = checkFields(value, name, {
    year: Number(match[1]),
    month: Number(match[2]),
    day: Number(match[3]),
    hour: Number(match[4]),
    minute: Number(match[5]),
    second: Number(match[6] ?? 0),
  });
  const fraction = Number(`0.${match[7] ?? '0'}`) * 1000;
  const offset = match[8];
  if (offset !== undefined) {
    const offsetMinutes = readOffset(offset, value, name);
    const wall = Date.UTC(
      fields.year,
      fields.month - 1,
      fields.day,
      fields.hour,
      fields.minute,
      fields.second,
    );
    return { instant: new Date(wall + fraction - offsetMinutes * 60_000), form: 'instant' };
  }
  const resolved = resolveLocal(fields, options.timeZone);
  if (resolved.length === 0) throw new ValidationError(gapMessage(value, name, fields, options.timeZone));
  const [first, second] = resolved as [Date, Date | undefined];
  const instant = new Date(first.getTime() + fraction);
  if (!second) return { instant, form: 'local' };
  return {
    instant,
    form: 'local',
    note: `${value} happens twice in ${options.timeZone} (the clocks go back): taken as the first, ${formatOffset(offsetAt(first, options.timeZone))}`,
  };
}

/**
 * Reads a one-off schedule time: a local date-time (or an instant with an offset, turned into the
 * zone's wall clock), never a bare date. Returns the canonical local form (`2026-12-31T18:00`, seconds
 * kept when given) and the instant it stands for.
 */
export function readLocalDateTime(
  text: string,
  options: Pick<ReadTimeOptions, 'timeZone' | 'name'>,
): { local: string; instant: Date; note?: string } {
  const name = options.name ?? 'the time';
  if (dateOnly.test(text.trim()))
    throw new ValidationError(
      `${name} "${text.trim()}" is a date without a time of day: give one, as in ${text.trim()}T09:00`,
    );
  const read = readTime(text, options);
  const wall = localFields(read.instant, options.timeZone);
  const seconds = wall.second !== 0;
  const local = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}${seconds ? `:${pad(wall.second)}` : ''}`;
  return { local, instant: read.instant, ...(read.note ? { note: read.note } : {}) };
}

export interface WindowOptions {
  since?: string;
  until?: string;
}

/**
 * Reads a window's `--since` and `--until` (either may be absent): a date in `--since` is the start of
 * that day, a date in `--until` the end of it (the window is [since, until), so "until 31 January"
 * includes the 31st). A window whose end is not after its start is refused in words. Returns ISO
 * instants.
 */
export function readWindow(
  options: WindowOptions,
  zone: { timeZone: string },
): { since?: string; until?: string } {
  const since =
    options.since === undefined
      ? undefined
      : readTime(options.since, { timeZone: zone.timeZone, dateMeans: 'start', name: '--since' }).instant;
  const until =
    options.until === undefined
      ? undefined
      : readTime(options.until, { timeZone: zone.timeZone, dateMeans: 'end', name: '--until' }).instant;
  if (since && until) checkWindow({ start: since.toISOString(), end: until.toISOString() }, zone.timeZone);
  return {
    ...(since ? { since: since.toISOString() } : {}),
    ...(until ? { until: until.toISOString() } : {}),
  };
}

/** Refuses a window [start, end) whose end is not after its start, naming both as staff read them. */
export function checkWindow(window: { start: string; end: string }, timeZone: string): void {
  if (Date.parse(window.end) > Date.parse(window.start)) return;
  throw new ValidationError(
    `the window ends at ${formatStaffTime(window.end, timeZone)}, ${window.end === window.start ? 'when' : 'before'} it starts (${formatStaffTime(window.start, timeZone)}): its end must come after its start`,
  );
}

/**
 * An instant as staff read it: `2026-12-03 09:00 Baghdad`, the wall clock in the zone and the zone's
 * city. When that wall-clock minute happens twice (the hour the clocks go back) the offset is added,
 * `2026-10-25 01:30 London (+01:00)`, so the two can be told apart. Machine output (`--json`) keeps ISO
 * instants instead.
 */
export function formatStaffTime(instant: string | Date, timeZone: string): string {
  const at = new Date(instant);
  const wall = localFields(at, timeZone);
  const text = `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)} ${pad(wall.hour)}:${pad(wall.minute)} ${zoneCity(timeZone)}`;
  const twice = resolveLocal({ ...wall, second: 0 }, timeZone).length > 1;
  return twice ? `${text} (${formatOffset(offsetAt(at, timeZone))})` : text;
}

/**
 * The name staff know a zone by: its city, from the IANA id (`Asia/Baghdad` → Baghdad,
 * `America/Argentina/Buenos_Aires` → Buenos Aires); `UTC` for UTC; the offset for the fixed `Etc/GMT±N`
 * zones (whose sign POSIX inverts: `Etc/GMT-3` is UTC+3).
 */
export function zoneCity(timeZone: string): string {
  if (/^(Etc\/)?(UTC|UCT|GMT|Zulu|Universal|Greenwich)$/i.test(timeZone)) return 'UTC';
  const fixed = /^Etc\/GMT([+-])(\d{1,2})$/.exec(timeZone);
  if (fixed) return `UTC${fixed[1] === '+' ? '-' : '+'}${fixed[2]}`;
  return (timeZone.split('/').at(-1) ?? timeZone).replace(/_/g, ' ');
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Refuses fields no calendar or clock has, saying which part is wrong. */
function checkFields(value: string, name: string, fields: LocalDateTime): LocalDateTime {
  const refuse = (why: string) =>
    new ValidationError(`${name} "${value}" is not a real date or time: ${why}`);
  if (fields.month < 1 || fields.month > 12) throw refuse(`there is no month ${fields.month}`);
  const days = daysInMonth(fields.year, fields.month);
  if (fields.day < 1 || fields.day > days)
    throw refuse(`${monthNames[fields.month - 1]} ${fields.year} has ${days} days`);
  if (fields.hour > 23)
    throw refuse(
      fields.hour === 24 && fields.minute === 0
        ? 'hours run from 00 to 23 (write the next day at 00:00 for midnight at the end of a day)'
        : 'hours run from 00 to 23',
    );
  if (fields.minute > 59) throw refuse('minutes run from 00 to 59');
  if (fields.second > 59) throw refuse('seconds run from 00 to 59');
  return fields;
}

function readOffset(offset: string, value: string, name: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset);
  const hours = Number(match?.[2]);
  const minutes = Number(match?.[3] ?? 0);
  if (!match || hours > 14 || minutes > 59)
    throw new ValidationError(`${name} "${value}" has an offset that is not one: ${offset}`);
  return (match[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function nextDay(fields: LocalDateTime): LocalDateTime {
  const next = new Date(Date.UTC(fields.year, fields.month - 1, fields.day + 1));
  return {
    ...fields,
    year: next.getUTCFullYear(),
    month: next.getUTCMonth() + 1,
    day: next.getUTCDate(),
  };
}

const fieldFormats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock fields of an instant in a zone. */
function localFields(at: Date, timeZone: string): LocalDateTime {
  let format = fieldFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    fieldFormats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(at).map((part) => [part.type, part.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

const asUtc = (fields: LocalDateTime) =>
  Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);

/** The zone's offset from UTC at an instant, in minutes (east positive). */
function offsetAt(at: Date, timeZone: string): number {
  const whole = new Date(Math.floor(at.getTime() / 1000) * 1000);
  return (asUtc(localFields(whole, timeZone)) - whole.getTime()) / 60_000;
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}

/**
 * The instants at which the zone's clock shows these fields, earliest first: one, none (in a gap,
 * when the clocks go forward) or two (in an overlap, when they go back). The offsets a day either side
 * cover every real transition, which are hours apart at most.
 */
function resolveLocal(fields: LocalDateTime, timeZone: string): Date[] {
  const wall = asUtc(fields);
  const day = 24 * 60 * 60 * 1000;
  const offsets = new Set([wall - day, wall, wall + day].map((probe) => offsetAt(new Date(probe), timeZone)));
  const found = [...offsets]
    .map((offset) => wall - offset * 60_000)
    .filter((instant) => asUtc(localFields(new Date(instant), timeZone)) === wall)
    .sort((a, b) => a - b);
  return [...new Set(found)].map((instant) => new Date(instant));
}

/** The first instant of a calendar day in a zone (not always 00:00: some zones skip midnight). */
function startOfDay(fields: LocalDateTime, timeZone: string): Date {
  const midnight = { ...fields, hour: 0, minute: 0, second: 0 };
  const exact = resolveLocal(midnight, timeZone)[0];
  if (exact) return exact;
  // Midnight fell in a gap (clocks jumping forward at 00:00): the day starts where the gap ends.
  const before = offsetAt(new Date(asUtc(midnight) - 24 * 60 * 60 * 1000), timeZone);
  return new Date(asUtc(midnight) - before * 60_000);
}

function gapMessage(value: string, name: string, fields: LocalDateTime, timeZone: string): string {
  const wall = asUtc(fields);
  const day = 24 * 60 * 60 * 1000;
  const before = offsetAt(new Date(wall - day), timeZone);
  const after = offsetAt(new Date(wall + day), timeZone);
  // The transition: the first second at which the zone's offset is the later one.
  let low = wall - day;
  let high = wall + day;
  while (high - low > 1000) {
    const middle = Math.floor((low + high) / 2000) * 1000;
    if (offsetAt(new Date(middle), timeZone) === before) low = middle;
    else high = middle;
  }
  const clock = (instant: number) => {
    const at = new Date(instant);
    return `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
  };
  return `${name} "${value}" does not exist in ${timeZone}: that night the clocks go forward from ${clock(high + before * 60_000)} to ${clock(high + after * 60_000)}; give a time outside the gap, or an offset`;
}
