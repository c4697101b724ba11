import { createFeedReader } from '../adapters/feed-fetcher';
import { createFeedParser } from '../adapters/feed-parser';
import {
  FEED_FAILURES_KEEP_SECONDS,
  type FeedHealthDeps,
  type FeedHealthSettings,
} from '../core/ingest/feed-health';
import type { FeedParser, FeedReader, IngestDeps } from '../core/ingest/ingest-feed';
import type { IngestRules } from '../core/ingest/rules';
import type { Metrics } from '../core/metrics';
import type { Config } from '../shared/config';
import type { Runtime } from './runtime';

export type IngestParts = IngestDeps & {
  reader: FeedReader;
  parser: FeedParser;
  /** Where the poller keeps each feed's run of failed polls, and when a run counts as failing. */
  feedHealth: FeedHealthDeps & { settings: FeedHealthSettings };
  metrics: Metrics;
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

/**
 * What the ingest use cases need: the articles table, the rules, the feed reader and parser, and (for
 * the poller) where each feed's run of failed polls is kept.
 */
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
      feedHealth: {
        counters: runtime.repos.counters,
        clock: runtime.clock,
        settings: { failurePolls: config.ingest.feedFailurePolls, keepSeconds: FEED_FAILURES_KEEP_SECONDS },
      },
      metrics: runtime.metrics,
    };
  });
}
