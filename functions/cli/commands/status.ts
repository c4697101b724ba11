import { readdirSync } from 'node:fs';
import type { Command } from 'commander';
import { createDynamoClient } from '../../adapters/dynamodb/client';
import { countItems } from '../../adapters/dynamodb/table-admin';
import { printJson, withLocalStack } from '../context';

const originText = {
  started: 'started for this command',
  dev: 'nashra dev',
  external: 'external endpoint',
  'not running': 'not running (start `nashra dev`)',
};

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('what runs where, and how many items each table holds')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      await withLocalStack(async (stack) => {
        const client = createDynamoClient(stack.config);
        const tables = await countItems(client, stack.config.tables);
        client.destroy();
        const outboxMessages = readdirSync(stack.outbox).filter((f) => f.endsWith('.eml')).length;
        const status = {
          mode: stack.config.mode,
          home: stack.config.home,
          ...stack.urls,
          outbox: stack.outbox,
          outboxMessages,
          running: stack.origin,
          tables,
        };
        if (options.json) return printJson(status);
        const line = (name: string, value: string, note = '') =>
          `  ${name.padEnd(12)}${value}${note ? `   (${note})` : ''}`;
        console.log(`nashra ${stack.config.mode} mode, NASHRA_HOME ${stack.config.home}`);
        console.log(line('api', stack.urls.api, originText[stack.origin.api]));
        console.log(line('mail', stack.urls.mail, originText[stack.origin.ses]));
        console.log(line('dynamodb', stack.urls.dynamodb, originText[stack.origin.dynamodb]));
        console.log(line('ses', stack.urls.ses, originText[stack.origin.ses]));
        console.log(line('outbox', stack.outbox, `${outboxMessages} messages`));
        console.log('tables');
        for (const [name, count] of Object.entries(tables)) console.log(line(name, String(count)));
      });
    });
}
