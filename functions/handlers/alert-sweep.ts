import { createDynamoClient, documentClient } from '../adapters/dynamodb/client';
import { createSendServices } from '../adapters/send-services';
import { ALERT_SWEEP_MINUTES } from '../core/send/quiet-hours';
import { type AlertDeps, type ReleaseReport, releaseHeldAlerts } from '../core/send/send-alert';
import { config } from '../shared/config';
import { logger } from '../shared/logger';

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
export const handler = () => {
  if (!sweep) {
    const settings = config();
    sweep = createAlertSweep(createSendServices(settings, documentClient(createDynamoClient(settings))));
  }
  return sweep();
};
