import type { Context as LambdaContext } from 'aws-lambda';
import * as z from 'zod';
import type { ScheduleTriggers } from '../core/ports';
import { scheduleNameSchema } from '../core/schedule';
import {
  type FiringOutcome,
  fireScheduledDigest,
  runScheduledDigest,
  type ScheduledRunOutcome,
} from '../core/send/run-schedule';
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
 * A schedule run by hand (`nashra schedule run`, the console's "run now") → one digest of its window,
 * ending at the time given or now. `triggers`, where the caller manages EventBridge Scheduler (the
 * staff CLI), lets a one-off that fired take its trigger off.
 */
export function createDigestRun(services: FanOutParts & { triggers?: ScheduleTriggers }) {
  return async (event: unknown): Promise<ScheduledRunOutcome> => {
    const { scheduleName, scheduledTime } = digestRunEventSchema.parse(event);
    const firedAt = scheduledTime ? new Date(scheduledTime) : services.clock.now();
    return logged(scheduleName, firedAt, await runScheduledDigest(scheduleName, firedAt, services));
  };
}

/**
 * A schedule fired by the clock (EventBridge Scheduler on AWS, the local scheduler in `nashra dev`)
 * → one digest of its window, ending at the time it was due; the firing staff chose to skip sends
 * nothing. Without `scheduledTime` it is a run by hand, due now.
 */
export function createClockFiring(services: FanOutParts & { triggers?: ScheduleTriggers }) {
  return async (event: unknown): Promise<FiringOutcome> => {
    const { scheduleName, scheduledTime } = digestRunEventSchema.parse(event);
    if (!scheduledTime) return createDigestRun(services)(event);
    const dueAt = new Date(scheduledTime);
    return logged(scheduleName, dueAt, await fireScheduledDigest(scheduleName, dueAt, services));
  };
}

function logged<T extends FiringOutcome>(scheduleName: string, firedAt: Date, outcome: T): T {
  logger.info('digest run', {
    schedule: scheduleName,
    firedAt: firedAt.toISOString(),
    status: outcome.status,
    ...('plan' in outcome ? { articles: outcome.plan.articles.length } : {}),
    ...('issue' in outcome ? { issue: outcome.issue.id, recipients: outcome.issue.recipients } : {}),
  });
  return outcome;
}

let run: ReturnType<typeof createClockFiring> | undefined;

/** Lambda entry point: the EventBridge Scheduler target of every digest schedule. */
export const handler = (event: unknown, context?: LambdaContext) => {
  withLambdaContext(context);
  run ??= createClockFiring(fanOutParts(lambdaRuntime({ renderer: mjmlMailRenderer })));
  return run(event);
};
