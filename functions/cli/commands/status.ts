import { readdirSync } from 'node:fs';
import type { Command } from 'commander';
import { approximateItemCounts, countItems } from '../../adapters/dynamodb/table-admin';
import type { OpenRuntime } from '../../runtime/open-runtime';
import { printJson, withRuntime } from '../context';

const originText = {
  started: 'started for this command',
  dev: 'nashra dev',
  external: 'external endpoint',
  'not running': 'not running (start `nashra dev`)',
};

const line = (name: string, value: string, note = '') =>
  `  ${name.padEnd(12)}${value}${note ? `   (${note})` : ''}`;

/** `nashra status`: what this command reaches, and how many items each table holds. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('what runs where, and how many items each table holds')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withRuntime(command, async (runtime) => {
        if (runtime.stage) return stageStatus(runtime, options.json === true);
        const local = runtime.local;
        if (!local) return;
        const tables = await countItems(runtime.dynamodb, runtime.config.tables);
        const outboxMessages = readdirSync(local.outbox).filter((f) => f.endsWith('.eml')).length;
        const status = {
          mode: runtime.config.mode,
          home: runtime.config.home,
          ...local.urls,
          outbox: local.outbox,
          outboxMessages,
          running: local.origin,
          tables,
        };
        if (options.json) return printJson(status);
        console.log(`nashra ${runtime.config.mode} mode, NASHRA_HOME ${runtime.config.home}`);
        console.log(line('api', local.urls.api, originText[local.origin.api]));
        console.log(line('mail', local.urls.mail, originText[local.origin.ses]));
        console.log(line('dynamodb', local.urls.dynamodb, originText[local.origin.dynamodb]));
        console.log(line('ses', local.urls.ses, originText[local.origin.ses]));
        console.log(line('console', local.urls.console, originText[local.origin.api]));
        console.log(line('outbox', local.outbox, `${outboxMessages} messages`));
        console.log('tables');
        for (const [name, count] of Object.entries(tables)) console.log(line(name, String(count)));
      });
    });
}

async function stageStatus(runtime: OpenRuntime, json: boolean): Promise<void> {
  const stage = runtime.stage;
  if (!stage) return;
  const tables = await approximateItemCounts(runtime.dynamodb, runtime.config.tables);
  if (json)
    return printJson({
      mode: 'stage',
      stage: stage.stage,
      region: stage.region,
      api: stage.apiUrl,
      console: `${runtime.config.baseUrl}/console`,
      tables: Object.fromEntries(
        Object.entries(tables).map(([name, count]) => [
          name,
          { table: stage.tables[name as 'articles'], count },
        ]),
      ),
    });
  console.log(`nashra stage "${stage.stage}" in ${stage.region}`);
  console.log(line('api', stage.apiUrl));
  console.log(line('console', `${runtime.config.baseUrl}/console`));
  console.log('tables (item counts as DynamoDB last reported them, refreshed about every six hours)');
  for (const [name, count] of Object.entries(tables))
    console.log(
      line(name, count === undefined ? 'missing' : String(count), stage.tables[name as 'articles']),
    );
}
