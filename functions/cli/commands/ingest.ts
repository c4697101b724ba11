import type { Command } from 'commander';
import { type FeedReport, hasRejections, ingestFeeds } from '../../core/ingest/ingest-feed';
import { ingestParts } from '../../runtime/ingesting';
import { CliError, printJson, withRuntime } from '../context';

function printReport(report: FeedReport): void {
  if (report.error) {
    console.log(`${report.feed}: not ingested: ${report.error}`);
    return;
  }
  const counts = [
    `${report.created.length} created`,
    `${report.updated.length} updated`,
    `${report.unchanged.length} unchanged`,
    `${report.rejected.length} rejected`,
    ...(report.paired.length > 0 ? [`${report.paired.length} paired`] : []),
  ];
  console.log(`${report.feed} (${report.format}): ${counts.join(', ')}`);
  for (const id of report.created) console.log(`  created    ${id}`);
  for (const id of report.updated) console.log(`  updated    ${id}`);
  for (const rejection of report.rejected) console.log(`  rejected   ${rejection.item}: ${rejection.reason}`);
  for (const [id, translation] of report.paired) console.log(`  paired     ${id} ↔ ${translation}`);
  for (const note of report.notes) console.log(`  note       ${note}`);
}

/** `nashra ingest <file-or-url>...`: ingest feeds (RSS, Atom, JSON Feed, a JSON list of articles). */
export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description(
      'ingest feeds or article lists from files or http(s) URLs; exits non-zero when anything was rejected',
    )
    .argument('<file-or-url...>', 'RSS 2.0, Atom 1.0, JSON Feed or a JSON list of articles')
    .option('--urgent', 'mark every ingested article urgent')
    .option(
      '--lang <ar|en>',
      'language of items when neither item nor feed says (else detected from the script)',
    )
    .option('--json', 'print the report as JSON')
    .action(
      async (
        locations: string[],
        options: { urgent?: boolean; lang?: string; json?: boolean },
        command: Command,
      ) => {
        if (options.lang !== undefined && options.lang !== 'ar' && options.lang !== 'en')
          throw new CliError(`--lang must be ar or en, not ${options.lang}`);
        const lang = options.lang;
        // The local runtime handles the stream (new articles → alert path) before the stack closes.
        const reports = await withRuntime(command, (runtime) =>
          ingestFeeds(
            ingestParts(runtime),
            locations.map((location) => ({ location, lang, urgent: options.urgent === true })),
          ),
        );
        if (options.json) printJson(reports);
        else for (const report of reports) printReport(report);
        const refused = reports.filter(hasRejections);
        if (refused.length > 0) {
          const items = refused.reduce((sum, report) => sum + report.rejected.length, 0);
          const feeds = refused.filter((report) => report.error).length;
          throw new CliError(
            [items > 0 ? `${items} item(s) rejected` : '', feeds > 0 ? `${feeds} feed(s) not ingested` : '']
              .filter(Boolean)
              .join(', '),
          );
        }
      },
    );
}
