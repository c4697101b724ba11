import * as z from 'zod';
import type { Article } from './article';
import { NotFoundError } from './errors';
import type { SendJob, SendQueue } from './ports';

/**
 * The four dead-letter queues of a stage and what lands in each:
 * - `send`: send jobs the sender failed on every receive (the job, as it was queued);
 * - `schedule`: digest firings that EventBridge Scheduler could not hand over (the schedule's input,
 *   with Scheduler's error attributes), or that the digest function failed after its retries (Lambda's
 *   on-failure record around that input); also the clocks' own firings (feed poller, sweep);
 * - `stream`: batches of the articles stream the alert function gave up on: Lambda's on-failure record
 *   names only the shard positions, which expire with the stream's 24 hours, never the records;
 * - `feedback`: SNS deliveries of SES bounces and complaints the feedback function failed on (Lambda's
 *   on-failure record around the SNS event).
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html
 */
export const deadLetterKinds = ['send', 'schedule', 'stream', 'feedback'] as const;
export type DeadLetterKind = (typeof deadLetterKinds)[number];

/** The name of a dead-letter queue in local mode (the last segment of its queue URL). */
export const localDeadLetterQueueName = (kind: DeadLetterKind) => `nashra-${kind}-dlq`;

/** One received message of a dead-letter queue: hidden from other readers until released or removed. */
export interface DeadLetter {
  id: string;
  body: string;
  /** When it was first put in the queue (ISO). */
  sentAt?: string;
  receiveCount: number;
  /** SQS message attributes (Scheduler puts its error code and message there). */
  attributes: Record<string, string>;
  /** What releases or removes this receipt of the message. */
  receipt: string;
}

/** A dead-letter queue, as staff commands read it (SQS ReceiveMessage, ChangeMessageVisibility, DeleteMessage). */
export interface DeadLetterQueue {
  /** Up to `max` (≤ 10) waiting messages, hidden from anyone else for `holdSeconds`. */
  receive(max: number, holdSeconds: number): Promise<DeadLetter[]>;
  /** Shows a received message again at once. */
  release(letter: DeadLetter): Promise<void>;
  /** Deletes a received message: it was dealt with. */
  remove(letter: DeadLetter): Promise<void>;
}

/** What a dead letter holds, read: what `nashra dlq redrive` will do again. */
export type DeadLetterContent =
  | { kind: 'send-job'; job: SendJob }
  | { kind: 'digest-firing'; scheduleName: string; scheduledTime?: string }
  /** The feed poller's or the sweep's own clock: the next tick does the work again. */
  | { kind: 'clock-firing' }
  | { kind: 'stream-batch'; firstArrival: string; lastArrival: string; records: number }
  | { kind: 'ses-events'; payload: unknown; events: number }
  | { kind: 'unreadable'; reason: string };

export interface DeadLetterView {
  id: string;
  sentAt?: string;
  receiveCount: number;
  content: DeadLetterContent;
  /** Why it failed, where the record says (Lambda's error, Scheduler's error attributes). */
  error?: string;
  /** One line for a listing. */
  summary: string;
}

const sendJobSchema = z.object({
  issueId: z.string().min(1).max(200),
  subscriberId: z.string().min(1).max(64),
  variantKey: z.string().min(1).max(100),
});
const digestFiringSchema = z.object({
  scheduleName: z.string().min(1),
  scheduledTime: z.string().optional(),
});
/** Lambda's on-failure destination record of an asynchronous invocation. */
const asyncFailureSchema = z.object({
  requestContext: z.object({ condition: z.string().optional() }).loose(),
  requestPayload: z.unknown(),
  responsePayload: z
    .object({ errorType: z.string().optional(), errorMessage: z.string().optional() })
    .loose()
    .optional(),
});
/** Lambda's on-failure destination record of a stream event source. */
const streamFailureSchema = z.object({
  requestContext: z.object({ condition: z.string().optional() }).loose().optional(),
  DDBStreamBatchInfo: z.object({
    approximateArrivalOfFirstRecord: z.string(),
    approximateArrivalOfLastRecord: z.string(),
    batchSize: z.number().int(),
  }),
});
const snsEventSchema = z.object({ Records: z.array(z.unknown()).min(1) }).loose();

