import { createHash, randomUUID } from 'node:crypto';
import { awsJsonError } from '../../../functions/local/aws-contract/refusal';
import { checkSqsRequest, sqsQueryErrorCode } from '../../../functions/local/aws-contract/sqs';
import { jsonAnswer, serveStandIn } from './http-stand-in';

export interface SqsStandIn {
  url: string;
  /** The bodies each queue holds, by queue name (the last segment of its URL). */
  messages: Map<string, string[]>;
  /** The URL of a queue of this stand-in. */
  queueUrl(name: string): string;
  close(): Promise<void>;
}

const md5 = (body: string) => createHash('md5').update(body, 'utf8').digest('hex');

/**
 * SQS's SendMessage, SendMessageBatch and GetQueueAttributes on loopback, in the AWS JSON protocol
 * @aws-sdk/client-sqs speaks, with the contract checks in front: a deployed stage's queues for tests,
 * whose messages stay put (the stage's senders are Lambda functions, not running here).
 */
export async function startSqsStandIn(queues: string[], account = '111111111111'): Promise<SqsStandIn> {
  const messages = new Map(queues.map((name) => [name, [] as string[]]));
  const queueOf = (url: unknown) =>
    messages.get(
      String(url ?? '')
        .split('/')
        .pop() ?? '',
    );
  const noQueue = () =>
    awsJsonError(
      { code: 'QueueDoesNotExist', message: 'The specified queue does not exist.' },
      'com.amazonaws.sqs',
      'AWS.SimpleQueueService.NonExistentQueue',
    );
  const service = await serveStandIn((request) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.split('.')[1] ?? '';
    const input = JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>;
    const refusal = checkSqsRequest(operation, input);
    if (refusal) return awsJsonError(refusal, 'com.amazonaws.sqs', sqsQueryErrorCode(refusal.code));
    const queue = queueOf(input.QueueUrl);
    if (!queue) return noQueue();
    switch (operation) {
      case 'SendMessage':
        queue.push(String(input.MessageBody));
        return jsonAnswer(200, { MessageId: randomUUID(), MD5OfMessageBody: md5(String(input.MessageBody)) });
      case 'SendMessageBatch': {
        const entries = input.Entries as Array<{ Id: string; MessageBody: string }>;
        for (const entry of entries) queue.push(entry.MessageBody);
        return jsonAnswer(200, {
          Successful: entries.map((entry) => ({
            Id: entry.Id,
            MessageId: randomUUID(),
            MD5OfMessageBody: md5(entry.MessageBody),
          })),
          Failed: [],
        });
      }
      case 'GetQueueAttributes':
        return jsonAnswer(200, {
          Attributes: {
            ApproximateNumberOfMessages: String(queue.length),
            ApproximateNumberOfMessagesNotVisible: '0',
          },
        });
      default:
        return awsJsonError(
          { code: 'UnsupportedOperation', message: `${operation} is not served here` },
          'com.amazonaws.sqs',
        );
    }
  });
  return {
    url: service.url,
    messages,
    queueUrl: (name) => `${service.url}/${account}/${name}`,
    close: service.close,
  };
}
