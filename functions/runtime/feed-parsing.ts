import { createFeedParser } from '../adapters/feed-parser';
import type { FeedParser, IngestDeps } from '../core/ingest/ingest-feed';
import type { IngestRules } from '../core/ingest/rules';
import type { Config } from '../shared/config';
import type { Runtime } from './runtime';

export type FeedParsingParts = IngestDeps & { parser: FeedParser };

/** The rules of ingestion as configured. */
export function ingestRulesOf(config: Config): IngestRules {
  return {
    topicMap: config.ingest.topicMap,
    urgentCategories: config.ingest.urgentCategories,
    sites: config.ingest.sites,
    maxItemBytes: config.ingest.maxItemBytes,
  };
}

/**
 * What ingesting a feed already in hand needs (the ingest API, whose request body is the feed): the
 * articles table, the rules and the parser. Not the feed reader, an HTTP client only fetching needs
 * (functions/runtime/ingesting.ts), so the reader-facing function does not carry it.
 */
export function feedParsingParts(runtime: Runtime): FeedParsingParts {
  return runtime.once('ingest-parsing', () => ({
    articles: runtime.repos.articles,
    clock: runtime.clock,
    rules: ingestRulesOf(runtime.config),
    parser: createFeedParser({ maxFeedBytes: runtime.config.ingest.maxFeedBytes }),
  }));
}
