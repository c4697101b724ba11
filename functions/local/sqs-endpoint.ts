import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { z } from 'zod';
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

const md5 = (body: string) => createHash('md5').update(body, 'utf8').digest('hex');

/**
 * The SQS API, as far as nashra uses it (SendMessage, SendMessageBatch; AWS JSON protocol), in front
 * of the local runtime's queues: the queue name is the last segment of the queue URL. With it, the
 * same SQS adapter enqueues on AWS and locally, from any process — `nashra digest send` while
 * `nashra dev` runs hands its jobs to dev's senders. What SQS's API reference refuses (oversized or
 * overfull batches, bad message attributes, FIFO-only fields on this standard queue) is refused here
 * as SQS refuses it, before any queue sees it. Behind the loopback guard, like every local service.
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
          if (target === 'AmazonSQS.SendMessageBatch') {
            const request = sendBatchSchema.parse(input);
            const queue = queueOf(triggers, request.QueueUrl);
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
            const queue = queueOf(triggers, request.QueueUrl);
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
