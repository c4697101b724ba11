import type { Refusal } from './refusal';

/**
 * SendMessage and SendMessageBatch as the current SQS API reference states them (the message size
 * limit went from 256 KiB to 1 MiB in 2025):
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 * - one message at most 1 MiB (1,048,576 bytes), body and message attributes together; a batch at
 *   most 10 entries whose messages add up to at most 1 MiB;
 * - a body of at least one character, only of #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD |
 *   #x10000–#x10FFFF;
 * - batch entry ids unique, at most 80 of `[A-Za-z0-9_-]`;
 * - DelaySeconds 0–900, and not per message on a FIFO queue; MessageDeduplicationId only on a FIFO
 *   queue; MessageGroupId on both since fair queues (standard queues take it for fairness), required
 *   on a FIFO queue; both at most 128 alphanumeric or punctuation characters.
 */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
export const MAX_BATCH_ENTRIES = 10;
/**
 * Message attributes: at most 10 per message; names of `A-Za-z0-9_-.`, at most 256 characters, not
 * starting with `AWS.` or `Amazon.` in any case, not starting or ending with a period, no `..`; a
 * data type of String, Number or Binary with an optional `.label`, at most 256 characters; name,
 * type and value not empty.
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html
 */
export const MAX_MESSAGE_ATTRIBUTES = 10;

interface AttributeValue {
  DataType?: string;
  StringValue?: string;
  BinaryValue?: string;
}

interface MessageFields {
  MessageBody?: unknown;
  DelaySeconds?: unknown;
  MessageAttributes?: Record<string, AttributeValue>;
  MessageDeduplicationId?: unknown;
  MessageGroupId?: unknown;
}

const refuse = (code: string, message: string): Refusal => ({ code, message });
const invalidParameter = (message: string) => refuse('InvalidParameterValue', message);

/** The characters the API reference allows in a body (the XML 1.0 character set). */
const allowedCharacters = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const batchEntryId = /^[A-Za-z0-9_-]{1,80}$/;
const groupOrDeduplicationId = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;
const attributeName = /^[A-Za-z0-9_.-]{1,256}$/;
const attributeType = /^(String|Number|Binary)(\..+)?$/;

const utf8 = (text: string) => Buffer.byteLength(text, 'utf8');

/** A message's size as SQS counts it: the body and every part of every attribute. */
export function messageSize(message: MessageFields): number {
  const body = typeof message.MessageBody === 'string' ? utf8(message.MessageBody) : 0;
  return Object.entries(message.MessageAttributes ?? {}).reduce(
    (sum, [name, value]) =>
      sum +
      utf8(name) +
      utf8(value.DataType ?? '') +
      utf8(value.StringValue ?? '') +
      Buffer.from(value.BinaryValue ?? '', 'base64').length,
    body,
  );
}

function checkAttributes(attributes: Record<string, AttributeValue>): Refusal | undefined {
  const names = Object.keys(attributes);
  if (names.length > MAX_MESSAGE_ATTRIBUTES)
    return invalidParameter(
      `Number of message attributes [${names.length}] exceeds the allowed maximum [10].`,
    );
  for (const [name, value] of Object.entries(attributes)) {
    if (
      !attributeName.test(name) ||
      /^(aws|amazon)\./i.test(name) ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      name.includes('..')
    )
      return refuse('InvalidAttributeName', `Message attribute name '${name}' is invalid.`);
    const type = value.DataType ?? '';
    if (!attributeType.test(type) || type.length > 256)
      return invalidParameter(`The type of message (user) attribute '${name}' is invalid.`);
    const isBinary = type.startsWith('Binary');
    const content = isBinary ? value.BinaryValue : value.StringValue;
    if (content === undefined || content === '')
      return invalidParameter(
        `Message (user) attribute '${name}' must contain a non-empty value of type '${type}'.`,
      );
    if (!isBinary && !allowedCharacters.test(content))
      return invalidParameter(
        `Message (user) attribute '${name}' contains characters outside the allowed set.`,
      );
    if (type.startsWith('Number') && !/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(content))
      return invalidParameter(`Can't cast the value of message (user) attribute '${name}' to a number.`);
  }
  return undefined;
}

