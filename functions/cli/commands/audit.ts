import type { Command } from 'commander';
import { consoleTime } from '../../../templates/console/time';
import { type AuditRecord, actorLabel } from '../../core/staff/audit';
import { CliError, printJson, withRuntime } from '../context';

/** The offset (ms) of a time zone's wall clock from UTC at an instant. */
function offsetAt(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
      .formatToParts(instant)
      .map((part) => [part.type, Number(part.value)]),
  ) as Record<string, number>;
  const wall = Date.UTC(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day,
    parts.hour,
    parts.minute,
    parts.second,
  );
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/** A wall-clock time in a time zone, as an instant (daylight saving included). */
function instantOf(fields: number[], timeZone: string): Date {
  const [year = 0, month = 1, day = 1, hour = 0, minute = 0] = fields;
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const first = guess - offsetAt(new Date(guess), timeZone);
  return new Date(guess - offsetAt(new Date(first), timeZone));
}

/**
 * `--since` as staff write it: `7d` or `12h` ago, a date (its first minute in the network's time
 * zone), a local date-time (`2026-11-30T09:00`, in that zone), or an instant with `Z` or an offset.
 * (A reader of its own until functions/core/time.ts's `readTime` is in this tree.)
 */
export function readSince(text: string, timeZone: string, now: Date): Date {
  const ago = /^(\d{1,4})([dh])$/.exec(text.trim());
  if (ago) return new Date(now.getTime() - Number(ago[1]) * (ago[2] === 'd' ? 86_400_000 : 3_600_000));
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text.trim());
  if (local)
    return instantOf(
      local.slice(1).map((part) => Number(part ?? 0)),
      timeZone,
    );
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(text.trim())) {
    const instant = new Date(text.trim());
    if (!Number.isNaN(instant.getTime())) return instant;
  }
  throw new CliError(
    `--since "${text}" is not a time: give 7d or 12h (ago), a date (2026-11-30), a local time (2026-11-30T09:00, ${timeZone}) or an instant (2026-11-30T06:00Z)`,
  );
}

const describe = (record: AuditRecord, timeZone: string) =>
  [
    consoleTime(record.at, 'en', timeZone),
    actorLabel(record.actor),
    record.action,
    record.target ? `${record.target.kind} ${record.target.id}` : '-',
    Object.entries(record.detail ?? {})
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(' ') || '-',
  ].join('\t');

/** `nashra audit list`: the staff's actions, newest first, as the console's audit log shows them. */
export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the audit log of staff actions');
  audit
    .command('list')
    .description('staff actions, newest first: when, who, what, on what (readers by id)')
    .option('--since <when>', 'only actions since then: 7d, 12h, a date, a local time or an instant')
    .option('--limit <count>', 'at most this many')
    .option('--json', 'print JSON (instants in UTC)')
    .action(async (options: { since?: string; limit?: string; json?: boolean }, command: Command) => {
      const limit = options.limit === undefined ? undefined : Number(options.limit);
      if (limit !== undefined && !(Number.isInteger(limit) && limit > 0))
        throw new CliError(`--limit must be a whole number above 0, not "${options.limit}"`);
      await withRuntime(command, async (runtime) => {
        const timeZone = runtime.config.timeZone;
        const since = options.since ? readSince(options.since, timeZone, runtime.clock.now()) : undefined;
        const { records } = await runtime.repos.audit.list({ since: since?.toISOString(), limit });
        if (options.json) return printJson(records);
        if (records.length === 0) return console.log('no staff actions recorded in that time');
        console.log(['when', 'who', 'action', 'on', 'details'].join('\t'));
        for (const record of records) console.log(describe(record, timeZone));
      });
    });
}
