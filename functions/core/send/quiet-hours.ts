import { Cron } from 'croner';
import { ValidationError } from '../errors';

/** Quiet hours: local clock times in a time zone, start inclusive, end exclusive; may span midnight. */
export interface QuietHours {
  /** Minutes after local midnight. */
  start: number;
  end: number;
  timeZone: string;
}

/**
 * Minutes between two sweeps for held alerts, on the clock's marks: quiet hours that end on one
 * (07:00) release their alerts that minute, others at most this late.
 */
export const ALERT_SWEEP_MINUTES = 5;

const clockTime = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * `HH:MM-HH:MM` (`23:00-07:00`: from eleven at night to seven in the morning) as quiet hours in the
 * time zone, or undefined for `off`. Throws ValidationError for anything else.
 */
export function parseQuietHours(value: string, timeZone: string): QuietHours | undefined {
  if (value.trim().toLowerCase() === 'off') return undefined;
  const [startText = '', endText = '', ...rest] = value.trim().split('-');
  const start = clockTime.exec(startText);
  const end = clockTime.exec(endText);
  if (rest.length > 0 || !start || !end || startText === endText)
    throw new ValidationError(`quiet hours "${value}": give two different times such as 23:00-07:00, or off`);
  const minutes = (match: RegExpExecArray) => Number(match[1]) * 60 + Number(match[2]);
  return { start: minutes(start), end: minutes(end), timeZone };
}

/** Minutes after local midnight of an instant in a time zone. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return part('hour') * 60 + part('minute');
}

/**
 * When the quiet hours that `at` falls in end (the next local end time, daylight saving included),
 * or undefined when `at` is outside them.
 */
export function quietUntil(at: Date, quiet: QuietHours | undefined): Date | undefined {
  if (!quiet) return undefined;
  const minutes = localMinutes(at, quiet.timeZone);
  const inside =
    quiet.start < quiet.end
      ? minutes >= quiet.start && minutes < quiet.end
      : minutes >= quiet.start || minutes < quiet.end;
  if (!inside) return undefined;
  const job = new Cron(`${quiet.end % 60} ${Math.floor(quiet.end / 60)} * * *`, {
    timezone: quiet.timeZone,
    paused: true,
  });
  const end = job.nextRun(at);
  job.stop();
  return end ?? undefined;
}
