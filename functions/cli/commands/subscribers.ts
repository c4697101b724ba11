import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { type Subscriber, subscriberStatusSchema } from '../../core/subscriber';
import { type CsvSeparator, readSeparator } from '../../core/subscribers/csv';
import { parseInput, readReaderChanges, subscribeRequestSchema } from '../../core/subscribers/input';
import {
  addReader,
  allReaders,
  eraseReader,
  exportColumns,
  type ImportReport,
  importReaders,
  personalData,
  readerCsvLine,
  revokeLinks,
  setReader,
  unsubscribeReader,
} from '../../core/subscribers/staff';
import { formatStaffTime } from '../../core/time';
import { type ReaderParts, readerParts } from '../../runtime/readers';
import { CliError, confirm, printJson, withRuntime } from '../context';

const maxImportBytes = 50 * 1024 * 1024;

/** Runs a subscriber command on its runtime's reader parts, with the network's time zone. */
function withSubscribers<T>(
  command: Command,
  run: (services: ReaderParts, timeZone: string) => Promise<T>,
): Promise<T> {
  return withRuntime(command, (runtime) => run(readerParts(runtime), runtime.config.timeZone));
}

const separatorNames: Record<CsvSeparator, string> = { ',': 'comma', ';': 'semicolon', '\t': 'tab' };

function describe(subscriber: Subscriber, timeZone: string): string {
  const at = (instant: string) => formatStaffTime(instant, timeZone);
  return [
    `email         ${subscriber.email}`,
    `status        ${subscriber.status}`,
    `id            ${subscriber.id}`,
    `languages     ${subscriber.languages.join(', ')}`,
    `cadence       ${subscriber.cadence}${subscriber.paused ? ' (paused)' : ''}`,
    `topics        ${subscriber.topics.join(', ') || 'all'}`,
    `urgent alerts ${subscriber.urgentAlerts ? 'yes' : 'no'}`,
    `consent       ${subscriber.consent ? `${subscriber.consent.method} at ${at(subscriber.consent.at)}${subscriber.consent.source ? ` (${subscriber.consent.source})` : ''}` : 'none yet (not confirmed)'}`,
    `created       ${at(subscriber.createdAt)}`,
    `confirmed     ${subscriber.confirmedAt ? at(subscriber.confirmedAt) : '-'}`,
    ...(subscriber.unsubscribed
      ? [`unsubscribed  by staff at ${at(subscriber.unsubscribed.at)}: ${subscriber.unsubscribed.reason}`]
      : []),
  ].join('\n');
}

/** The import report for people: what was (or would be) done, each row left alone, then each rejection. */
function printImportReport(report: ImportReport): void {
  const columns = Object.entries(report.columns)
    .map(([column, header]) => (header === column ? column : `${column} "${header}"`))
    .join(', ');
  const read = `read as ${separatorNames[report.separator]}-separated; columns ${columns}`;
  if (report.dryRun)
    process.stdout.write(
      `dry run, nothing written or mailed: would create ${report.created} (${report.confirmationsSent} confirmations would be mailed), leave ${report.unchanged.length} unchanged, reject ${report.rejected.length}\n${read}\n`,
    );
  else
    process.stdout.write(
      `created ${report.created} (${report.confirmationsSent} confirmations mailed), unchanged ${report.unchanged.length}, rejected ${report.rejected.length}\n${read}\n`,
    );
  for (const row of report.unchanged) process.stdout.write(`line ${row.line}, unchanged: ${row.reason}\n`);
}

/**
 * `nashra subscribers add|import|export|list|show|set|unsubscribe|remove|export-personal`: the staff
 * side of the subscriber list. Addresses appear on the staff's own terminal only, never in logs.
 */
