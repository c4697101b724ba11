import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SendJob, SendQueue } from '../core/ports';
import type { Config } from '../shared/config';
import { type AwsClientOptions, clientOptions } from './aws-client-options';

export function createSqsClient(config: Config): SQSClient {
  return sqsClientWith(clientOptions(config, config.endpoints.sqs));
}

export function sqsClientWith(options: AwsClientOptions): SQSClient {
  return new SQSClient(options);
}

/**
 * Enqueues send jobs ten to a request (SQS's batch limit), the requests of one call side by side,
 * retrying the entries SQS did not take.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 */
export class SqsSendQueue implements SendQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(jobs: SendJob[]): Promise<void> {
    const batches: SendJob[][] = [];
    for (let start = 0; start < jobs.length; start += 10) batches.push(jobs.slice(start, start + 10));
    await Promise.all(batches.map((batch) => this.sendBatch(batch)));
  }

  private async sendBatch(jobs: SendJob[]): Promise<void> {
    let entries = jobs.map((job, index) => ({ Id: String(index), MessageBody: JSON.stringify(job) }));
    for (let attempt = 1; entries.length > 0; attempt++) {
      const result = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
      );
      const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
      if (failed.size > 0 && attempt >= 5)
        throw new Error(`SQS refused ${failed.size} send jobs after ${attempt} attempts`);
      entries = entries.filter((entry) => failed.has(entry.Id));
    }
  }
}

/** How many messages a queue holds: waiting to be received, and received but not yet deleted. */
export async function queueDepth(
  sqs: SQSClient,
  queueUrl: string,
): Promise<{ waiting: number; inFlight: number }> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    waiting: Number(Attributes?.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}
