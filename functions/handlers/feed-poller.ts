import type { Context as LambdaContext } from 'aws-lambda';
import * as z from 'zod';
import { recordFeedHealth } from '../core/ingest/feed-health';
import type { FeedSource } from '../core/ingest/feed-item';
import { type FeedReport, ingestFeeds } from '../core/ingest/ingest-feed';
import { metricNames } from '../core/metrics';
import { type IngestParts, ingestParts } from '../runtime/ingesting';
import { lambdaRuntime } from '../runtime/lambda';
import { logger, withLambdaContext } from '../shared/logger';

/** What the schedule passes: nothing, or the feeds to poll instead of the configured ones. */
const pollEventSchema = z
  .object({
    feeds: z
      .array(z.object({ url: z.url({ protocol: /^https?$/ }), lang: z.enum(['ar', 'en']).optional() }))
      .optional(),
  })
  .loose();

export interface PollSummary {
  feeds: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  failedFeeds: number;
  /** Feeds that have now failed the configured number of polls in a row, or more. */
  failingFeeds: number;
}

/**
 * The scheduled feed poller: reads every configured feed and ingests it. A feed that fails (times out,
 * answers 500, is malformed) is logged with its reason and the others go on; a rejected item is logged
 * with its feed and position. Never throws for a feed's fault, so one bad feed does not retry them all.
 * Each feed's run of failed polls is kept; the feeds whose run reached the configured length are
 * counted (FailingFeeds) at every poll, the one number the alarm watches.
 */
export function createFeedPollerHandler(services: IngestParts, feeds: FeedSource[]) {
  return async (event: unknown): Promise<PollSummary> => {
    const input = pollEventSchema.parse(event ?? {});
    const sources = input.feeds?.map((feed) => ({ location: feed.url, lang: feed.lang })) ?? feeds;
    const reports = await ingestFeeds(services, sources);
    for (const report of reports) logReport(report);
    const failing = await recordFeedHealth(reports, services.feedHealth.settings, services.feedHealth);
    for (const { feed, failedPolls } of failing)
      logger.error('feed failing: every poll in a row has failed', { feed, failedPolls });
    services.metrics.count(metricNames.failingFeeds, failing.length);
    const count = (key: 'created' | 'updated' | 'unchanged' | 'rejected') =>
      reports.reduce((sum, report) => sum + report[key].length, 0);
    return {
      feeds: reports.length,
      created: count('created'),
      updated: count('updated'),
      unchanged: count('unchanged'),
      rejected: count('rejected'),
      failedFeeds: reports.filter((report) => report.error !== undefined).length,
      failingFeeds: failing.length,
    };
  };
}

function logReport(report: FeedReport): void {
  if (report.error) {
    logger.error('feed not ingested', { feed: report.feed, reason: report.error });
    return;
  }
  for (const rejection of report.rejected)
    logger.warn('feed item rejected', { feed: report.feed, item: rejection.item, reason: rejection.reason });
  logger.info('feed ingested', {
    feed: report.feed,
    created: report.created.length,
    updated: report.updated.length,
    unchanged: report.unchanged.length,
    rejected: report.rejected.length,
    paired: report.paired.length,
  });
}

let poll: ReturnType<typeof createFeedPollerHandler> | undefined;

/** Lambda entry point (EventBridge Scheduler). Clients and configuration are built at cold start. */
export const handler = (event: unknown, context?: LambdaContext) => {
  withLambdaContext(context);
  if (!poll) {
    const runtime = lambdaRuntime();
    poll = createFeedPollerHandler(
      ingestParts(runtime),
      runtime.config.ingest.feeds.map((feed) => ({ location: feed.url, lang: feed.lang })),
    );
  }
  return poll(event);
};