const json = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Reads one dead letter of a queue: what it holds, why it failed, one line to list it by. */
export function readDeadLetter(kind: DeadLetterKind, letter: DeadLetter): DeadLetterView {
  const body = json(letter.body);
  const asyncFailure = asyncFailureSchema.safeParse(body);
  const lambdaError = asyncFailure.success
    ? [asyncFailure.data.responsePayload?.errorType, asyncFailure.data.responsePayload?.errorMessage]
        .filter(Boolean)
        .join(': ') || asyncFailure.data.requestContext.condition
    : undefined;
  const schedulerError = letter.attributes.ERROR_CODE
    ? `${letter.attributes.ERROR_CODE}: ${letter.attributes.ERROR_MESSAGE ?? ''}`.trim()
    : undefined;
  const payload = asyncFailure.success ? asyncFailure.data.requestPayload : body;
  const content = contentOf(kind, body, payload);
  const error = lambdaError ?? schedulerError;
  return {
    id: letter.id,
    ...(letter.sentAt ? { sentAt: letter.sentAt } : {}),
    receiveCount: letter.receiveCount,
    content,
    ...(error ? { error } : {}),
    summary: summaryOf(content),
  };
}

function contentOf(kind: DeadLetterKind, body: unknown, payload: unknown): DeadLetterContent {
  switch (kind) {
    case 'send': {
      const job = sendJobSchema.safeParse(body);
      return job.success
        ? { kind: 'send-job', job: job.data }
        : { kind: 'unreadable', reason: 'not a send job' };
    }
    case 'schedule': {
      const firing = digestFiringSchema.safeParse(payload);
      if (firing.success) return { kind: 'digest-firing', ...firing.data };
      return payload !== undefined && typeof payload === 'object'
        ? { kind: 'clock-firing' }
        : { kind: 'unreadable', reason: 'not a schedule firing' };
    }
    case 'stream': {
      const batch = streamFailureSchema.safeParse(body);
      if (!batch.success) return { kind: 'unreadable', reason: 'not a stream batch record' };
      const info = batch.data.DDBStreamBatchInfo;
      return {
        kind: 'stream-batch',
        firstArrival: info.approximateArrivalOfFirstRecord,
        lastArrival: info.approximateArrivalOfLastRecord,
        records: info.batchSize,
      };
    }
    case 'feedback': {
      const event = snsEventSchema.safeParse(payload);
      return event.success
        ? { kind: 'ses-events', payload: event.data, events: event.data.Records.length }
        : { kind: 'unreadable', reason: 'not an SNS delivery of SES events' };
    }
  }
}

function summaryOf(content: DeadLetterContent): string {
  switch (content.kind) {
    case 'send-job':
      return `send job: issue ${content.job.issueId}, reader ${content.job.subscriberId}, variant ${content.job.variantKey}`;
    case 'digest-firing':
      return `digest firing: schedule ${content.scheduleName}${content.scheduledTime ? ` due ${content.scheduledTime}` : ''}`;
    case 'clock-firing':
      return 'a clock firing of the feed poller or the sweep (the next tick does its work)';
    case 'stream-batch':
      return `articles stream: ${content.records} records that arrived ${content.firstArrival} to ${content.lastArrival}`;
    case 'ses-events':
      return `SES feedback: ${content.events} event${content.events === 1 ? '' : 's'}`;
    case 'unreadable':
      return `unreadable: ${content.reason}`;
  }
}

/** How long a command keeps the messages it received out of others' sight while it works. */
const HOLD_SECONDS = { read: 60, redrive: 15 * 60 };

/**
 * Receives every message of a queue (up to `max`) for `holdSeconds`, runs `use` on them, and then
 * shows again each one `use` did not remove, whatever happened: a failed command leaves the queue as
 * it found it.
 */
async function withEveryLetter<T>(
  queue: DeadLetterQueue,
  max: number,
  holdSeconds: number,
  use: (letters: DeadLetter[], removed: Set<DeadLetter>) => Promise<T>,
): Promise<T> {
  const letters: DeadLetter[] = [];
  while (letters.length < max) {
    const batch = await queue.receive(Math.min(10, max - letters.length), holdSeconds);
    if (batch.length === 0) break;
    letters.push(...batch);
  }
  const removed = new Set<DeadLetter>();
  try {
    return await use(letters, removed);
  } finally {
    for (const letter of letters.filter((l) => !removed.has(l))) await queue.release(letter);
  }
}

/** The messages a dead-letter queue holds (up to `max`), oldest first, read; the queue is left as it was. */
export async function listDeadLetters(
  queue: DeadLetterQueue,
  kind: DeadLetterKind,
  max = 100,
): Promise<DeadLetterView[]> {
  return withEveryLetter(queue, max, HOLD_SECONDS.read, async (letters) =>
    letters.map((letter) => readDeadLetter(kind, letter)),
  );
}

