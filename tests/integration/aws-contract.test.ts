import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SqsDeadLetterQueue, SqsSendQueue } from '../../functions/adapters/sqs-queue';
import { listDeadLetters, redriveDeadLetters } from '../../functions/core/dead-letters';
import type { RunningService } from '../../functions/local/emulators';
import { startSqsEndpoint } from '../../functions/local/sqs-endpoint';
import { LocalTriggers } from '../../functions/local/triggers';

// Each service: the emulator alone takes a request AWS refuses (DynamoDB Local excepted, which refuses it
// too); through the strict layer the same request is refused with AWS's error code, as the SDK reports it.
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const client = <T>(Client: new (config: object) => T, endpoint: string) =>
  new Client({ region: 'eu-west-1', endpoint, credentials, maxAttempts: 1 });

/**
 * What the DynamoDB emulator alone answers a request AWS refuses: dynalite takes it; DynamoDB Local
 * refuses it as AWS does, with the refusal the strict layer gives.
 */
const rawDynamodbAnswers = (request: Promise<unknown>, refusal: object) =>
  inject('dynamodbEngine') === 'dynalite'
    ? expect(request).resolves.toBeDefined()
    : expect(request).rejects.toMatchObject(refusal);

describe('DynamoDB: the emulator alone, then through the strict layer', () => {
  const table = `contract-${Date.now().toString(36)}`;
  const raw = client(DynamoDBClient, inject('rawDynamodbUrl'));
  const strict = client(DynamoDBClient, inject('dynamodbUrl'));
  beforeAll(async () => {
    await raw.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });
  afterAll(() => {
    raw.destroy();
    strict.destroy();
  });

  it('an expression over 4 KB', async () => {
    const condition = Array.from({ length: 300 }, (_, i) => `attribute_not_exists(a${i})`).join(' AND ');
    const put = () =>
      new PutItemCommand({ TableName: table, Item: { id: { S: 'long' } }, ConditionExpression: condition });
    const refusal = {
      name: 'ValidationException',
      message: expect.stringMatching(
        /^Invalid ConditionExpression: Expression size has exceeded the maximum allowed size/,
      ),
      $metadata: { httpStatusCode: 400 },
    };
    await rawDynamodbAnswers(raw.send(put()), refusal);
    await expect(strict.send(put())).rejects.toMatchObject(refusal);
  });

  it('an IN list of 101 operands, and a value nested 33 deep', async () => {
    const values = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`:v${i}`, { S: `v${i}` }]));
    const update = () =>
      new UpdateItemCommand({
        TableName: table,
        Key: { id: { S: 'in' } },
        UpdateExpression: 'SET n = :v0',
        ConditionExpression: `NOT (id IN (${Object.keys(values).join(', ')}))`,
        ExpressionAttributeValues: values,
      });
    const tooManyOperands = {
      name: 'ValidationException',
      message: expect.stringMatching(/too many operands/),
    };
    await rawDynamodbAnswers(raw.send(update()), tooManyOperands);
    await expect(strict.send(update())).rejects.toMatchObject(tooManyOperands);

    const nested = (depth: number): object => (depth === 0 ? { S: 'x' } : { L: [nested(depth - 1)] });
    const deep = () =>
      new PutItemCommand({ TableName: table, Item: { id: { S: 'deep' }, d: nested(33) as never } });
    const tooDeep = {
      name: 'ValidationException',
      message:
        'Nesting Levels have exceeded supported limits: Attributes in the item have nested levels beyond supported limit',
    };
    await rawDynamodbAnswers(raw.send(deep()), tooDeep);
    await expect(strict.send(deep())).rejects.toMatchObject(tooDeep);
  });
});

