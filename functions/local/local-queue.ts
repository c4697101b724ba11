import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../shared/logger';

export interface LocalQueueOptions {
  name: string;
  region: string;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>;
  batchSize: number;
  /** The event source's maximum concurrency: batches handled at once. */
  maxConcurrency: number;
  visibilityTimeoutMs: number;
  /** After this many failed receives a message goes to the dead-letter list, as SQS redrive does. */
  maxReceiveCount: number;
  onDeadLetter?: (record: SQSRecord) => void | Promise<void>;
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
 * timeout, dead-lettered after `maxReceiveCount` receives. In memory: a process that dies loses what
 * it had queued, which the delivery records make safe to send again.
 */
export class LocalQueue {
  private readonly messages: QueuedMessage[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private waiters: Array<() => void> = [];
  readonly deadLetters: SQSRecord[] = [];

  constructor(private readonly options: LocalQueueOptions) {}

  get depth(): number {
    return this.messages.length;
  }

  send(bodies: string[]): void {
    const now = Date.now();
    for (const body of bodies)
      this.messages.push({ messageId: randomUUID(), body, sentAt: now, receiveCount: 0, visibleAt: now });
    this.pump();
  }

  /** Resolves once nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.messages.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  private pump(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    const now = Date.now();
    while (this.inFlight < this.options.maxConcurrency) {
      const batch = this.messages.filter((m) => m.visibleAt <= now).slice(0, this.options.batchSize);
      if (batch.length === 0) break;
      for (const message of batch) {
        message.receiveCount += 1;
        message.firstReceivedAt ??= now;
        message.visibleAt = now + this.options.visibilityTimeoutMs;
      }
      this.inFlight += 1;
      void this.deliver(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
    const next = Math.min(...this.messages.map((m) => m.visibleAt));
    if (Number.isFinite(next) && this.inFlight < this.options.maxConcurrency) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, next - now));
    }
    if (this.messages.length === 0 && this.inFlight === 0)
      for (const resolve of this.waiters.splice(0)) resolve();
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
    for (const message of batch) {
      if (!failed.has(message.messageId)) {
        this.remove(message);
      } else if (message.receiveCount >= this.options.maxReceiveCount) {
        this.remove(message);
        const record = this.record(message);
        this.deadLetters.push(record);
        await this.options.onDeadLetter?.(record);
      }
    }
  }

  private remove(message: QueuedMessage): void {
    const index = this.messages.indexOf(message);
    if (index >= 0) this.messages.splice(index, 1);
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
