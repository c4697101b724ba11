import type { Context as LambdaContext } from 'aws-lambda';
import { type Metrics, metricNames } from '../core/metrics';
import type { ScheduleRepo } from '../core/ports';
import { findMissedDigestRuns, type MissedDigestRun } from '../core/send/digest-heartbeat';
import { ALERT_SWEEP_MINUTES } from '../core/send/quiet-hours';
import { type AlertDeps, type ReleaseReport, releaseHeldAlerts } from '../core/send/send-alert';
import { lambdaRuntime } from '../runtime/lambda';
import { mjmlMailRenderer } from '../runtime/rendering';
import { fanOutParts } from '../runtime/sending';
import { logger, withLambdaContext } from '../shared/logger';

/** The sweep's clock as a five-field cron: the local scheduler runs it, the stack runs the same. */
export const alertSweepCron = `*/${ALERT_SWEEP_MINUTES} * * * *`;

export interface SweepReport extends ReleaseReport {
  missedDigestRuns: MissedDigestRun[];
}

/**
 * The five-minute sweep fired → every held alert whose quiet hours are over goes out, and the digest
 * schedules' heartbeat is taken: each enabled schedule whose due firing did not run is logged and
 * counted (MissedDigestRuns), the one number the alarm on missed digests watches.
 */
export function createAlertSweep(deps: AlertDeps & { schedules: ScheduleRepo; metrics: Metrics }) {
  return async (): Promise<SweepReport> => {
    const report = await releaseHeldAlerts(deps);
    if (report.released.length + report.resumed.length > 0) logger.info('held alerts sent', { ...report });
    const missedDigestRuns = await findMissedDigestRuns(deps);
    for (const missed of missedDigestRuns) logger.error('digest schedule missed a firing', { ...missed });
    deps.metrics.count(metricNames.missedDigestRuns, missedDigestRuns.length);
    return { ...report, missedDigestRuns };
  };
}

let sweep: ReturnType<typeof createAlertSweep> | undefined;

/** Lambda entry point: the held-alert sweep's fixed clock (EventBridge Scheduler). */
export const handler = (_event: unknown, context?: LambdaContext) => {
  withLambdaContext(context);
  sweep ??= createAlertSweep(fanOutParts(lambdaRuntime({ renderer: mjmlMailRenderer })));
  return sweep();
};
