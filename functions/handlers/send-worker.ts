import type { Context as LambdaContext, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { metricNames } from '../core/metrics';
import { type QueuedJob, sendJobs } from '../core/send/send-jobs';
import { lambdaRuntime } from '../runtime/lambda';
import { type SenderParts, senderParts } from '../runtime/sending';
import { logger, withLambdaContext } from '../shared/logger';

export const sendJobSchema = z.object({
  issueId: z.string().min(1).max(200),
  subscriberId: z.string().min(1).max(64),
  variantKey: z.string().min(1).max(100),
});

/** The maximum receive count of the send queue's redrive policy: the last try records a failure. */
export const maxReceiveCount = 5;

/**
 * The send queue → the sender. Each record is validated; a malformed one is reported as failed so
 * it lands in the dead-letter queue instead of vanishing. The batch takes one send-rate bucket for its
 * whole run. Transient failures come back as batch item failures, redelivered by the queue. The
 * batch's mails sent, failed, throttled and parked are counted for the alarms.
 */
export function createSendWorker(services: SenderParts) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const queued: QueuedJob[] = [];
    const malformed: string[] = [];
    for (const record of event.Records) {
      const job = sendJobSchema.safeParse(safeJson(record.body));
      if (!job.success) {
        logger.error('send job is malformed; it goes to the dead-letter queue', {
          messageId: record.messageId,
        });
        malformed.push(record.messageId);
        continue;
      }
      queued.push({
        id: record.messageId,
        job: job.data,
        receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
      });
    }
    const bucket = services.ratePool.acquire();
    try {
      const report = await sendJobs(queued, services, bucket, maxReceiveCount);
      logger.info('send batch done', { ...report, retry: report.retry.length });
      services.metrics.count(metricNames.sent, report.sent);
      services.metrics.count(metricNames.failed, report.failed);
      services.metrics.count(metricNames.throttled, report.throttled);
      services.metrics.count(metricNames.parked, report.parked);
      return {
        batchItemFailures: [...malformed, ...report.retry].map((itemIdentifier) => ({ itemIdentifier })),
      };
    } finally {
      services.ratePool.release(bucket);
    }
  };
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

let worker: ReturnType<typeof createSendWorker> | undefined;

/** Lambda entry point (SQS event source, ReportBatchItemFailures). */
export const handler = (event: SQSEvent, context?: LambdaContext) => {
  withLambdaContext(context);
  worker ??= createSendWorker(senderParts(lambdaRuntime({ signsLinks: true })));
  return worker(event);
};
