import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../shared/logger';
import { QueueJournal } from './queue-journal';

export interface LocalQueueOptions {
  name: string;
  region: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  batchSize: number;
  /** The event source's maximum concurrency: batches handled at once. */
  maxConcurrency: number;
  /** How long a failed message stays invisible before it is handed out again. */
  visibilityTimeoutMs: number;
  /** After this many failed receives a message goes to the dead-letter list, as SQS redrive does. */
  maxReceiveCount: number;
  onDeadLetter?: (record: SQSRecord) => void | Promise<void>;
  /**
   * A folder that keeps every message until it is handled, as SQS keeps it (a journal,
   * functions/local/queue-journal.ts): a process that dies leaves its queue there, and the next one to
   * open the stack takes it up.
   */
  store?: string;
}

interface QueuedMessage {
  messageId: string;
  body: string;
  sentAt: number;
  firstReceivedAt?: number;
  receiveCount: number;
  visibleAt: number;
}

/**
 * Stands in for an SQS queue with a Lambda event source (ReportBatchItemFailures): batches of up to
 * `batchSize`, at most `maxConcurrency` in flight, failed records visible again after the visibility
 * timeout, dead-lettered after `maxReceiveCount` receives. With `store`, every message is also kept
 * on disk until it is handled, so a killed process loses nothing; the delivery records make it safe
 * to send again.
 */
export class LocalQueue {
  /** Visible messages, oldest first; `head` skips the ones already taken (compacted now and then). */
  private ready: QueuedMessage[] = [];
  private head = 0;
  /** Failed messages waiting out their visibility timeout. */
  private delayed: QueuedMessage[] = [];
  private inFlightMessages = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private waiters: Array<() => void> = [];
  private readonly journal: QueueJournal<QueuedMessage> | undefined;
  readonly deadLetters: SQSRecord[] = [];

  constructor(private readonly options: LocalQueueOptions) {
    if (!options.store) return;
    this.journal = new QueueJournal(options.store);
    const kept = this.journal.recover();
    for (const message of kept) this.ready.push({ ...message, visibleAt: Date.now() });
    if (kept.length > 0) queueMicrotask(() => this.pump());
  }

  /** Messages queued, waiting or in flight. */
  get depth(): number {
    return this.ready.length - this.head + this.delayed.length + this.inFlightMessages;
  }

  /** Queues these message bodies; returns the id each got, in order (SQS answers with them). */
  send(bodies: readonly string[]): string[] {
    const now = Date.now();
    const messages = bodies.map((body) => ({
      messageId: randomUUID(),
      body,
      sentAt: now,
      receiveCount: 0,
      visibleAt: now,
    }));
    this.journal?.put(messages);
    this.ready.push(...messages);
    this.pump();
    return messages.map((message) => message.messageId);
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.depth === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Hands out no more messages (the event source is gone), as at shutdown. Messages sent after are
   * still taken and kept, as SQS keeps them while nothing consumes the queue.
   */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.journal?.close();
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private pump(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const now = Date.now();
    if (this.delayed.some((m) => m.visibleAt <= now)) {
      this.ready.push(...this.delayed.filter((m) => m.visibleAt <= now));
      this.delayed = this.delayed.filter((m) => m.visibleAt > now);
    }
    while (this.inFlight < this.options.maxConcurrency && this.head < this.ready.length) {
      // In flight until the handler returns: on AWS the visibility timeout (6 × the function's
      // timeout) outlasts any invocation, so a message is never handed out twice at once.
      const batch = this.ready.slice(this.head, this.head + this.options.batchSize);
      this.head += batch.length;
      for (const message of batch) {
        message.receiveCount += 1;
        message.firstReceivedAt ??= now;
      }
      this.inFlight += 1;
      this.inFlightMessages += batch.length;
      void this.deliver(batch).finally(() => {
        this.inFlight -= 1;
        this.inFlightMessages -= batch.length;
        this.pump();
      });
    }
    if (this.head > 1024 && this.head * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.head);
      this.head = 0;
    }
    if (this.delayed.length > 0) {
      const next = this.delayed.reduce(
        (soonest, m) => Math.min(soonest, m.visibleAt),
        Number.POSITIVE_INFINITY,
      );
      this.timer = setTimeout(() => this.pump(), Math.max(0, next - now));
    }
    if (this.depth === 0) {
      this.journal?.clear();
      for (const resolve of this.waiters.splice(0)) resolve();
    }
  }

  private async deliver(batch: QueuedMessage[]): Promise<void> {
    const records = batch.map((message) => this.record(message));
    let failed: Set<string>;
    try {
      const response = await this.options.handler({ Records: records });
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
    } catch (error) {
      logger.error('local queue handler threw; the whole batch will be retried', {
        queue: this.options.name,
        error,
      });
      failed = new Set(batch.map((m) => m.messageId));
    }
    const retryAt = Date.now() + this.options.visibilityTimeoutMs;
    const retried = batch.filter(
      (message) => failed.has(message.messageId) && message.receiveCount < this.options.maxReceiveCount,
    );
    const deadLettered = batch.filter(
      (message) => failed.has(message.messageId) && message.receiveCount >= this.options.maxReceiveCount,
    );
    for (const message of retried) message.visibleAt = retryAt;
    this.journal?.put(retried);
    this.journal?.drop(batch.filter((message) => !retried.includes(message)).map((m) => m.messageId));
    this.delayed.push(...retried);
    for (const message of deadLettered) {
      const record = this.record(message);
      this.deadLetters.push(record);
      await this.options.onDeadLetter?.(record);
    }
  }

  private record(message: QueuedMessage): SQSRecord {
    return {
      messageId: message.messageId,
      receiptHandle: `${message.messageId}#${message.receiveCount}`,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${this.options.region}:000000000000:${this.options.name}`,
      awsRegion: this.options.region,
    };
  }
}