export function registerSubscribers(program: Command): void {
  const subscribers = program
    .command('subscribers')
    .description('add, import, export, list, show, change, unsubscribe and erase readers');

  subscribers
    .command('add <email>')
    .description('add one reader: pending with a confirmation mail, or active with --confirmed')
    .requiredOption('--lang <languages>', 'languages in the reader’s order: ar, en, ar,en or en,ar')
    .option('--cadence <cadence>', 'instant, daily or weekly', 'weekly')
    .option('--topics <topics>', 'comma-separated topic slugs of the topic map (none: every topic)')
    .option('--urgent-alerts <yes|no>', 'urgent articles at once for a daily or weekly reader (default: yes)')
    .option('--confirmed', 'staff hold the reader’s consent: active at once, no confirmation mail')
    .option('--source <text>', 'where the consent came from (kept with the reader)')
    .option('--json', 'print the reader as JSON')
    .action(
      async (
        email: string,
        options: {
          lang: string;
          cadence: string;
          topics?: string;
          urgentAlerts?: string;
          confirmed?: boolean;
          source?: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        await withSubscribers(command, async (services) => {
          const request = parseInput(
            subscribeRequestSchema,
            {
              email,
              languages: options.lang,
              cadence: options.cadence,
              topics: options.topics ?? '',
              urgentAlerts: options.urgentAlerts,
            },
            services.topics,
          );
          const { subscriber, created, mailed } = await addReader(
            {
              ...request,
              confirmed: options.confirmed === true,
              source: options.source?.trim() || 'nashra subscribers add',
              method: 'staff',
            },
            services,
          );
          if (!created)
            throw new CliError(
              `this address is already held by a ${subscriber.status} reader; nothing changed`,
            );
          if (options.json) printJson(subscriber);
          else
            process.stdout.write(
              `added a ${subscriber.status} reader (${subscriber.id})${mailed ? '; confirmation mailed' : ''}\n`,
            );
        });
      },
    );

  subscribers
    .command('import <file>')
    .description(
      'import readers from a spreadsheet’s CSV: a header row (English or Arabic names), then one reader a row',
    )
    .option('--separator <name>', 'comma, semicolon or tab (default: found from the header row)')
    .option('--dry-run', 'say what the import would do; write and mail nothing')
    .option('--confirmed', 'staff hold these readers’ consent: active at once, no confirmation mails')
    .option('--source <text>', 'where the consent came from (required with --confirmed)')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        file: string,
        options: {
          separator?: string;
          dryRun?: boolean;
          confirmed?: boolean;
          source?: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        const separator = options.separator === undefined ? undefined : readSeparator(options.separator);
        const size = await stat(file).then(
          (info) => info.size,
          () => {
            throw new CliError(`cannot read ${file}`);
          },
        );
        if (size > maxImportBytes) throw new CliError(`${file} is over ${maxImportBytes / 1024 / 1024} MB`);
        const csv = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(file));
        const report = await withSubscribers(command, (services) =>
          importReaders(
            csv,
            {
              confirmed: options.confirmed === true,
              source: options.source,
              ...(separator ? { separator } : {}),
              dryRun: options.dryRun === true,
            },
            services,
          ),
        );
        if (options.json) printJson(report);
        else printImportReport(report);
        for (const row of report.rejected) process.stderr.write(`line ${row.line}, ${row.reason}\n`);
        if (report.rejected.length > 0)
          throw new CliError(
            `${report.rejected.length} ${report.rejected.length === 1 ? 'row' : 'rows'} ${report.dryRun ? 'would be ' : ''}rejected`,
          );
      },
    );

  subscribers
    .command('export')
    .description('every reader, as JSON (default) or CSV')
    .option('--csv', 'CSV whose first four columns import back')
    .action(async (options: { csv?: boolean }, command: Command) => {
      await withSubscribers(command, async (services) => {
        if (options.csv) {
          process.stdout.write(`${exportColumns.join(',')}\r\n`);
          for await (const reader of allReaders(services.subscribers))
            process.stdout.write(readerCsvLine(reader));
          return;
        }
        let first = true;
        process.stdout.write('[');
        for await (const reader of allReaders(services.subscribers)) {
          process.stdout.write(`${first ? '\n' : ',\n'}${JSON.stringify(reader)}`);
          first = false;
        }
        process.stdout.write(first ? ']\n' : '\n]\n');
      });
    });

  subscribers
    .command('list')
    .description('list readers, optionally of one status')
    .option('--status <status>', 'pending, active, unsubscribed, bounced or complained')
    .option('--json', 'print JSON')
    .action(async (options: { status?: string; json?: boolean }, command: Command) => {
      const status =
        options.status === undefined ? undefined : subscriberStatusSchema.safeParse(options.status);
      if (status && !status.success)
        throw new CliError(`--status must be one of ${subscriberStatusSchema.options.join(', ')}`);
      await withSubscribers(command, async (services) => {
        const listed: Subscriber[] = [];
        for await (const reader of allReaders(services.subscribers))
          if (!status || reader.status === status.data) listed.push(reader);
        listed.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.email.localeCompare(b.email));
        if (options.json) return printJson(listed);
        for (const reader of listed)
          process.stdout.write(
            `${reader.email}\t${reader.status}\t${reader.languages.join(',')}\t${reader.cadence}\t${reader.topics.join(' ') || 'all'}\n`,
          );
      });
    });

  subscribers
    .command('show <email>')
    .description('one reader, with their status')
    .option('--json', 'print JSON')
    .action(async (email: string, options: { json?: boolean }, command: Command) => {
      await withSubscribers(command, async (services, timeZone) => {
        const reader = await services.subscribers.findByEmail(email);
        if (!reader) throw new CliError('no reader holds this address');
        if (options.json) printJson(reader);
        else process.stdout.write(`${describe(reader, timeZone)}\n`);
      });
    });

  subscribers
    .command('set <email>')
    .description('change a reader’s preferences for them (they asked by phone or in person)')
    .option('--lang <languages>', 'languages in the reader’s order: ar, en, ar,en or en,ar')
    .option('--cadence <cadence>', 'instant, daily or weekly')
    .option('--topics <topics>', 'comma-separated topic slugs of the topic map; "" for every topic')
    .option('--urgent-alerts <yes|no>', 'urgent articles at once for a daily or weekly reader')
    .option('--paused <yes|no>', 'pause (or resume) every mail to the reader')
    .option('--json', 'print the reader and what changed as JSON')
    .action(
      async (
        email: string,
        options: {
          lang?: string;
          cadence?: string;
          topics?: string;
          urgentAlerts?: string;
          paused?: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        const { lang, json, ...rest } = options;
        const fields = { ...(lang === undefined ? {} : { languages: lang }), ...rest };
        if (Object.keys(fields).length === 0)
          throw new CliError('say what to change: --lang, --cadence, --topics, --urgent-alerts or --paused');
        await withSubscribers(command, async (services) => {
          const { subscriber, changed } = await setReader(
            email,
            readReaderChanges(fields, services.topics),
            services,
          );
          if (json) return printJson({ subscriber, changed });
          process.stdout.write(
            changed.length === 0
              ? `reader ${subscriber.id}: nothing changed (already so)\n`
              : `reader ${subscriber.id}: changed ${changed.join(', ')}\n`,
          );
        });
      },
    );

  subscribers
    .command('unsubscribe <email>')
    .description('unsubscribe a reader for them, keeping the reason they gave (nothing is erased)')
    .requiredOption('--reason <text>', 'why, as the reader said it (kept with the reader, never logged)')
    .option('--json', 'print the reader as JSON')
    .action(async (email: string, options: { reason: string; json?: boolean }, command: Command) => {
      await withSubscribers(command, async (services) => {
        const { subscriber, changed, countError } = await unsubscribeReader(email, options.reason, services);
        if (countError)
          process.stderr.write(
            `nashra: the reader is unsubscribed, but not counted on the issues sent to them: ${countError instanceof Error ? countError.message : String(countError)}\n`,
          );
        if (options.json) return printJson({ subscriber, changed });
        process.stdout.write(
          changed
            ? `unsubscribed reader ${subscriber.id}; their links still bring them back\n`
            : `reader ${subscriber.id} is ${subscriber.status}: nothing changed\n`,
        );
      });
    });

  subscribers
    .command('remove <email>')
    .description(
      'erase a reader: their record, the claim on their address, their deliveries and counters (asks first)',
    )
    .option('--yes', 'erase without asking (needed off a terminal)')
    .action(async (email: string, options: { yes?: boolean }, command: Command) => {
      const question = 'Erase this reader and everything held on them? Erasure cannot be undone.';
      const words = {
        offTerminal: 'Run again with --yes to erase without asking.',
        declined: 'nothing erased',
      };
      if (!options.yes && !process.stdin.isTTY) await confirm(question, words);
      await withSubscribers(command, async (services) => {
        if (!options.yes) {
          const reader = await services.subscribers.findByEmail(email);
          if (!reader) throw new CliError('no reader holds this address');
          await confirm(
            `Erase ${reader.email} (${reader.status}, ${reader.id}) and everything held on them? Erasure cannot be undone.`,
            words,
          );
        }
        const erased = await eraseReader(email, services);
        if (!erased) throw new CliError('no reader holds this address');
        process.stdout.write(
          `erased reader ${erased.subscriberId}: ${erased.deliveries} deliveries, ${erased.counters} rate-limit counters\n`,
        );
      });
    });

  subscribers
    .command('revoke-links <email>')
    .description(
      'revoke every preferences, resubscribe and confirm link sent to a reader (old unsubscribe links keep working)',
    )
    .option('--send-link', 'mail an active reader fresh links (the welcome mail); otherwise nothing is sent')
    .option('--json', 'print the outcome as JSON')
    .action(async (email: string, options: { sendLink?: boolean; json?: boolean }, command: Command) => {
      await withSubscribers(command, async (services) => {
        const { subscriber, sent } = await revokeLinks(
          email,
          { sendLink: options.sendLink === true },
          services,
        );
        if (options.json) return printJson({ id: subscriber.id, linkVersion: subscriber.linkVersion, sent });
        process.stdout.write(
          `revoked every earlier preferences, resubscribe and confirm link of this reader (link version ${subscriber.linkVersion}); old unsubscribe links still work; ${sent ? 'fresh links mailed' : 'nothing sent'}\n`,
        );
      });
    });

  subscribers
    .command('export-personal <email>')
    .description('everything held on one person, as JSON (a subject access request)')
    .action(async (email: string, _options: unknown, command: Command) => {
      await withSubscribers(command, async (services) => {
        const data = await personalData(email, services);
        if (!data) throw new CliError('no reader holds this address');
        printJson(data);
      });
    });
}
