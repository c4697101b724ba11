import type { Context as LambdaContext } from 'aws-lambda';
import { ALERT_SWEEP_MINUTES } from '../core/send/quiet-hours';
import { type AlertDeps, type ReleaseReport, releaseHeldAlerts } from '../core/send/send-alert';
import { lambdaRuntime } from '../runtime/lambda';
import { mjmlMailRenderer } from '../runtime/rendering';
import { sendingParts } from '../runtime/sending';
import { logger, withLambdaContext } from '../shared/logger';

/** The sweep's clock as a five-field cron: the local scheduler runs it, the stack runs the same. */
export const alertSweepCron = `*/${ALERT_SWEEP_MINUTES} * * * *`;

/** The sweep fired → every held alert whose quiet hours are over goes out. */
export function createAlertSweep(deps: AlertDeps) {
  return async (): Promise<ReleaseReport> => {
    const report = await releaseHeldAlerts(deps);
    if (report.released.length + report.resumed.length > 0) logger.info('held alerts sent', { ...report });
    return report;
  };
}

let sweep: ReturnType<typeof createAlertSweep> | undefined;

/** Lambda entry point: the held-alert sweep's fixed clock (EventBridge Scheduler). */
export const handler = (_event: unknown, context?: LambdaContext) => {
  withLambdaContext(context);
  sweep ??= createAlertSweep(sendingParts(lambdaRuntime({ renderer: mjmlMailRenderer })));
  return sweep();
};
