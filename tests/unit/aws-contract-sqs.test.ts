import { describe, expect, it } from 'vitest';
import {
  checkSqsRequest,
  MAX_MESSAGE_BYTES,
  MAX_VISIBILITY_SECONDS,
  sqsQueryErrorCode,
} from '../../functions/local/aws-contract/sqs';

const standard = 'http://127.0.0.1/000000000000/nashra-send';
const fifo = 'http://127.0.0.1/000000000000/nashra-send.fifo';
const entries = (n: number, body = 'x') =>
  Array.from({ length: n }, (_, i) => ({ Id: String(i), MessageBody: body }));
const batch = (queue: string, list: unknown[]) =>
  checkSqsRequest('SendMessageBatch', { QueueUrl: queue, Entries: list });
const one = (message: Record<string, unknown>, queue = standard) =>
  checkSqsRequest('SendMessage', { QueueUrl: queue, ...message });

describe('the SQS contract (SendMessage, SendMessageBatch)', () => {
  it('takes up to 10 entries adding up to 1 MiB, and refuses more of either', () => {
    expect(batch(standard, entries(10))).toBeUndefined();
    expect(batch(standard, entries(11))?.code).toBe('TooManyEntriesInBatchRequest');
    expect(batch(standard, [])?.code).toBe('EmptyBatchRequest');
    const tenth = Math.floor(MAX_MESSAGE_BYTES / 10);
    expect(batch(standard, entries(10, 'a'.repeat(tenth)))).toBeUndefined();
    expect(batch(standard, entries(10, 'a'.repeat(tenth + 1)))).toMatchObject({
      code: 'BatchRequestTooLong',
      message: `Batch requests cannot be longer than 1048576 bytes. You have sent ${10 * (tenth + 1)} bytes.`,
    });
  });

  it('takes a single message of exactly 1 MiB (the 2025 limit, not the old 256 KiB) and refuses one byte more', () => {
    expect(one({ MessageBody: 'a'.repeat(MAX_MESSAGE_BYTES) })).toBeUndefined();
    expect(one({ MessageBody: 'a'.repeat(MAX_MESSAGE_BYTES + 1) })?.code).toBe('InvalidParameterValue');
  });

  it('counts a body in UTF-8 bytes with its attributes, and refuses characters outside the XML set', () => {
    const arabic = 'ن'.repeat(MAX_MESSAGE_BYTES / 2);
    expect(one({ MessageBody: arabic })).toBeUndefined();
    expect(
      one({ MessageBody: arabic, MessageAttributes: { k: { DataType: 'String', StringValue: 'v' } } })?.code,
    ).toBe('InvalidParameterValue');
    expect(one({ MessageBody: 'bell \u0007' })?.code).toBe('InvalidMessageContents');
    expect(one({ MessageBody: '' })?.code).toBe('MissingParameter');
  });

  it('refuses batch entry ids that repeat or are not 1–80 of [A-Za-z0-9_-]', () => {
    expect(batch(standard, [...entries(2), { Id: '1', MessageBody: 'y' }])?.code).toBe(
      'BatchEntryIdsNotDistinct',
    );
    expect(batch(standard, [{ Id: 'job 1', MessageBody: 'x' }])?.code).toBe('InvalidBatchEntryId');
    expect(batch(standard, [{ Id: 'a'.repeat(81), MessageBody: 'x' }])?.code).toBe('InvalidBatchEntryId');
  });

  it('holds message attributes to their documented rules', () => {
    const attributes = (value: Record<string, unknown>) =>
      one({ MessageBody: 'x', MessageAttributes: value });
    const text = { DataType: 'String', StringValue: 'v' };
    expect(
      attributes({ kind: text, 'x-trace.id': text, count: { DataType: 'Number.int', StringValue: '3' } }),
    ).toBeUndefined();
    expect(attributes(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, text])))?.code).toBe(
      'InvalidParameterValue',
    );
    for (const name of ['AWS.trace', 'amazon.x', '.lead', 'trail.', 'a..b', 'spaced name'])
      expect(attributes({ [name]: text })?.code, name).toBe('InvalidAttributeName');
    expect(attributes({ k: { DataType: 'Text', StringValue: 'v' } })?.code).toBe('InvalidParameterValue');
    expect(attributes({ k: { DataType: 'String', StringValue: '' } })?.code).toBe('InvalidParameterValue');
    expect(attributes({ k: { DataType: 'Number', StringValue: 'three' } })?.code).toBe(
      'InvalidParameterValue',
    );
  });

  it('refuses FIFO-only fields on a standard queue, but takes MessageGroupId there (fair queues)', () => {
    expect(one({ MessageBody: 'x', MessageGroupId: 'tenant-1' })).toBeUndefined();
    expect(one({ MessageBody: 'x', MessageDeduplicationId: 'd1' })?.message).toMatch(
      /not valid for this queue type/,
    );
    expect(one({ MessageBody: 'x', MessageGroupId: 'g', DelaySeconds: 5 }, fifo)?.message).toMatch(
      /DelaySeconds .*not valid for this queue type/,
    );
    expect(one({ MessageBody: 'x' }, fifo)?.code).toBe('MissingParameter');
    expect(one({ MessageBody: 'x', MessageGroupId: 'g', MessageDeduplicationId: 'd' }, fifo)).toBeUndefined();
    expect(one({ MessageBody: 'x', DelaySeconds: 901 })?.code).toBe('InvalidParameterValue');
  });

  it('pairs each JSON error with the Query code SQS names it by', () => {
    expect(sqsQueryErrorCode('TooManyEntriesInBatchRequest')).toBe(
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    );
    expect(sqsQueryErrorCode('QueueDoesNotExist')).toBe('AWS.SimpleQueueService.NonExistentQueue');
    expect(sqsQueryErrorCode('InvalidParameterValue')).toBe('InvalidParameterValue');
  });
});

