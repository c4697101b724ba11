import { join } from 'node:path';
import { createDynamoClient, documentClient } from '../adapters/dynamodb/client';
import { createIngestServices } from '../adapters/ingest-services';
import { createSendServices } from '../adapters/send-services';
import type { NewArticleListener } from '../core/ingest/announce';
import { alertListener } from '../core/send/send-alert';
import { alertSweepCron, createAlertSweep } from '../handlers/alert-sweep';
import { articleStreamEventNames, createArticleStreamHandler } from '../handlers/article-stream';
import { createDigestRun } from '../handlers/digest-run';
import { createFeedPollerHandler } from '../handlers/feed-poller';
import { createSendWorker, maxReceiveCount } from '../handlers/send-worker';
import type { Config } from '../shared/config';
import { logger } from '../shared/logger';
import { LocalDigestClock } from './local-digest-clock';
import type { LocalRuntime } from './runtime';

/**
 * Wires the local runtime as the stack wires AWS: the articles stream (INSERTs only, the event source
 * filter the CDK stack uses) to the article stream handler, and, with `poll`, the feed poller on the
 * local scheduler at the configured cron. With `schedules` (`nashra dev`), every enabled digest
 * schedule of the table fires the digest handler, and the held-alert sweep runs on its clock.
 * `listener` replaces where new articles go (tests).
 */
export function wireLocalRuntime(
  runtime: LocalRuntime,
  config: Config,
  options: {
    poll?: boolean;
    schedules?: boolean;
    listener?: NewArticleListener;
    queueStore?: string;
  } = {},
): void {
  const services = createSendServices(config, documentClient(createDynamoClient(config)));
  runtime.queue({
    name: config.send.queueUrl.split('/').pop() ?? 'nashra-send',
    handler: createSendWorker(services),
    batchSize: config.send.batchSize,
    maxConcurrency: config.send.maxConcurrency,
    // As on AWS, a failed job comes back only after a claim it may have left has lapsed (AWS: 6 × the
    // sender's timeout against a lease of 2 ×), so a job that found its reader "busy" finds it free.
    visibilityTimeoutMs: config.send.leaseMs + 1000,
    maxReceiveCount,
    ...(options.queueStore ? { store: join(options.queueStore, 'nashra-send') } : {}),
  });
  runtime.onStream('articles', {
    name: 'article-stream',
    eventNames: [...articleStreamEventNames],
    handler: createArticleStreamHandler(options.listener ?? alertListener(services)),
  });
  if (options.schedules) {
    const sweep = createAlertSweep(services);
    runtime.scheduler.set({
      name: 'alert-sweep',
      expression: alertSweepCron,
      timeZone: config.timeZone,
      fire: () => sweep(),
    });
    new LocalDigestClock(runtime.scheduler, {
      schedules: services.schedules,
      clock: services.clock,
      fire: createDigestRun(services),
    })
      .start()
      .catch((error) => logger.error('local digest schedules could not start', { error }));
  }
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
