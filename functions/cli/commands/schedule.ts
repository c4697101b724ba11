import type { Command } from 'commander';
import { nextRun } from '../../core/schedule';
import {
  addSchedule,
  listSchedules,
  removeSchedule,
  setScheduleEnabled,
  syncTriggers,
} from '../../core/schedules';
import type { ScheduledRunOutcome } from '../../core/send/run-schedule';
import { formatStaffTime } from '../../core/time';
import { createDigestRun } from '../../handlers/digest-run';
import { scheduleParts } from '../../runtime/scheduling';
import { sendingParts } from '../../runtime/sending';
import { CliError, printJson, withRuntime } from '../context';

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** `nashra schedule add|list`: the schedule records digests hang on. */
export function registerSchedule(program: Command): void {
  const schedule = program.command('schedule').description('digest schedules');

  schedule
    .command('add <name>')
    .description('add a digest schedule (a cron expression or a one-off local time, in its time zone)')
    .option('--cron <expr>', 'cron expression, e.g. "0 8 * * 5" for Fridays 08:00')
    .option('--at <local-time>', 'one-off local date-time, e.g. 2026-12-01T08:00, read in --tz')
    .option('--tz <zone>', "IANA time zone (default: the network's, NASHRA_TIME_ZONE)")
    .requiredOption('--cadence <cadence>', 'daily | weekly (any case): the readers it serves')
    .option('--topics <list>', 'comma-separated topic slugs of the topic map (default: all)', list, [])
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        options: {
          cron?: string;
          at?: string;
          tz?: string;
          cadence: string;
          topics: string[];
          json?: boolean;
        },
        command: Command,
      ) => {
        await withRuntime(command, async (runtime) => {
          const created = await addSchedule(
            {
              name,
              cron: options.cron,
              at: options.at,
              timeZone: options.tz,
              cadence: options.cadence,
              topics: options.topics,
            },
            scheduleParts(runtime),
          );
          if (options.json) return printJson(created);
          const next = nextRun(created, runtime.clock.now());
          console.log(
            `schedule "${created.name}" added: ${created.cron ?? `at ${created.at}`} (${created.timeZone}), ${created.cadence}${created.topics.length ? `, topics ${created.topics.join(',')}` : ''}; next ${next ? scheduleTime(next, created.timeZone, runtime.config.timeZone) : '—'}`,
          );
        });
      },
    );

  schedule
    .command('list')
    .description('list schedules with their next run')
    .option('--json', 'print JSON (ISO instants)')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const all = await listSchedules(scheduleParts(runtime));
        if (options.json) return printJson(all.map((s) => ({ ...s, tz: s.timeZone })));
        if (all.length === 0)
          return console.log(
            'no schedules yet: add one with `nashra schedule add NAME --cron EXPR --cadence weekly`',
          );
        for (const s of all) {
          const state = s.completedAt ? 'done   ' : s.enabled ? 'enabled' : 'paused ';
          console.log(
            `${s.name.padEnd(20)} ${(s.cron ?? `at ${s.at}`).padEnd(18)} ${s.timeZone.padEnd(14)} ${s.cadence.padEnd(7)} ${state} next ${s.nextRun ? scheduleTime(s.nextRun, s.timeZone, runtime.config.timeZone) : '—'}${s.topics.length ? `  topics ${s.topics.join(',')}` : ''}`,
          );
        }
      });
    });

  for (const [verb, enabled] of [
    ['pause', false],
    ['resume', true],
  ] as const) {
    schedule
      .command(`${verb} <name>`)
      .description(
        enabled
          ? 'resume a paused schedule: its next digest covers everything since its last one'
          : 'pause a schedule: it fires no digest until resumed',
      )
      .option('--json', 'print JSON')
      .action(async (name: string, options: { json?: boolean }, command: Command) => {
        await withRuntime(command, async (runtime) => {
          const changed = await setScheduleEnabled(name, enabled, scheduleParts(runtime));
          if (options.json) return printJson(changed);
          console.log(`schedule "${changed.name}" ${enabled ? 'resumed' : 'paused'}`);
        });
      });
  }

  schedule
    .command('remove <name>')
    .description('remove a schedule (its issues stay in the archive)')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        await removeSchedule(name, scheduleParts(runtime));
        if (options.json) return printJson({ removed: name });
        console.log(`schedule "${name}" removed`);
      });
    });

  schedule
    .command('run <name>')
    .description('fire a schedule now, as its clock would: the digest of its window up to now')
    .option('--json', 'print JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const services = sendingParts(runtime);
        const run = createDigestRun({ ...services, triggers: runtime.triggers });
        const outcome = await run({ scheduleName: name });
        await runtime.local?.triggers.idle();
        const issue = 'issue' in outcome ? await services.issues.get(outcome.issue.id) : undefined;
        if (options.json) {
          const { plan, ...rest } = outcome as ScheduledRunOutcome & { plan?: unknown };
          return printJson({
            ...rest,
            ...(issue ? { issue } : {}),
            ...('plan' in outcome
              ? { window: outcome.plan.window, articles: outcome.plan.articles.length }
              : {}),
          });
        }
        console.log(describeRun(name, outcome, issue?.status, runtime.config.timeZone));
      });
    });

  schedule
    .command('sync')
    .description('repair EventBridge Scheduler from the schedules table: create, fix or delete schedules')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        const deps = scheduleParts(runtime);
        if (!deps.triggers)
          throw new CliError(
            "schedule sync keeps a stage's EventBridge Scheduler in step with its schedules table: name the stage (--stage NAME). Locally `nashra dev` reads the table itself every 30 seconds: there is nothing to sync.",
          );
        const report = await syncTriggers({ ...deps, triggers: deps.triggers });
        if (options.json) return printJson(report);
        for (const [what, names] of Object.entries(report))
          if (names.length > 0) console.log(`${what.padEnd(9)} ${names.join(', ')}`);
      });
    });
}

/**
 * A schedule's time as staff read it: in the network's zone, and also in the schedule's own when that
 * differs (a cron is written in the schedule's zone, so staff check it there).
 */
function scheduleTime(instant: string | Date, scheduleZone: string, networkZone: string): string {
  const network = formatStaffTime(instant, networkZone);
  return scheduleZone === networkZone ? network : `${network} (${formatStaffTime(instant, scheduleZone)})`;
}

function describeRun(
  name: string,
  outcome: ScheduledRunOutcome,
  status: string | undefined,
  timeZone: string,
): string {
  const at = (instant: string) => formatStaffTime(instant, timeZone);
  switch (outcome.status) {
    case 'disabled':
      return `schedule "${name}" is paused: nothing sent (\`nashra schedule resume ${name}\` first)`;
    case 'completed':
      return `schedule "${name}" was a one-off and has fired: nothing sent`;
    case 'already-covered':
      return `the window up to ${at(outcome.plan.window.end)} was sent already: nothing sent`;
    case 'nothing-new':
      return `nothing new in ${at(outcome.plan.window.start)} → ${at(outcome.plan.window.end)}: nothing sent, the window moved on`;
    case 'dry-run':
      return `dry run: ${outcome.fanOut.recipients} readers`;
    default:
      return `issue ${outcome.issue.id}: ${status ?? outcome.issue.status} (${outcome.plan.articles.length} articles, ${outcome.issue.recipients} readers); see \`nashra issues show ${outcome.issue.id}\``;
  }
}
