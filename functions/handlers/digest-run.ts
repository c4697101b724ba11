import { z } from 'zod';
import { createDynamoClient, documentClient } from '../adapters/dynamodb/client';
import { createSendServices, type SendServices } from '../adapters/send-services';
import type { ScheduleTriggers } from '../core/ports';
import { scheduleNameSchema } from '../core/schedule';
import { runScheduledDigest, type ScheduledRunOutcome } from '../core/send/run-schedule';
import { config } from '../shared/config';
import { logger } from '../shared/logger';

/**
 * The schedule's target input, as EventBridge Scheduler passes it (`scheduledTime` is its
 * `<aws.scheduler.scheduled-time>` context attribute) or the local scheduler does (croner's fire
 * time). Without `scheduledTime` the firing is taken to be now.
 */
export const digestRunEventSchema = z.object({
  scheduleName: scheduleNameSchema,
  scheduledTime: z.iso.datetime({ offset: true }).optional(),
});
export type DigestRunEvent = z.infer<typeof digestRunEventSchema>;

/**
 * A schedule fired → one digest of its window, ending at the time it was due. `triggers`, where the
 * caller manages EventBridge Scheduler (the staff CLI), lets a one-off that fired take its trigger off.
 */
export function createDigestRun(services: SendServices & { triggers?: ScheduleTriggers }) {
  return async (event: unknown): Promise<ScheduledRunOutcome> => {
    const { scheduleName, scheduledTime } = digestRunEventSchema.parse(event);
    const firedAt = scheduledTime ? new Date(scheduledTime) : services.clock.now();
    const outcome = await runScheduledDigest(scheduleName, firedAt, services);
    logger.info('digest run', {
      schedule: scheduleName,
      firedAt: firedAt.toISOString(),
      status: outcome.status,
      ...('plan' in outcome ? { articles: outcome.plan.articles.length } : {}),
      ...('issue' in outcome ? { issue: outcome.issue.id, recipients: outcome.issue.recipients } : {}),
    });
    return outcome;
  };
}

let run: ReturnType<typeof createDigestRun> | undefined;

/** Lambda entry point: the EventBridge Scheduler target of every digest schedule. */
export const handler = (event: unknown) => {
  if (!run) {
    const settings = config();
    run = createDigestRun(createSendServices(settings, documentClient(createDynamoClient(settings))));
  }
  return run(event);
};
