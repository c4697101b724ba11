import type { MetricName, Metrics } from '../../functions/core/metrics';

/** Metrics kept in memory, so a test can read what a handler counted. */
export class RecordedMetrics implements Metrics {
  readonly counts: Array<{ name: MetricName; value: number }> = [];
  flushes = 0;

  count(name: MetricName, value: number): void {
    this.counts.push({ name, value });
  }

  flush(): void {
    this.flushes += 1;
  }

  /** Each metric's total over every count. */
  totals(): Partial<Record<MetricName, number>> {
    const totals: Partial<Record<MetricName, number>> = {};
    for (const { name, value } of this.counts) totals[name] = (totals[name] ?? 0) + value;
    return totals;
  }
}
