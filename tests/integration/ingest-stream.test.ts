import { join } from 'node:path';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Article } from '../../functions/core/article';
import { ingestFeeds, ingestParsedFeed } from '../../functions/core/ingest/ingest-feed';
import { createArticleStreamHandler } from '../../functions/handlers/article-stream';
import { LocalTriggers } from '../../functions/local/triggers';
import { wireLocalTriggers } from '../../functions/local/wiring';
import { type IngestParts, ingestParts } from '../../functions/runtime/ingesting';
import { createRuntime } from '../../functions/runtime/runtime';
import { suiteDatabaseWithStream } from '../support/local-aws';

const fixture = (name: string) => join(import.meta.dirname, '../fixtures/feeds', name);

describe('a newly stored article reaches the alert path through the stream, once', () => {
  const triggers = new LocalTriggers('eu-west-1');
  const announced: string[] = [];
  let services: IngestParts;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const database = await suiteDatabaseWithStream(triggers);
    const runtime = createRuntime('local', database.config);
    close = async () => {
      await runtime.close();
      await database.close();
    };
    services = ingestParts(runtime);
    wireLocalTriggers(triggers, runtime, {
      listener: { articleStored: async (article) => void announced.push(article.id) },
    });
  });
  afterAll(async () => {
    triggers.stop();
    await close();
  });

  const feeds = ['icssi-ar.rss.xml', 'icssi-en.atom.xml', 'basra-en.feed.json'].map((name) => ({
    location: fixture(name),
  }));

  it('invokes the stream handler once per new article, and not for pairing, re-ingest or edits', async () => {
    const reports = await ingestFeeds(services, feeds);
    await triggers.idle();
    const created = reports.flatMap((r) => r.created);
    expect(created).toHaveLength(6);
    expect(reports.flatMap((r) => r.paired)).toHaveLength(2);
    expect([...announced].sort()).toEqual([...created].sort());

    await ingestFeeds(services, feeds);
    const edited = services.parser.parse(
      new TextEncoder().encode(
        JSON.stringify([
          { id: created[0], title: 'An edited title', url: 'https://www.iraqicivilsociety.example/e/' },
        ]),
      ),
    );
    expect((await ingestParsedFeed(services, { location: 'edit' }, edited)).updated).toEqual([created[0]]);
    await triggers.idle();
    expect(announced).toHaveLength(6);
  });
});

describe('the article stream handler', () => {
  const article: Article = {
    id: 'a-1',
    lang: 'en',
    title: 'Statement',
    summary: 's',
    bodyHtml: '<p>b</p>',
    url: 'https://www.iraqicivilsociety.example/a-1/',
    topics: [],
    publishedAt: '2026-11-01T00:00:00.000Z',
    urgent: true,
    firstSeenAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
  };
  const record = (
    sequence: string,
    eventName: 'INSERT' | 'MODIFY',
    image: Record<string, unknown>,
  ): DynamoDBRecord => ({
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: { SequenceNumber: sequence, NewImage: marshall(image) as never },
  });

  it('announces valid INSERT images, skips what is not an article INSERT, and retries from a failed one', async () => {
    const seen: Article[] = [];
    const handler = createArticleStreamHandler({
      articleStored: async (a) => {
        if (a.id === 'a-4') throw new Error('alert queue unavailable');
        seen.push(a);
      },
    });
    const response = await handler({
      Records: [
        record('1', 'INSERT', { ...article, contentHash: 'x' }),
        record('2', 'MODIFY', { ...article, id: 'a-2' }),
        record('3', 'INSERT', { id: 'a-3', title: 'no language, no url' }),
        record('4', 'INSERT', { ...article, id: 'a-4' }),
        record('5', 'INSERT', { ...article, id: 'a-5' }),
      ],
    });
    expect(seen).toEqual([article]);
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: '4' }] });
  });
});
