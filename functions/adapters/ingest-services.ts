import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { FeedParser, FeedReader, IngestDeps } from '../core/ingest/ingest-feed';
import type { IngestRules } from '../core/ingest/rules';
import { systemClock } from '../core/ports';
import type { Config } from '../shared/config';
import { DynamoArticleRepo } from './dynamodb/article-repo';
import { createFeedReader } from './feed-fetcher';
import { createFeedParser } from './feed-parser';

export type IngestServices = IngestDeps & {
  articles: DynamoArticleRepo;
  reader: FeedReader;
  parser: FeedParser;
};

/** The rules of ingestion as configured. */
export function ingestRulesOf(config: Config): IngestRules {
  return {
    topicMap: config.ingest.topicMap,
    urgentCategories: config.ingest.urgentCategories,
    sites: config.ingest.sites,
    maxItemBytes: config.ingest.maxItemBytes,
  };
}

/** Everything the ingest use cases need, built once per process from the configuration. */
export function createIngestServices(config: Config, db: DynamoDBDocumentClient): IngestServices {
  return {
    articles: new DynamoArticleRepo(db, config.tables.articles),
    clock: systemClock,
    rules: ingestRulesOf(config),
    reader: createFeedReader({
      timeoutMs: config.ingest.fetchTimeoutMs,
      maxFeedBytes: config.ingest.maxFeedBytes,
      allowedAddresses: config.ingest.allowedAddresses,
    }),
    parser: createFeedParser({ maxFeedBytes: config.ingest.maxFeedBytes }),
  };
}
