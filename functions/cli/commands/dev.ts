import { serve } from '@hono/node-server';
import type { Command } from 'commander';
import { DynamoArticleRepo } from '../../adapters/dynamodb/article-repo';
import { createDynamoClient, documentClient } from '../../adapters/dynamodb/client';
import { DynamoSubscriberRepo } from '../../adapters/dynamodb/subscriber-repo';
import { ingestRulesOf } from '../../adapters/ingest-services';
import { createSendServices } from '../../adapters/send-services';
import { systemClock } from '../../core/ports';
import { createApp } from '../../http/app';
import { loadDemoDataOnce } from '../../local/demo-data';
import { openLocalStack } from '../../local/stack';
import { wireLocalRuntime } from '../../local/wiring';

/** `nashra dev`: the whole product on loopback until Ctrl-C. */
export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('run nashra locally: DynamoDB and SES emulators, HTTP API, scheduler, demo data')
    .action(async () => {
      const stack = await openLocalStack({ dev: true });
      wireLocalRuntime(stack.runtime, stack.config, {
        poll: true,
        schedules: true,
        queueStore: stack.queueStore,
      });
      const server = serve({
        fetch: createApp(
          { mailViewer: stack.urls.mail },
          { ingest: { config: stack.config }, subscribers: { config: stack.config } },
        ).fetch,
        hostname: '127.0.0.1',
        port: stack.config.ports.api,
      });
      const client = createDynamoClient(stack.config);
      const db = documentClient(client);
      const demo = await loadDemoDataOnce(
        stack.config.home,
        {
          articles: new DynamoArticleRepo(db, stack.config.tables.articles),
          subscribers: new DynamoSubscriberRepo(db, stack.config.tables.subscribers),
        },
        systemClock,
        ingestRulesOf(stack.config),
        createSendServices(stack.config, db),
      );

      console.log(`nashra is running locally${demo.loaded ? ' (demo data loaded: demo digests and alerts are in the mail viewer)' : ''}.
  Mail viewer   ${stack.urls.mail}
  HTTP API      ${stack.urls.api}
  Previews      ${stack.urls.api}/preview
  DynamoDB      ${stack.urls.dynamodb}
  SES           ${stack.urls.ses}
  Sent mail     ${stack.outbox}/*.eml
  Data          ${stack.config.home}
Press Ctrl-C to stop.`);

      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      console.log('\nstopping…');
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stack.close();
    });
}
