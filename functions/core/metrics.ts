/**
 * The counts nashra publishes for its alarms and dashboard (CloudWatch on AWS, in the namespace
 * `nashra` with the dimensions `service` = nashra and `stage`). The stateless stack alarms on them by
 * these names, so this list is the one both sides read.
 */
export const METRICS_NAMESPACE = 'nashra';

export const metricNames = {
  /** Mails SES accepted. */
  sent: 'MailsSent',
  /** Mails given up for good (a permanent refusal, or the last receive of a job that kept failing). */
  failed: 'MailsFailed',
  /** SES "Maximum sending rate exceeded" answers (each retried). */
  throttled: 'SesThrottled',
  /** Send jobs held back because SES refuses every message for now (quota, sending paused). */
  parked: 'MailsParked',
  /** HTTP requests answered 500 by the app (Lambda's own `Errors` never sees them: the app catches). */
  apiServerErrors: 'ApiServerErrors',
  /** Feeds that failed at least the configured number of polls in a row, counted at each poll. */
  failingFeeds: 'FailingFeeds',
  /** Enabled digest schedules whose last due firing has not moved their window on. */
  missedDigestRuns: 'MissedDigestRuns',
} as const;
export type MetricName = (typeof metricNames)[keyof typeof metricNames];

/** The dimensions every count of a stage carries: Powertools' `service`, and the stage. */
export const metricDimensions = (stage: string) => ({ service: 'nashra', stage });

/**
 * Where a process counts what its alarms watch. On Lambda, Powertools Metrics writes one EMF line per
 * invocation (functions/adapters/cloudwatch-metrics.ts); elsewhere nothing is published.
 */
export interface Metrics {
  /** Adds `value` to this invocation's count of `name` (a zero is published too: "none this time"). */
  count(name: MetricName, value: number): void;
  /** Publishes what was counted since the last flush; nothing when nothing was. */
  flush(): void;
}

/** The metrics of a process that publishes none (the CLI, `nashra dev`, tests). */
export const noMetrics: Metrics = { count: () => undefined, flush: () => undefined };
