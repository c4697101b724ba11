import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('keeps each message on disk until handled: a queue opened on the store after a kill takes up exactly the rest', async () => {
    const store = mkdtempSync(join(tmpdir(), 'nashra-queue-'));
    const journal = join(store, 'journal.jsonl');
    const dying = new LocalTriggers('eu-west-1');
    let batches = 0;
    const first = dying.queue({
      name: 'send',
      store,
      batchSize: 10,
      maxConcurrency: 1,
      visibilityTimeoutMs: 60_000,
      maxReceiveCount: 5,
      handler: (event) => {
        batches += 1;
        // The second batch is still being handled when the process dies.
        if (batches === 2) return new Promise(() => undefined);
        const failed = event.Records.filter((record) => JSON.parse(record.body).n === 1);
        return Promise.resolve({ batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) });
      },
    });
    const ids = first.send([body(0), body(1), body(2)]);
    expect(new Set(ids).size).toBe(3);
    await new Promise((resolve) => setImmediate(resolve));
    first.send([body(3)]);
    dying.stop();
    // The kill cut the journal's last line short, and a message is still kept the older way, as a file.
    appendFileSync(journal, '{"put":{"messageId":"cut-sho');
    writeFileSync(
      join(store, 'older.json'),
      JSON.stringify({ messageId: 'older', body: body(4), sentAt: 1, receiveCount: 0, visibleAt: 1 }),
    );

    const next = new LocalTriggers('eu-west-1');
    const received = new Map<number, string | undefined>();
    next.queue({
      name: 'send',
      store,
      batchSize: 10,
      maxConcurrency: 1,
      visibilityTimeoutMs: 60_000,
      maxReceiveCount: 5,
      handler: async (event) => {
        for (const record of event.Records)
          received.set(JSON.parse(record.body).n, record.attributes.ApproximateReceiveCount);
        return { batchItemFailures: [] };
      },
    });
    await next.idle();
    // 0 and 2 were handled; 1 failed once (its second receive now); 3 was in flight; 4 waited in its file.
    expect(Object.fromEntries(received)).toEqual({ 1: '2', 3: '1', 4: '1' });
    expect(readFileSync(journal, 'utf8')).toBe('');
    expect(existsSync(join(store, 'older.json'))).toBe(false);
  });
});
