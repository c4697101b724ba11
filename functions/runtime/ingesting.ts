import { createFeedReader } from '../adapters/feed-fetcher';
import type { FeedReader } from '../core/ingest/ingest-feed';
import { type FeedParsingParts, feedParsingParts } from './feed-parsing';
import type { Runtime } from './runtime';

export { ingestRulesOf } from './feed-parsing';

export type IngestParts = FeedParsingParts & { reader: FeedReader };

/** What the ingest use cases need: the articles table, the rules, and the feed reader and parser. */
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
    };
  });
}
