import type { Context as LambdaContext } from 'aws-lambda';
import { z } from 'zod';
import type { ScheduleTriggers } from '../core/ports';
import { scheduleNameSchema } from '../core/schedule';
import { runScheduledDigest, type ScheduledRunOutcome } from '../core/send/run-schedule';
import { lambdaRuntime } from '../runtime/lambda';
import { mjmlMailRenderer } from '../runtime/rendering';
import { type FanOutParts, fanOutParts } from '../runtime/sending';
import { logger, withLambdaContext } from '../shared/logger';

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
export function createDigestRun(services: FanOutParts & { triggers?: ScheduleTriggers }) {
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
export const handler = (event: unknown, context?: LambdaContext) => {
  withLambdaContext(context);
  run ??= createDigestRun(fanOutParts(lambdaRuntime({ renderer: mjmlMailRenderer })));
  return run(event);
};
