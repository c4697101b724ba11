import { counterKeyOf } from '../core/link-keys';
import { RateLimiter } from '../core/subscribers/rate-limit';
import type { ReaderDeps } from '../core/subscribers/reader-flows';
import type { StaffDeps } from '../core/subscribers/staff';
import type { Runtime } from './runtime';
import { mailSettings } from './sending';

export type ReaderParts = ReaderDeps &
  StaffDeps & {
    /** Topic slugs readers may choose: the values of the configured topic map. */
    topics: string[];
  };

/** What the reader routes and the staff's subscriber commands need. */
export function readerParts(runtime: Runtime): ReaderParts {
  return runtime.once('readers', () => {
    const { config, repos } = runtime;
    return {
      subscribers: repos.subscribers,
      deliveries: repos.deliveries,
      issues: repos.issues,
      counters: repos.counters,
      limiter: new RateLimiter(counterKeyOf(runtime.keyring), repos.counters, config.subscribe.limits),
      unsubscribeNotice: config.subscribe.unsubscribeNotice,
      pendingExpiryDays: config.subscribe.pendingExpiryDays,
      renderer: runtime.renderer,
      mailer: runtime.mailer,
      signer: runtime.signer,
      clock: runtime.clock,
      mail: mailSettings(runtime),
      topics: topicsOf(runtime),
    };
  });
}

/** The topic slugs of the configured topic map, sorted. */
export function topicsOf(runtime: Runtime): string[] {
  return [...new Set(Object.values(runtime.config.ingest.topicMap))].sort();
}