/** One message of a dead-letter queue, read in full, with its body as it was put there. */
export async function showDeadLetter(
  queue: DeadLetterQueue,
  kind: DeadLetterKind,
  id: string,
  max = 1000,
): Promise<DeadLetterView & { body: unknown; attributes: Record<string, string> }> {
  return withEveryLetter(queue, max, HOLD_SECONDS.read, async (letters) => {
    const letter = letters.find((candidate) => candidate.id === id);
    if (!letter) throw new NotFoundError(`no message ${id} in the ${kind} dead-letter queue`);
    return {
      ...readDeadLetter(kind, letter),
      body: json(letter.body) ?? letter.body,
      attributes: letter.attributes,
    };
  });
}

/** What a redrive does again for each kind of dead letter: the same work the failed function would have done. */
export interface Redrivers {
  /** A send job goes back on the send queue (its delivery claim keeps a reader from a second copy). */
  sendQueue: SendQueue;
  /** A digest firing runs again (one window, one issue: a repeat sends nothing twice). */
  runDigest: (firing: { scheduleName: string; scheduledTime?: string }) => Promise<unknown>;
  /**
   * A stream batch: its articles are read again from the table by when they were first stored (its
   * shard positions expire with the stream's 24 hours). Reads the whole table: staff redrives only.
   */
  articles: { listFirstSeen(range: { since: string; until: string }): Promise<Article[]> };
  /** …and each is announced to the alert path again (one alert per article, whatever repeats). */
  announce: (article: Article) => Promise<void>;
  /** An SNS delivery of SES events is applied again (suppressing a reader twice changes nothing). */
  applyFeedback: (payload: unknown) => Promise<unknown>;
}

export interface RedriveReport {
  redriven: Array<{ id: string; did: string }>;
  failed: Array<{ id: string; reason: string }>;
  /** Messages of the queue the redrive was not asked about, left where they were. */
  left: number;
}

/** Stream records are stamped to the second; articles are read from a minute either side. */
const ARRIVAL_MARGIN_MS = 60_000;

async function redriveOne(content: DeadLetterContent, deps: Redrivers): Promise<string> {
  switch (content.kind) {
    case 'send-job':
      await deps.sendQueue.enqueue([content.job]);
      return 'queued the send job again';
    case 'digest-firing':
      await deps.runDigest(content);
      return `ran schedule ${content.scheduleName}${content.scheduledTime ? ` for ${content.scheduledTime}` : ''} again`;
    case 'clock-firing':
      return 'nothing to run again: the next tick of the clock did it';
    case 'stream-batch': {
      const articles = await deps.articles.listFirstSeen({
        since: new Date(Date.parse(content.firstArrival) - ARRIVAL_MARGIN_MS).toISOString(),
        until: new Date(Date.parse(content.lastArrival) + ARRIVAL_MARGIN_MS).toISOString(),
      });
      for (const article of articles) await deps.announce(article);
      return `announced ${articles.length} article${articles.length === 1 ? '' : 's'} stored then to the alert path again`;
    }
    case 'ses-events':
      await deps.applyFeedback(content.payload);
      return `applied ${content.events} SES event${content.events === 1 ? '' : 's'} again`;
    case 'unreadable':
      throw new Error(
        `cannot redrive it: ${content.reason}; read it with \`nashra dlq show\` and delete it by hand`,
      );
  }
}

/**
 * Does again what each chosen dead letter failed to do (all of them, or the ids given), and deletes
 * each one that went through; one that fails again stays in the queue with the reason reported.
 * Redrive only once the cause is fixed: the work is the same as the first time.
 */
export async function redriveDeadLetters(
  queue: DeadLetterQueue,
  kind: DeadLetterKind,
  deps: Redrivers,
  options: { ids?: string[]; max?: number } = {},
): Promise<RedriveReport> {
  return withEveryLetter(queue, options.max ?? 1000, HOLD_SECONDS.redrive, async (letters, removed) => {
    const wanted = options.ids ? new Set(options.ids) : undefined;
    const missing = [...(wanted ?? [])].filter((id) => !letters.some((letter) => letter.id === id));
    if (missing.length > 0)
      throw new NotFoundError(`no message ${missing.join(', ')} in the ${kind} dead-letter queue`);
    const report: RedriveReport = { redriven: [], failed: [], left: 0 };
    for (const letter of letters) {
      if (wanted && !wanted.has(letter.id)) {
        report.left += 1;
        continue;
      }
      try {
        const did = await redriveOne(readDeadLetter(kind, letter).content, deps);
        await queue.remove(letter);
        removed.add(letter);
        report.redriven.push({ id: letter.id, did });
      } catch (error) {
        report.failed.push({ id: letter.id, reason: (error as Error).message });
      }
    }
    return report;
  });
}