function checkMessage(message: MessageFields, fifo: boolean): Refusal | undefined {
  const body = message.MessageBody;
  if (typeof body !== 'string' || body.length === 0)
    return refuse('MissingParameter', 'The request must contain the parameter MessageBody.');
  if (!allowedCharacters.test(body))
    return refuse(
      'InvalidMessageContents',
      'Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF',
    );
  const size = messageSize(message);
  if (size > MAX_MESSAGE_BYTES)
    return invalidParameter(
      `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`,
    );
  const delay = message.DelaySeconds;
  if (delay !== undefined) {
    if (fifo)
      return invalidParameter(
        'Value for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.',
      );
    if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > 900)
      return invalidParameter(
        `Value ${String(delay)} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900, if provided.`,
      );
  }
  if (message.MessageDeduplicationId !== undefined && !fifo)
    return invalidParameter(
      'Value for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.',
    );
  if (fifo && message.MessageGroupId === undefined)
    return refuse('MissingParameter', 'The request must contain the parameter MessageGroupId.');
  for (const field of ['MessageGroupId', 'MessageDeduplicationId'] as const) {
    const value = message[field];
    if (value !== undefined && (typeof value !== 'string' || !groupOrDeduplicationId.test(value)))
      return invalidParameter(`Value ${String(value)} for parameter ${field} is invalid.`);
  }
  return message.MessageAttributes ? checkAttributes(message.MessageAttributes) : undefined;
}

/**
 * An integer parameter within SQS's bounds, or the refusal SQS answers (ReceiveMessage,
 * ChangeMessageVisibility: MaxNumberOfMessages 1–10, VisibilityTimeout 0–43,200 s (12 hours),
 * WaitTimeSeconds 0–20):
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ChangeMessageVisibility.html
 */
function checkBounded(
  input: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
  required = false,
): Refusal | undefined {
  const value = input[name];
  if (value === undefined)
    return required
      ? refuse('MissingParameter', `The request must contain the parameter ${name}.`)
      : undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    return invalidParameter(
      `Value ${String(value)} for parameter ${name} is invalid. Reason: Must be between ${min} and ${max}, if provided.`,
    );
  return undefined;
}

function checkReceiptHandle(input: Record<string, unknown>): Refusal | undefined {
  const handle = input.ReceiptHandle;
  if (typeof handle !== 'string' || handle.length === 0)
    return refuse('MissingParameter', 'The request must contain the parameter ReceiptHandle.');
  return undefined;
}

/** The largest visibility timeout SQS takes: 12 hours. */
export const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * What SQS would refuse in a request (AWS JSON 1.0 body): a SendMessage or SendMessageBatch to a queue
 * that is FIFO when its name ends in `.fifo` (batch-wide faults refuse the whole request, as SQS does),
 * a ReceiveMessage, ChangeMessageVisibility or DeleteMessage with a parameter out of bounds or missing.
 */
export function checkSqsRequest(operation: string, input: Record<string, unknown>): Refusal | undefined {
  const fifo = String(input.QueueUrl ?? '').endsWith('.fifo');
  if (operation === 'SendMessage') return checkMessage(input as MessageFields, fifo);
  if (operation === 'ReceiveMessage')
    return (
      checkBounded(input, 'MaxNumberOfMessages', 1, MAX_BATCH_ENTRIES) ??
      checkBounded(input, 'VisibilityTimeout', 0, MAX_VISIBILITY_SECONDS) ??
      checkBounded(input, 'WaitTimeSeconds', 0, 20)
    );
  if (operation === 'ChangeMessageVisibility')
    return (
      checkReceiptHandle(input) ?? checkBounded(input, 'VisibilityTimeout', 0, MAX_VISIBILITY_SECONDS, true)
    );
  if (operation === 'DeleteMessage') return checkReceiptHandle(input);
  if (operation !== 'SendMessageBatch') return undefined;
  const entries = (input.Entries ?? []) as Array<MessageFields & { Id?: unknown }>;
  if (entries.length === 0)
    return refuse(
      'EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    );
  if (entries.length > MAX_BATCH_ENTRIES)
    return refuse(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`,
    );
  const ids = new Set<string>();
  for (const entry of entries) {
    const id = String(entry.Id ?? '');
    if (!batchEntryId.test(id))
      return refuse(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
      );
    if (ids.has(id)) return refuse('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    ids.add(id);
  }
  const total = entries.reduce((sum, entry) => sum + messageSize(entry), 0);
  if (total > MAX_MESSAGE_BYTES)
    return refuse(
      'BatchRequestTooLong',
      `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes. You have sent ${total} bytes.`,
    );
  for (const entry of entries) {
    const refusal = checkMessage(entry, fifo);
    if (refusal) return refusal;
  }
  return undefined;
}

/**
 * The `x-amzn-query-error` code SQS pairs with each JSON error (`awsQueryCompatible`), as the service
 * model the SDK carries names them; unlisted codes are the same in both.
 */
export function sqsQueryErrorCode(code: string): string {
  const queryCodes: Record<string, string> = {
    BatchEntryIdsNotDistinct: 'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
    BatchRequestTooLong: 'AWS.SimpleQueueService.BatchRequestTooLong',
    EmptyBatchRequest: 'AWS.SimpleQueueService.EmptyBatchRequest',
    InvalidBatchEntryId: 'AWS.SimpleQueueService.InvalidBatchEntryId',
    TooManyEntriesInBatchRequest: 'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
    QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
    MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
  };
  return queryCodes[code] ?? code;
}
