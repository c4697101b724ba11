import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import * as z from 'zod';
import { awsJsonError } from './aws-contract/refusal';
import { checkSqsRequest, sqsQueryErrorCode } from './aws-contract/sqs';
import { closeServer, type RunningService, serverUrl } from './emulators';
import { guardLoopbackServer } from './loopback-guard';
import type { LocalTriggers } from './triggers';

const sendBatchSchema = z.object({
  QueueUrl: z.string(),
  Entries: z
    .array(z.object({ Id: z.string(), MessageBody: z.string() }))
    .min(1)
    .max(10),
});
const sendOneSchema = z.object({ QueueUrl: z.string(), MessageBody: z.string() });
const receiveSchema = z.object({
  QueueUrl: z.string(),
  MaxNumberOfMessages: z.number().int().default(1),
  VisibilityTimeout: z.number().int().default(30),
});
const receiptSchema = z.object({ QueueUrl: z.string(), ReceiptHandle: z.string() });
const visibilitySchema = receiptSchema.extend({ VisibilityTimeout: z.number().int() });

const md5 = (body: string) => createHash('md5').update(body, 'utf8').digest('hex');

/**
 * The SQS API, as far as nashra uses it (AWS JSON protocol), in front of the local runtime's queues:
 * the queue name is the last segment of the queue URL. SendMessage and SendMessageBatch reach the send
 * queue (or a dead-letter queue: a redrive); ReceiveMessage, ChangeMessageVisibility and DeleteMessage
 * the dead-letter queues, which nothing else consumes (`nashra dlq`). With it, the same SQS adapters
 * work on AWS and locally, from any process — `nashra digest send` while `nashra dev` runs hands its
 * jobs to dev's senders. What SQS's API reference refuses (oversized or overfull batches, bad message
 * attributes, FIFO-only fields on this standard queue, a receive of 11 messages, a visibility timeout
 * over 12 hours, a missing or stale receipt handle) is refused here as SQS refuses it. Behind the
 * loopback guard, like every local service.
 */
export async function startSqsEndpoint(triggers: LocalTriggers): Promise<RunningService> {
  const server = guardLoopbackServer(
    createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const reply = (status: number, body: unknown) =>
          res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
        try {
          const target = String(req.headers['x-amz-target'] ?? '');
          const input = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          const refusal = checkSqsRequest(target.split('.')[1] ?? '', input);
          if (refusal) {
            const answer = awsJsonError(refusal, 'com.amazonaws.sqs', sqsQueryErrorCode(refusal.code));
            return res.writeHead(answer.status, answer.headers).end(answer.body);
          }
          const refuseWith = (code: string, message: string) => {
            const answer = awsJsonError({ code, message }, 'com.amazonaws.sqs', sqsQueryErrorCode(code));
            return res.writeHead(answer.status, answer.headers).end(answer.body);
          };
          const noQueue = () =>
            refuseWith('QueueDoesNotExist', 'The specified queue does not exist for this wsdl version.');
          if (target === 'AmazonSQS.ReceiveMessage') {
            const request = receiveSchema.parse(input);
            const held = heldQueueOf(triggers, request.QueueUrl);
            if (!held)
              return queueOf(triggers, request.QueueUrl)
                ? refuseWith(
                    'UnsupportedOperation',
                    'the local sender consumes this queue: nothing else receives from it',
                  )
                : noQueue();
            const messages = held.receive(request.MaxNumberOfMessages, request.VisibilityTimeout * 1000);
            return reply(200, {
              Messages: messages.map((message) => ({
                MessageId: message.messageId,
                ReceiptHandle: message.receiptHandle,
                MD5OfBody: md5(message.body),
                Body: message.body,
                Attributes: {
                  SentTimestamp: String(message.sentAt),
                  ApproximateReceiveCount: String(message.receiveCount),
                },
                ...(Object.keys(message.attributes).length > 0
                  ? {
                      MessageAttributes: Object.fromEntries(
                        Object.entries(message.attributes).map(([name, value]) => [
                          name,
                          { DataType: 'String', StringValue: value },
                        ]),
                      ),
                    }
                  : {}),
              })),
            });
          }
          if (target === 'AmazonSQS.ChangeMessageVisibility' || target === 'AmazonSQS.DeleteMessage') {
            const request = receiptSchema.parse(input);
            const held = heldQueueOf(triggers, request.QueueUrl);
            if (!held) return noQueue();
            const problem =
              target === 'AmazonSQS.DeleteMessage'
                ? held.delete(request.ReceiptHandle)
                : held.changeVisibility(
                    request.ReceiptHandle,
                    visibilitySchema.parse(input).VisibilityTimeout * 1000,
                  );
            if (problem === 'ReceiptHandleIsInvalid')
              return refuseWith(
                problem,
                `The input receipt handle "${request.ReceiptHandle}" is not a valid receipt handle.`,
              );
            if (problem === 'MessageNotInflight')
              return refuseWith(problem, 'The message referred to is not in flight.');
            return reply(200, {});
          }
          if (target === 'AmazonSQS.SendMessageBatch') {
            const request = sendBatchSchema.parse(input);
            const queue = queueOf(triggers, request.QueueUrl) ?? heldQueueOf(triggers, request.QueueUrl);
            if (!queue)
              return reply(400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'no such queue' });
            const messageIds = queue.send(request.Entries.map((entry) => entry.MessageBody));
            return reply(200, {
              Successful: request.Entries.map((entry, index) => ({
                Id: entry.Id,
                MessageId: messageIds[index],
                MD5OfMessageBody: md5(entry.MessageBody),
              })),
              Failed: [],
            });
          }
          if (target === 'AmazonSQS.SendMessage') {
            const request = sendOneSchema.parse(input);
            const queue = queueOf(triggers, request.QueueUrl) ?? heldQueueOf(triggers, request.QueueUrl);
            if (!queue)
              return reply(400, { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'no such queue' });
            const [messageId] = queue.send([request.MessageBody]);
            return reply(200, { MessageId: messageId, MD5OfMessageBody: md5(request.MessageBody) });
          }
          return reply(400, {
            __type: 'com.amazonaws.sqs#UnsupportedOperation',
            message: `${target} is not served locally`,
          });
        } catch (error) {
          return reply(400, {
            __type: 'com.amazonaws.sqs#InvalidParameterValue',
            message: (error as Error).message,
          });
        }
      });
    }),
  );

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: serverUrl(server), close: () => closeServer(server) };
}

function queueOf(triggers: LocalTriggers, queueUrl: string) {
  return triggers.getQueue(queueUrl.split('/').pop() ?? '');
}

function heldQueueOf(triggers: LocalTriggers, queueUrl: string) {
  return triggers.getHeldQueue(queueUrl.split('/').pop() ?? '');
}
