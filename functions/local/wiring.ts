import { join } from 'node:path';
import { createDynamoClient, documentClient } from '../adapters/dynamodb/client';
import { createIngestServices } from '../adapters/ingest-services';
import { createSendServices } from '../adapters/send-services';
import type { NewArticleListener } from '../core/ingest/announce';
import { alertListener } from '../core/send/send-alert';
import { articleStreamEventNames, createArticleStreamHandler } from '../handlers/article-stream';
import { createFeedPollerHandler } from '../handlers/feed-poller';
import { createSendWorker, maxReceiveCount } from '../handlers/send-worker';
import type { Config } from '../shared/config';
import type { LocalRuntime } from './runtime';

/**
 * Wires the local runtime as the stack wires AWS: the articles stream (INSERTs only, the event source
 * filter the CDK stack uses) to the article stream handler, and, with `poll`, the feed poller on the
 * local scheduler at the configured cron. `listener` replaces where new articles go (tests).
 */
export function wireLocalRuntime(
  runtime: LocalRuntime,
  config: Config,
  options: { poll?: boolean; listener?: NewArticleListener; queueStore?: string } = {},
): void {
  const services = createSendServices(config, documentClient(createDynamoClient(config)));
  runtime.queue({
    name: config.send.queueUrl.split('/').pop() ?? 'nashra-send',
    handler: createSendWorker(services),
    batchSize: config.send.batchSize,
    maxConcurrency: config.send.maxConcurrency,
    // SQS holds a failed job for the visibility timeout (6 × the sender's timeout on AWS); locally a
    // retry comes back after two seconds, so a throttled send does not stall a developer's digest.
    visibilityTimeoutMs: 2000,
    maxReceiveCount,
    ...(options.queueStore ? { store: join(options.queueStore, 'nashra-send') } : {}),
  });
  runtime.onStream('articles', {
    name: 'article-stream',
    eventNames: [...articleStreamEventNames],
    handler: createArticleStreamHandler(options.listener ?? alertListener(services)),
  });
  if (!options.poll || config.ingest.feeds.length === 0) return;
  const feeds = config.ingest.feeds.map((feed) => ({ location: feed.url, lang: feed.lang }));
  runtime.scheduler.set({
    name: 'feed-poller',
    expression: config.ingest.pollCron,
    timeZone: config.timeZone,
    fire: async () => {
      const client = createDynamoClient(config);
      try {
        return await createFeedPollerHandler(createIngestServices(config, documentClient(client)), feeds)({});
      } finally {
        client.destroy();
      }
    },
  });
}
