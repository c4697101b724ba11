import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterQueue } from '../core/dead-letters';
import type { SendJob, SendQueue } from '../core/ports';
import type { Config } from '../shared/config';
import { type AwsClientOptions, clientOptions } from './aws-client-options';

export function createSqsClient(config: Config): SQSClient {
  return sqsClientWith(clientOptions(config, config.endpoints.sqs));
}

/**
 * The middleware stack is resolved once per command class rather than on every request (a fan-out
 * sends a thousand SendMessageBatch requests for 10,000 readers; resolving costs a few hundred
 * microseconds each). Safe for these clients: nothing adds middleware to them after they are made.
 * Never for a DynamoDB document client, whose commands' cached handler would keep the first input.
 */
export function sqsClientWith(options: AwsClientOptions): SQSClient {
  return new SQSClient({ ...options, cacheMiddleware: true });
}

/**
 * SendMessageBatch requests of one `enqueue` call on their way at once. Half the SDK's default of 50
 * sockets per client: two calls side by side (fan-out's pages in flight) use every socket, and no more
 * requests wait in the client for one, where each costs memory and CPU while it waits.
 * https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html
 */
const requestsAtOnce = 25;

/**
 * Enqueues send jobs ten to a request (SQS's batch limit), `requestsAtOnce` requests of one call side
 * by side, retrying the entries SQS did not take. After a request fails no other one is started: the
 * call rejects, and the caller counts none of its jobs.
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
    let next = 0;
    let failed = false;
    const sendInTurn = async () => {
      while (!failed && next < batches.length) {
        const batch = batches[next++] as SendJob[];
        await this.sendBatch(batch).catch((error: unknown) => {
          failed = true;
          throw error;
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(requestsAtOnce, batches.length) }, sendInTurn));
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

/**
 * A dead-letter queue as staff commands read it: ReceiveMessage hides what it returns for the hold,
 * ChangeMessageVisibility to 0 shows a message again, DeleteMessage removes it. Receives wait up to a
 * second (long polling asks every SQS server, where a short poll may miss messages of a small queue).
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 */
export class SqsDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async receive(max: number, holdSeconds: number): Promise<DeadLetter[]> {
    const { Messages } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
        VisibilityTimeout: holdSeconds,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
        MessageAttributeNames: ['All'],
      }),
    );
    return (Messages ?? []).map((message) => {
      const sent = Number(message.Attributes?.SentTimestamp);
      return {
        id: message.MessageId ?? '',
        body: message.Body ?? '',
        ...(Number.isFinite(sent) ? { sentAt: new Date(sent).toISOString() } : {}),
        receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
        attributes: Object.fromEntries(
          Object.entries(message.MessageAttributes ?? {})
            .filter(([, value]) => value.StringValue !== undefined)
            .map(([name, value]) => [name, value.StringValue as string]),
        ),
        receipt: message.ReceiptHandle ?? '',
      };
    });
  }

  async release(letter: DeadLetter): Promise<void> {
    await this.sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: letter.receipt,
        VisibilityTimeout: 0,
      }),
    );
  }

  async remove(letter: DeadLetter): Promise<void> {
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: letter.receipt }));
  }
}
