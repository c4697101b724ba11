import { readFile, stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { type Subscriber, subscriberStatusSchema } from '../../core/subscriber';
import { parseInput, subscribeRequestSchema } from '../../core/subscribers/input';
import {
  addReader,
  allReaders,
  eraseReader,
  exportColumns,
  importReaders,
  personalData,
  readerCsvLine,
  revokeLinks,
} from '../../core/subscribers/staff';
import { type ReaderParts, readerParts } from '../../runtime/readers';
import { CliError, printJson, withRuntime } from '../context';

const maxImportBytes = 50 * 1024 * 1024;

/** Runs a subscriber command on its runtime's reader parts. */
function withSubscribers<T>(command: Command, run: (services: ReaderParts) => Promise<T>): Promise<T> {
  return withRuntime(command, (runtime) => run(readerParts(runtime)));
}

function describe(subscriber: Subscriber): string {
  return [
    `email         ${subscriber.email}`,
    `status        ${subscriber.status}`,
    `id            ${subscriber.id}`,
    `languages     ${subscriber.languages.join(', ')}`,
    `cadence       ${subscriber.cadence}${subscriber.paused ? ' (paused)' : ''}`,
    `topics        ${subscriber.topics.join(', ') || 'all'}`,
    `urgent alerts ${subscriber.urgentAlerts ? 'yes' : 'no'}`,
    `consent       ${subscriber.consent ? `${subscriber.consent.method} at ${subscriber.consent.at}${subscriber.consent.source ? ` (${subscriber.consent.source})` : ''}` : 'none yet (not confirmed)'}`,
    `created       ${subscriber.createdAt}`,
    `confirmed     ${subscriber.confirmedAt ?? '-'}`,
  ].join('\n');
}

/**
 * `nashra subscribers add|import|export|list|show|remove|export-personal`: the staff side of the
 * subscriber list. Addresses appear on the staff's own terminal only, never in logs.
 */
export function registerSubscribers(program: Command): void {
  const subscribers = program
    .command('subscribers')
    .description('add, import, export, list, show and erase readers');

  subscribers
    .command('add <email>')
    .description('add one reader: pending with a confirmation mail, or active with --confirmed')
    .requiredOption('--lang <languages>', 'languages in the reader’s order: ar, en, ar,en or en,ar')
    .option('--cadence <cadence>', 'instant, daily or weekly', 'weekly')
    .option('--topics <topics>', 'comma-separated topic slugs (none: every topic)')
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
          confirmed?: boolean;
          source?: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        await withSubscribers(command, async (services) => {
          const request = parseInput(subscribeRequestSchema, {
            email,
            languages: options.lang,
            cadence: options.cadence,
            topics: options.topics ?? '',
          });
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
    .description('import readers from CSV: columns email,languages,cadence,topics (lists space-separated)')
    .option('--confirmed', 'staff hold these readers’ consent: active at once, no confirmation mails')
    .option('--source <text>', 'where the consent came from (required with --confirmed)')
    .option('--json', 'print the report as JSON')
    .action(
      async (
        file: string,
        options: { confirmed?: boolean; source?: string; json?: boolean },
        command: Command,
      ) => {
        const size = await stat(file).then(
          (info) => info.size,
          () => {
            throw new CliError(`cannot read ${file}`);
          },
        );
        if (size > maxImportBytes) throw new CliError(`${file} is over ${maxImportBytes / 1024 / 1024} MB`);
        const csv = new TextDecoder('utf-8', { fatal: true }).decode(await readFile(file));
        const report = await withSubscribers(command, (services) =>
          importReaders(csv, { confirmed: options.confirmed === true, source: options.source }, services),
        );
        if (options.json) printJson(report);
        else {
          process.stdout.write(
            `created ${report.created} (${report.confirmationsSent} confirmations mailed), unchanged ${report.unchanged.length}, rejected ${report.rejected.length}\n`,
          );
          for (const row of report.unchanged)
            process.stdout.write(`line ${row.line}: unchanged: ${row.reason}\n`);
        }
        for (const row of report.rejected)
          process.stderr.write(`line ${row.line}: rejected: ${row.reason}\n`);
        if (report.rejected.length > 0) throw new CliError(`${report.rejected.length} rows rejected`);
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
      await withSubscribers(command, async (services) => {
        const reader = await services.subscribers.findByEmail(email);
        if (!reader) throw new CliError('no reader holds this address');
        if (options.json) printJson(reader);
        else process.stdout.write(`${describe(reader)}\n`);
      });
    });

  subscribers
    .command('remove <email>')
    .description('erase a reader: their record, the claim on their address, their deliveries and counters')
    .action(async (email: string, _options: unknown, command: Command) => {
      await withSubscribers(command, async (services) => {
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
