import { createHash } from 'node:crypto';
import type { Clock, CounterRepo } from '../ports';

export interface FeedHealthDeps {
  counters: CounterRepo;
  clock: Clock;
}

export interface FeedHealthSettings {
  /** Polls in a row a feed may fail before it counts as failing (the stack's `feedFailurePolls`). */
  failurePolls: number;
  /** How long a run of failures is kept after its last failure, in seconds. */
  keepSeconds: number;
}

/** A run of failed polls is forgotten a week after the last one, whatever the poll interval. */
export const FEED_FAILURES_KEEP_SECONDS = 7 * 24 * 60 * 60;

/** The counter of one feed's failed polls in a row: a hash of its address, like every counter key. */
export function feedFailureKey(feed: string): string {
  return `feed-failures:${createHash('sha256').update(feed).digest('base64url').slice(0, 32)}`;
}

/**
 * After a poll, keeps each feed's run of failed polls in the counters table: a failure adds one, a
 * success ends the run. Returns the feeds whose run has reached `failurePolls`, with its length: the
 * poller counts them at every poll (FailingFeeds), so one alarm on that count covers every feed, and
 * it clears as soon as they poll well again. Kept in the table, the runs outlive a cold start.
 */
export async function recordFeedHealth(
  reports: ReadonlyArray<{ feed: string; error?: string }>,
  settings: FeedHealthSettings,
  deps: FeedHealthDeps,
): Promise<Array<{ feed: string; failedPolls: number }>> {
  const expiresAt = Math.floor(deps.clock.now().getTime() / 1000) + settings.keepSeconds;
  const healthy = reports.filter((report) => report.error === undefined).map((r) => feedFailureKey(r.feed));
  if (healthy.length > 0) await deps.counters.remove(healthy);
  const failing: Array<{ feed: string; failedPolls: number }> = [];
  for (const report of reports.filter((r) => r.error !== undefined)) {
    const failedPolls = await deps.counters.hit(feedFailureKey(report.feed), expiresAt, {
      extendExpiry: true,
    });
    if (failedPolls >= settings.failurePolls) failing.push({ feed: report.feed, failedPolls });
  }
  return failing;
}
