import { join } from 'node:path';
import type { NewArticleListener } from '../core/ingest/announce';
import { alertListener } from '../core/send/send-alert';
import { alertSweepCron, createAlertSweep } from '../handlers/alert-sweep';
import { articleStreamEventNames, createArticleStreamHandler } from '../handlers/article-stream';
import { createClockFiring } from '../handlers/digest-run';
import { createFeedPollerHandler } from '../handlers/feed-poller';
import { createSendWorker, maxReceiveCount } from '../handlers/send-worker';
import { ingestParts } from '../runtime/ingesting';
import type { Runtime } from '../runtime/runtime';
import { senderParts, sendingParts } from '../runtime/sending';
import { logger } from '../shared/logger';
import { LocalDigestClock } from './local-digest-clock';
import type { LocalTriggers } from './triggers';

/** What the local triggers run besides the articles stream and the send queue. */
export interface LocalWiring {
  /** The feed poller on its cron (`nashra dev`). */
  poll?: boolean;
  /** Every enabled digest schedule of the table, and the held-alert sweep (`nashra dev`). */
  schedules?: boolean;
  /** Where new articles go instead of the alert path (tests). */
  listener?: NewArticleListener;
  /** Where the send queue keeps its messages until handled; none when joining a running `nashra dev`. */
  queueStore?: string;
}

/**
 * Wires the local triggers as the stack wires AWS, to the same handlers and the process's runtime: the articles stream (INSERTs only, the event source
 * filter the CDK stack uses) to the article stream handler, and, with `poll`, the feed poller on the
 * local scheduler at the configured cron. With `schedules` (`nashra dev`), every enabled digest
 * schedule of the table fires the digest handler, and the held-alert sweep runs on its clock.
 * `listener` replaces where new articles go (tests).
 */
export function wireLocalTriggers(
  triggers: LocalTriggers,
  runtime: Runtime,
  options: LocalWiring = {},
): void {
  const { config } = runtime;
  triggers.queue({
    name: config.send.queueUrl.split('/').pop() ?? 'nashra-send',
    handler: createSendWorker(senderParts(runtime)),
    batchSize: config.send.batchSize,
    maxConcurrency: config.send.maxConcurrency,
    // As on AWS, a failed job comes back only after a claim it may have left has lapsed (AWS: 6 × the
    // sender's timeout against a lease of 2 ×), so a job that found its reader "busy" finds it free.
    visibilityTimeoutMs: config.send.leaseMs + 1000,
    maxReceiveCount,
    ...(options.queueStore ? { store: join(options.queueStore, 'nashra-send') } : {}),
  });
  triggers.onStream('articles', {
    name: 'article-stream',
    eventNames: [...articleStreamEventNames],
    handler: createArticleStreamHandler(options.listener ?? alertListener(sendingParts(runtime))),
  });
  if (options.schedules) {
    const sending = sendingParts(runtime);
    const sweep = createAlertSweep(sending);
    triggers.scheduler.set({
      name: 'alert-sweep',
      expression: alertSweepCron,
      timeZone: config.timeZone,
      fire: () => sweep(),
    });
    new LocalDigestClock(triggers.scheduler, {
      schedules: sending.schedules,
      clock: sending.clock,
      fire: createClockFiring(sending),
    })
      .start()
      .catch((error) => logger.error('local digest schedules could not start', { error }));
  }
  if (!options.poll || config.ingest.feeds.length === 0) return;
  const feeds = config.ingest.feeds.map((feed) => ({ location: feed.url, lang: feed.lang }));
  const poll = createFeedPollerHandler(ingestParts(runtime), feeds);
  triggers.scheduler.set({
    name: 'feed-poller',
    expression: config.ingest.pollCron,
    timeZone: config.timeZone,
    fire: () => poll({}),
  });
}
