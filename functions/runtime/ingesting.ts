import { createFeedReader } from '../adapters/feed-fetcher';
import {
  FEED_FAILURES_KEEP_SECONDS,
  type FeedHealthDeps,
  type FeedHealthSettings,
} from '../core/ingest/feed-health';
import type { FeedReader } from '../core/ingest/ingest-feed';
import type { Metrics } from '../core/metrics';
import { type FeedParsingParts, feedParsingParts } from './feed-parsing';
import type { Runtime } from './runtime';

export { ingestRulesOf } from './feed-parsing';

export type IngestParts = FeedParsingParts & {
  reader: FeedReader;
  /** Where the poller keeps each feed's run of failed polls, and when a run counts as failing. */
  feedHealth: FeedHealthDeps & { settings: FeedHealthSettings };
  metrics: Metrics;
};

/**
 * What the ingest use cases need: the articles table, the rules, the feed reader and parser, and (for
 * the poller) where each feed's run of failed polls is kept.
 */
export function ingestParts(runtime: Runtime): IngestParts {
  return runtime.once('ingest', () => {
    const { config } = runtime;
    return {
      ...feedParsingParts(runtime),
      reader: createFeedReader({
        timeoutMs: config.ingest.fetchTimeoutMs,
        maxFeedBytes: config.ingest.maxFeedBytes,
        allowedAddresses: config.ingest.allowedAddresses,
      }),
      feedHealth: {
        counters: runtime.repos.counters,
        clock: runtime.clock,
        settings: { failurePolls: config.ingest.feedFailurePolls, keepSeconds: FEED_FAILURES_KEEP_SECONDS },
      },
      metrics: runtime.metrics,
    };
  });
}
