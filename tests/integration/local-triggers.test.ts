import type { DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoArticleRepo } from '../../functions/adapters/dynamodb/article-repo';
import type { Article } from '../../functions/core/article';
import { LocalTriggers } from '../../functions/local/triggers';
import { suiteDatabaseWithStream } from '../support/local-aws';

describe('the DynamoDB stream stand-in', () => {
  const runtime = new LocalTriggers('eu-west-1');
  const received: DynamoDBStreamEvent[] = [];
  let repo: DynamoArticleRepo;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const database = await suiteDatabaseWithStream(runtime);
    close = database.close;
    repo = new DynamoArticleRepo(database.db, database.config.tables.articles);
    runtime.onStream('articles', {
      name: 'inserts',
      eventNames: ['INSERT'],
      handler: async (event) => {
        received.push(event);
      },
    });
  });
  afterAll(() => close());

  const article: Article = {
    id: 'stream-1',
    lang: 'en',
    title: 'Statement',
    summary: 's',
    bodyHtml: '<p>b</p>',
    url: 'https://example.org/a',
    topics: [],
    publishedAt: '2026-11-01T00:00:00.000Z',
    urgent: false,
    firstSeenAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
  };

  it('delivers one INSERT record in the AWS shape per new item, and nothing for edits the filter excludes', async () => {
    await repo.save(article);
    await repo.save(article);
    await repo.save({ ...article, title: 'Edited statement' });
    await runtime.idle();
    expect(received).toHaveLength(1);
    const record = received[0]?.Records[0];
    expect(record?.eventName).toBe('INSERT');
    expect(record?.eventSource).toBe('aws:dynamodb');
    expect(record?.dynamodb?.Keys).toEqual({ id: { S: 'stream-1' } });
    expect(record?.dynamodb?.NewImage?.title).toEqual({ S: 'Statement' });
    expect(record?.dynamodb?.OldImage).toBeUndefined();
  });
});

describe('the SQS stand-in', () => {
  const body = (n: number) => JSON.stringify({ n });

  it('delivers every message in batches no larger than the batch size, within the concurrency', async () => {
    const runtime = new LocalTriggers('eu-west-1');
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    const queue = runtime.queue({
      name: 'send',
      batchSize: 10,
      maxConcurrency: 2,
      visibilityTimeoutMs: 1000,
      maxReceiveCount: 5,
      handler: async (event: SQSEvent) => {
        expect(event.Records.length).toBeLessThanOrEqual(10);
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setImmediate(resolve));
        for (const record of event.Records) seen.push(JSON.parse(record.body).n);
        active -= 1;
        return { batchItemFailures: [] };
      },
    });
    queue.send(Array.from({ length: 45 }, (_, i) => body(i)));
    await runtime.idle();
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 45 }, (_, i) => i));
    expect(peak).toBeLessThanOrEqual(2);
  });

  it('redelivers reported failures and dead-letters a message after maxReceiveCount receives', async () => {
    const runtime = new LocalTriggers('eu-west-1');
    const attempts = new Map<number, number>();
    const queue = runtime.queue({
      name: 'send',
      batchSize: 10,
      maxConcurrency: 1,
      visibilityTimeoutMs: 5,
      maxReceiveCount: 5,
      handler: async (event) => {
        const failures = [];
        for (const record of event.Records) {
          const n = JSON.parse(record.body).n as number;
          attempts.set(n, (attempts.get(n) ?? 0) + 1);
          // message 1 fails twice then succeeds; message 2 always fails
          if ((n === 1 && (attempts.get(n) ?? 0) <= 2) || n === 2)
            failures.push({ itemIdentifier: record.messageId });
        }
        return { batchItemFailures: failures };
      },
    });
    queue.send([body(0), body(1), body(2)]);
    await runtime.idle();
    expect(Object.fromEntries(attempts)).toEqual({ 0: 1, 1: 3, 2: 5 });
    expect(queue.deadLetters.map((r) => JSON.parse(r.body).n)).toEqual([2]);
    expect(queue.deadLetters[0]?.attributes.ApproximateReceiveCount).toBe('5');
  });
});
