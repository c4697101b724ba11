import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { DynamoDBRecord } from 'aws-lambda';
import { type DeadLetterKind, deadLetterKinds, localDeadLetterQueueName } from '../core/dead-letters';
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
import type { LocalHeldQueue } from './held-queue';
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
  const deadLetters = Object.fromEntries(
    deadLetterKinds.map((kind) => {
      const name = config.deadLetterQueues[kind].split('/').pop() ?? localDeadLetterQueueName(kind);
      return [
        kind,
        triggers.heldQueue(name, options.queueStore ? join(options.queueStore, name) : undefined),
      ];
    }),
  ) as Record<DeadLetterKind, LocalHeldQueue>;
  triggers.queue({
    name: config.send.queueUrl.split('/').pop() ?? 'nashra-send',
    handler: createSendWorker(senderParts(runtime)),
    batchSize: config.send.batchSize,
    maxConcurrency: config.send.maxConcurrency,
    // As on AWS, a failed job comes back only after a claim it may have left has lapsed (AWS: 6 × the
    // sender's timeout against a lease of 2 ×), so a job that found its reader "busy" finds it free.
    visibilityTimeoutMs: config.send.leaseMs + 1000,
    maxReceiveCount,
    // SQS's redrive policy moves the message itself to the dead-letter queue.
    onDeadLetter: (record) => void deadLetters.send.send([record.body]),
    ...(options.queueStore ? { store: join(options.queueStore, 'nashra-send') } : {}),
  });
  triggers.onStream('articles', {
    name: 'article-stream',
    eventNames: [...articleStreamEventNames],
    handler: createArticleStreamHandler(options.listener ?? alertListener(sendingParts(runtime))),
    onGiveUp: (records, attempts) =>
      void deadLetters.stream.send([JSON.stringify(streamFailureRecord(records, attempts))]),
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
      fire: invokedAsynchronously('digest-run', createClockFiring(sending), deadLetters.schedule),
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

/**
 * Lambda's on-failure destination record for a stream batch given up: the shard positions and when
 * the records arrived, never the records (as on AWS; a redrive reads the articles again from the table).
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 */
function streamFailureRecord(records: DynamoDBRecord[], attempts: number) {
  const arrivals = records.map((record) => (record.dynamodb?.ApproximateCreationDateTime ?? 0) * 1000);
  return {
    requestContext: {
      requestId: randomUUID(),
      functionArn: 'local:article-stream',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: attempts,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: new Date().toISOString(),
    DDBStreamBatchInfo: {
      shardId: 'local',
      startSequenceNumber: records[0]?.dynamodb?.SequenceNumber ?? '',
      endSequenceNumber: records.at(-1)?.dynamodb?.SequenceNumber ?? '',
      approximateArrivalOfFirstRecord: new Date(Math.min(...arrivals)).toISOString(),
      approximateArrivalOfLastRecord: new Date(Math.max(...arrivals)).toISOString(),
      batchSize: records.length,
      streamArn: records[0]?.eventSourceARN ?? '',
    },
  };
}

/**
 * A handler as Lambda runs an asynchronous invocation: tried three times (Lambda's two retries), then
 * the event goes to the on-failure destination in Lambda's record, with the last error.
 */
function invokedAsynchronously<E>(
  name: string,
  handler: (event: E) => Promise<unknown>,
  onFailure: LocalHeldQueue,
) {
  return async (event: E): Promise<unknown> => {
    let lastError: unknown;
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        return await handler(event);
      } catch (error) {
        lastError = error;
      }
    }
    const error = lastError as Error;
    onFailure.send([
      JSON.stringify({
        version: '1.0',
        timestamp: new Date().toISOString(),
        requestContext: {
          requestId: randomUUID(),
          functionArn: `local:${name}`,
          condition: 'RetriesExhausted',
          approximateInvokeCount: 3,
        },
        requestPayload: event,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorType: error.name, errorMessage: error.message },
      }),
    ]);
    throw error;
  };
}
