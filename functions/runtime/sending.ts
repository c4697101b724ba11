import type { Metrics } from '../core/metrics';
import { realSleep, SendRatePool } from '../core/send/rate-limit';
import { defaultRetryPolicy } from '../core/send/retry';
import type { AlertDeps } from '../core/send/send-alert';
import type { DigestDeps } from '../core/send/send-digest';
import type { SenderDeps } from '../core/send/send-jobs';
import type { Runtime } from './runtime';

export type SenderParts = SenderDeps & { ratePool: SendRatePool; metrics: Metrics };
export type SendingParts = DigestDeps & AlertDeps & SenderParts;

/** The mail settings every mail to a reader is built with. */
export function mailSettings(runtime: Runtime) {
  const { config } = runtime;
  return {
    from: config.mail.from,
    listId: config.mail.listId,
    unsubscribeMailto: config.mail.unsubscribeMailto,
    baseUrl: config.baseUrl,
  };
}

/**
 * What the sender needs and nothing more: it sends compiled variants and never renders, so a process
 * that only sends (the send-worker function) carries no MJML.
 */
export function senderParts(runtime: Runtime): SenderParts {
  return runtime.once('sender', () => {
    const { config, repos } = runtime;
    return {
      subscribers: repos.subscribers,
      issues: repos.issues,
      deliveries: repos.deliveries,
      mailer: runtime.mailer,
      signer: runtime.signer,
      clock: runtime.clock,
      sleep: realSleep,
      retry: defaultRetryPolicy,
      mail: mailSettings(runtime),
      leaseMs: config.send.leaseMs,
      variantCache: new Map(),
      ratePool: new SendRatePool(config.mail.sendRate, config.send.maxConcurrency),
      metrics: runtime.metrics,
    };
  });
}

export type FanOutParts = DigestDeps & AlertDeps & { metrics: Metrics };

/**
 * What digests, alerts and the held-alert sweep need: rendering and fan-out to the send queue. No
 * mailer and no link signer: the functions that fan out sign nothing, so they are given no key.
 */
export function fanOutParts(runtime: Runtime): FanOutParts {
  return runtime.once('fan-out', () => ({
    subscribers: runtime.repos.subscribers,
    issues: runtime.repos.issues,
    deliveries: runtime.repos.deliveries,
    clock: runtime.clock,
    articles: runtime.repos.articles,
    schedules: runtime.repos.schedules,
    queue: runtime.queue,
    renderer: runtime.renderer,
    quietHours: runtime.config.quietHours,
    // A Query returns at most 1 MB: a thousand readers (a few hundred bytes each) fit in one, and a
    // page that does not fit comes back shorter with a cursor, which fan-out follows.
    // https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_Query.html#DDB-Query-request-Limit
    pageSize: 1000,
    metrics: runtime.metrics,
  }));
}

/** Everything a staff process or local mode sends with: fan-out and the sender's parts. */
export function sendingParts(runtime: Runtime): SendingParts {
  return runtime.once('sending', () => ({ ...fanOutParts(runtime), ...senderParts(runtime) }));
}