describe('SES: aws-ses-v2-local alone, then through the strict layer', () => {
  const raw = client(SESClient, inject('rawSesUrl'));
  const strict = client(SESClient, inject('sesUrl'));
  afterAll(() => {
    raw.destroy();
    strict.destroy();
  });
  const message = (from: string) =>
    new MailComposer({ from, to: 'reader@example.org', subject: 'نشرة', text: 'مرحبا' }).compile().build();

  it('the default From setting as Source: an unencoded Arabic friendly name', async () => {
    const send = async () =>
      new SendRawEmailCommand({
        Source: 'ICSSI نشرة <bulletin@nashra.example>',
        Destinations: ['reader@example.org'],
        RawMessage: { Data: await message('ICSSI نشرة <bulletin@nashra.example>') },
        ConfigurationSetName: 'nashra',
      });
    await expect(raw.send(await send())).resolves.toMatchObject({ MessageId: expect.any(String) });
    await expect(strict.send(await send())).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringMatching(/Source must be 7-bit ASCII/),
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('a configuration set that does not exist, and 51 destinations', async () => {
    const send = async (changes: object) =>
      new SendRawEmailCommand({
        Source: 'bulletin@nashra.example',
        Destinations: ['reader@example.org'],
        RawMessage: { Data: await message('bulletin@nashra.example') },
        ConfigurationSetName: 'nashra',
        ...changes,
      });
    const elsewhere = { ConfigurationSetName: 'nashra-elsewhere' };
    await expect(raw.send(await send(elsewhere))).resolves.toBeDefined();
    await expect(strict.send(await send(elsewhere))).rejects.toMatchObject({
      name: 'ConfigurationSetDoesNotExistException',
      message: 'Configuration set <nashra-elsewhere> does not exist.',
    });
    const crowd = { Destinations: Array.from({ length: 51 }, (_, i) => `reader${i}@example.org`) };
    await expect(raw.send(await send(crowd))).resolves.toBeDefined();
    await expect(strict.send(await send(crowd))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: 'Recipient count exceeds 50.',
    });
  });
});

describe('SQS: the local queue alone, then through the local SQS endpoint', () => {
  const runtime = new LocalTriggers('eu-west-1');
  const received: string[] = [];
  const queue = runtime.queue({
    name: 'nashra-send',
    batchSize: 10,
    maxConcurrency: 1,
    visibilityTimeoutMs: 1000,
    maxReceiveCount: 3,
    handler: async (event: SQSEvent) => {
      for (const record of event.Records) received.push(record.body);
      return { batchItemFailures: [] };
    },
  });
  let endpoint: RunningService;
  let sqs: SQSClient;
  const QueueUrl = 'http://127.0.0.1/000000000000/nashra-send';
  beforeAll(async () => {
    endpoint = await startSqsEndpoint(runtime);
    sqs = client(SQSClient, endpoint.url);
  });
  afterAll(async () => {
    sqs.destroy();
    runtime.stop();
    await endpoint.close();
  });

  it('a message over 1 MiB, and a deduplication id on a standard queue', async () => {
    const huge = 'x'.repeat(1024 * 1024 + 1);
    queue.send([huge]);
    await runtime.idle();
    expect(received.at(-1)).toHaveLength(huge.length);

    await expect(sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: huge }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(
      sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x', MessageDeduplicationId: 'd1' })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
      message: expect.stringMatching(/not valid for this queue type/),
    });
  });

  it('eleven entries in one batch, with the Query-compatible code the SDK reads', async () => {
    const entries = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: `{"n":${i}}` }));
    await expect(sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: entries }))).rejects.toMatchObject(
      {
        name: 'TooManyEntriesInBatchRequest',
        Code: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
      },
    );
  });

  it('takes what the product sends: SqsSendQueue batches of ten', async () => {
    const before = received.length;
    const jobs = Array.from({ length: 25 }, (_, i) => ({ issueId: 'i1', subscriberId: `s${i}` }));
    await new SqsSendQueue(sqs, QueueUrl).enqueue(jobs as never);
    await runtime.idle();
    expect(received.length - before).toBe(25);
  });
});

describe('SQS: a dead-letter queue through the local SQS endpoint', () => {
  const triggers = new LocalTriggers('eu-west-1');
  const held = triggers.heldQueue('nashra-send-dlq');
  const QueueUrl = 'http://127.0.0.1/000000000000/nashra-send-dlq';
  let endpoint: RunningService;
  let sqs: SQSClient;
  beforeAll(async () => {
    endpoint = await startSqsEndpoint(triggers);
    sqs = client(SQSClient, endpoint.url);
  });
  afterAll(async () => {
    sqs.destroy();
    triggers.stop();
    await endpoint.close();
  });

  it('receives, hides, shows again and deletes as SQS does, refusing what SQS refuses', async () => {
    held.send(['{"n":1}', '{"n":2}']);
    const first = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 60 }),
    );
    expect(first.Messages?.map((m) => m.Body)).toEqual(['{"n":1}', '{"n":2}']);
    expect(first.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe('1');
    // Hidden while received.
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages ?? []).toEqual([]);
    const [one, two] = first.Messages ?? [];
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl,
        ReceiptHandle: one?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: two?.ReceiptHandle }));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
    expect(again.Messages?.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([
      ['{"n":1}', '2'],
    ]);

    // The first receipt handle is stale now; the deleted message's is gone.
    await expect(
      sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: one?.ReceiptHandle })),
    ).rejects.toMatchObject({
      name: 'ReceiptHandleIsInvalid',
    });
    await expect(
      sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl,
          ReceiptHandle: two?.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      ),
    ).rejects.toMatchObject({ name: 'ReceiptHandleIsInvalid' });
    const current = again.Messages?.[0]?.ReceiptHandle;
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: current, VisibilityTimeout: 0 }),
    );
    await expect(
      sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: current, VisibilityTimeout: 0 }),
      ),
    ).rejects.toMatchObject({
      name: 'MessageNotInflight',
      Code: 'AWS.SimpleQueueService.MessageNotInflight',
    });

    await expect(
      sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    await expect(
      sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 43_201 })),
    ).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(
      sqs.send(new ReceiveMessageCommand({ QueueUrl: 'http://127.0.0.1/000000000000/nowhere' })),
    ).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    const last = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: last.Messages?.[0]?.ReceiptHandle }));
    expect(held.depth).toEqual({ waiting: 0, inFlight: 0 });
  });

  it('is what the product reads: listing leaves it as it was, a redrive deletes what went through', async () => {
    const queue = new SqsDeadLetterQueue(sqs, QueueUrl);
    const job = { issueId: 'i1', subscriberId: 's1', variantKey: 'en' };
    held.send([JSON.stringify(job), 'not a job']);
    const listed = await listDeadLetters(queue, 'send');
    expect(listed.map((view) => view.content.kind)).toEqual(['send-job', 'unreadable']);
    expect(held.depth).toEqual({ waiting: 2, inFlight: 0 });
    const requeued: unknown[] = [];
    const report = await redriveDeadLetters(queue, 'send', {
      sendQueue: { enqueue: async (jobs) => void requeued.push(...jobs) },
      runDigest: async () => undefined,
      articles: { listFirstSeen: async () => [] },
      announce: async () => undefined,
      applyFeedback: async () => undefined,
    });
    expect(report.redriven).toHaveLength(1);
    expect(report.failed).toEqual([
      { id: listed[1]?.id, reason: expect.stringMatching(/cannot redrive it: not a send job/) },
    ]);
    expect(requeued).toEqual([job]);
    expect(held.depth).toEqual({ waiting: 1, inFlight: 0 });
  });
});