describe('the SQS contract (ReceiveMessage, ChangeMessageVisibility, DeleteMessage)', () => {
  const receive = (input: Record<string, unknown>) =>
    checkSqsRequest('ReceiveMessage', { QueueUrl: standard, ...input });

  it('receives 1 to 10 messages, hidden for at most 12 hours, waiting at most 20 seconds', () => {
    expect(
      receive({ MaxNumberOfMessages: 10, VisibilityTimeout: MAX_VISIBILITY_SECONDS, WaitTimeSeconds: 20 }),
    ).toBeUndefined();
    expect(receive({})).toBeUndefined();
    expect(receive({ MaxNumberOfMessages: 11 })).toEqual({
      code: 'InvalidParameterValue',
      message:
        'Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.',
    });
    expect(receive({ MaxNumberOfMessages: 0 })?.code).toBe('InvalidParameterValue');
    expect(receive({ VisibilityTimeout: MAX_VISIBILITY_SECONDS + 1 })?.code).toBe('InvalidParameterValue');
    expect(receive({ WaitTimeSeconds: 21 })?.code).toBe('InvalidParameterValue');
  });

  it('needs a receipt handle to change or delete, and a visibility timeout of 0 to 12 hours to change', () => {
    const handle = { QueueUrl: standard, ReceiptHandle: 'r' };
    expect(checkSqsRequest('DeleteMessage', handle)).toBeUndefined();
    expect(checkSqsRequest('DeleteMessage', { QueueUrl: standard })?.code).toBe('MissingParameter');
    expect(checkSqsRequest('ChangeMessageVisibility', { ...handle, VisibilityTimeout: 0 })).toBeUndefined();
    expect(checkSqsRequest('ChangeMessageVisibility', handle)?.code).toBe('MissingParameter');
    expect(checkSqsRequest('ChangeMessageVisibility', { ...handle, VisibilityTimeout: -1 })?.code).toBe(
      'InvalidParameterValue',
    );
    expect(sqsQueryErrorCode('MessageNotInflight')).toBe('AWS.SimpleQueueService.MessageNotInflight');
  });
});
