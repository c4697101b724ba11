import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../shared/logger';
import type { TableName } from '../shared/tables';
import { LocalHeldQueue } from './held-queue';
import { LocalQueue, type LocalQueueOptions } from './local-queue';
import { LocalScheduler } from './local-scheduler';

export interface StreamConsumer {
  name: string;
  /** The event source mapping's filter: which event names reach the handler (AWS filters the same). */
  eventNames: Array<DynamoDBRecord['eventName']>;
  handler: (event: DynamoDBStreamEvent) => Promise<DynamoDBBatchResponse | undefined>;
  /** Attempts per batch before the records are given up (AWS: maximumRetryAttempts + 1). */
  maxAttempts?: number;
  /** Where a batch given up goes (AWS: the event source mapping's on-failure destination). */
  onGiveUp?: (records: DynamoDBRecord[], attempts: number) => void;
}

/**
 * The in-process stand-in for what AWS wires between services: DynamoDB stream → function, SQS →
 * function, Scheduler → function, and the dead-letter queues failures end up in. It calls the same handlers with the same event shapes, and nothing
 * else; business logic never knows which of the two is calling.
 */
export class LocalTriggers {
  readonly scheduler = new LocalScheduler();
  private readonly consumers = new Map<TableName, StreamConsumer[]>();
  private readonly queues = new Map<string, LocalQueue>();
  private readonly heldQueues = new Map<string, LocalHeldQueue>();
  private streamChain: Promise<void> = Promise.resolve();
  private pendingStreamBatches = 0;

  constructor(private readonly region: string) {}

  onStream(table: TableName, consumer: StreamConsumer): void {
    this.consumers.set(table, [...(this.consumers.get(table) ?? []), consumer]);
  }

  /** Records from the stream tap; delivered in order, one batch at a time, like a stream shard. */
  emitStream(table: TableName, records: DynamoDBRecord[]): void {
    for (const consumer of this.consumers.get(table) ?? []) {
      const matching = records.filter((record) => consumer.eventNames.includes(record.eventName));
      if (matching.length === 0) continue;
      this.pendingStreamBatches += 1;
      this.streamChain = this.streamChain
        .then(() => this.deliverStream(consumer, matching))
        .finally(() => {
          this.pendingStreamBatches -= 1;
        });
    }
  }

  queue(options: Omit<LocalQueueOptions, 'region'>): LocalQueue {
    const queue = new LocalQueue({ ...options, region: this.region });
    this.queues.set(options.name, queue);
    return queue;
  }

  getQueue(name: string): LocalQueue | undefined {
    return this.queues.get(name);
  }

  /** A queue nobody consumes (a dead-letter queue), made on first use; kept under `store` when given. */
  heldQueue(name: string, store?: string): LocalHeldQueue {
    const existing = this.heldQueues.get(name);
    if (existing) return existing;
    const queue = new LocalHeldQueue(name, store);
    this.heldQueues.set(name, queue);
    return queue;
  }

  getHeldQueue(name: string): LocalHeldQueue | undefined {
    return this.heldQueues.get(name);
  }

  /** Resolves once no stream batch and no queued message is waiting: what a CLI command awaits before exit. */
  async idle(): Promise<void> {
    while (true) {
      await this.streamChain;
      await Promise.all([...this.queues.values()].map((queue) => queue.idle()));
      if (this.pendingStreamBatches === 0 && [...this.queues.values()].every((queue) => queue.depth === 0))
        return;
    }
  }

  stop(): void {
    this.scheduler.stop();
    for (const queue of this.queues.values()) queue.stop();
  }

  private async deliverStream(consumer: StreamConsumer, records: DynamoDBRecord[]): Promise<void> {
    let remaining = records;
    const attempts = consumer.maxAttempts ?? 3;
    for (let attempt = 1; attempt <= attempts && remaining.length > 0; attempt++) {
      try {
        const response = await consumer.handler({ Records: remaining });
        const failedFrom = response?.batchItemFailures?.[0]?.itemIdentifier;
        // As on AWS with ReportBatchItemFailures: retry from the first failed sequence number on.
        const index = failedFrom ? remaining.findIndex((r) => r.dynamodb?.SequenceNumber === failedFrom) : -1;
        remaining = index >= 0 ? remaining.slice(index) : [];
      } catch (error) {
        logger.error('stream handler threw; retrying the batch', { consumer: consumer.name, attempt, error });
      }
    }
    if (remaining.length > 0) {
      logger.error('stream records given up after retries', {
        consumer: consumer.name,
        records: remaining.length,
      });
      consumer.onGiveUp?.(remaining, attempts);
    }
  }
}
