import { MetricUnit, Metrics as PowertoolsMetrics } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, type MetricName, type Metrics } from '../core/metrics';

/**
 * CloudWatch metrics through Powertools Metrics: counts become one Embedded Metric Format line on
 * stdout when flushed, which Lambda's log pipeline turns into metrics at no API cost. Dimensions:
 * `service` (nashra) and `stage`, the ones the stack's alarms name.
 */
export class CloudWatchMetrics implements Metrics {
  private readonly metrics: PowertoolsMetrics;
  private pending = false;

  constructor(stage: string) {
    this.metrics = new PowertoolsMetrics({
      namespace: METRICS_NAMESPACE,
      serviceName: 'nashra',
      defaultDimensions: { stage },
    });
  }

  count(name: MetricName, value: number): void {
    this.metrics.addMetric(name, MetricUnit.Count, value);
    this.pending = true;
  }

  flush(): void {
    // Powertools warns on an empty flush; an invocation that counted nothing publishes nothing.
    if (!this.pending) return;
    this.pending = false;
    this.metrics.publishStoredMetrics();
  }
}
