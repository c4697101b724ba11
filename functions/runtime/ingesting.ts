import { createFeedReader } from '../adapters/feed-fetcher';
import { createFeedParser } from '../adapters/feed-parser';
import type { FeedParser, FeedReader, IngestDeps } from '../core/ingest/ingest-feed';
import type { IngestRules } from '../core/ingest/rules';
import type { Config } from '../shared/config';
import type { Runtime } from './runtime';

export type IngestParts = IngestDeps & { reader: FeedReader; parser: FeedParser };

/** The rules of ingestion as configured. */
export function ingestRulesOf(config: Config): IngestRules {
  return {
    topicMap: config.ingest.topicMap,
    urgentCategories: config.ingest.urgentCategories,
    sites: config.ingest.sites,
    maxItemBytes: config.ingest.maxItemBytes,
  };
}

/** What the ingest use cases need: the articles table, the rules, and the feed reader and parser. */
export function ingestParts(runtime: Runtime): IngestParts {
  return runtime.once('ingest', () => {
    const { config } = runtime;
    return {
      articles: runtime.repos.articles,
      clock: runtime.clock,
      rules: ingestRulesOf(config),
      reader: createFeedReader({
        timeoutMs: config.ingest.fetchTimeoutMs,
        maxFeedBytes: config.ingest.maxFeedBytes,
        allowedAddresses: config.ingest.allowedAddresses,
      }),
      parser: createFeedParser({ maxFeedBytes: config.ingest.maxFeedBytes }),
    };
  });
}
