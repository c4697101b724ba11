import type { Command } from 'commander';
import { createDynamoClient, documentClient } from '../../adapters/dynamodb/client';
import { DynamoScheduleRepo } from '../../adapters/dynamodb/schedule-repo';
import { systemClock } from '../../core/ports';
import { digestCadenceSchema } from '../../core/schedule';
import { addSchedule, listSchedules } from '../../core/schedules';
import { CliError, printJson, withLocalStack } from '../context';

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
    .option('--at <local-time>', 'one-off local date-time, e.g. 2026-12-01T08:00')
    .option('--tz <zone>', 'IANA time zone', 'Asia/Baghdad')
    .requiredOption('--cadence <cadence>', 'daily | weekly: the readers it serves')
    .option('--topics <list>', 'comma-separated topic slugs (default: all)', list, [])
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        options: {
          cron?: string;
          at?: string;
          tz: string;
          cadence: string;
          topics: string[];
          json?: boolean;
        },
      ) => {
        const cadence = digestCadenceSchema.safeParse(options.cadence);
        if (!cadence.success)
          throw new CliError(`--cadence must be daily or weekly, not "${options.cadence}"`);
        await withLocalStack(async (stack) => {
          const schedules = new DynamoScheduleRepo(
            documentClient(createDynamoClient(stack.config)),
            stack.config.tables.schedules,
          );
          const created = await addSchedule(
            {
              name,
              cron: options.cron,
              at: options.at,
              timeZone: options.tz,
              cadence: cadence.data,
              topics: options.topics,
            },
            { schedules, clock: systemClock },
          );
          if (options.json) return printJson(created);
          console.log(
            `schedule "${created.name}" added: ${created.cron ?? created.at} (${created.timeZone}), ${created.cadence}`,
          );
        });
      },
    );

  schedule
    .command('list')
    .description('list schedules with their next run')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withLocalStack(async (stack) => {
        const schedules = new DynamoScheduleRepo(
          documentClient(createDynamoClient(stack.config)),
          stack.config.tables.schedules,
        );
        const all = await listSchedules({ schedules, clock: systemClock });
        if (options.json) return printJson(all.map((s) => ({ ...s, tz: s.timeZone })));
        if (all.length === 0)
          return console.log(
            'no schedules yet: add one with `nashra schedule add NAME --cron EXPR --cadence weekly`',
          );
        for (const s of all) {
          console.log(
            `${s.name.padEnd(20)} ${(s.cron ?? `at ${s.at}`).padEnd(18)} ${s.timeZone.padEnd(14)} ${s.cadence.padEnd(7)} ${s.enabled ? 'enabled' : 'paused '} next ${s.nextRun ?? '—'}${s.topics.length ? `  topics ${s.topics.join(',')}` : ''}`,
          );
        }
      });
    });
}
