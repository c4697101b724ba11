import type { Context as LambdaContext } from 'aws-lambda';
import * as z from 'zod';
import { applyFeedback, type FeedbackOutcome, type IssueFeedbackDeps, parseSesEvent } from '../core/feedback';
import type { Clock, SubscriberRepo } from '../core/ports';
import { lambdaRuntime } from '../runtime/lambda';
import { logger, withLambdaContext } from '../shared/logger';

const snsEventSchema = z.object({
  Records: z.array(z.object({ Sns: z.object({ Message: z.string() }) })).min(1),
});
const eventBridgeSchema = z.object({ source: z.literal('aws.ses'), detail: z.unknown() });

/** The SES events inside an SNS delivery (one per record) or an EventBridge event (its detail). */
function sesEventsOf(event: unknown): unknown[] {
  const sns = snsEventSchema.safeParse(event);
  if (sns.success) return sns.data.Records.map((record) => JSON.parse(record.Sns.Message) as unknown);
  return [eventBridgeSchema.parse(event).detail];
}

/**
 * SES bounces and complaints → suppression, and (given the deliveries and issues tables) the feedback
 * recorded against the issue the mail belonged to. Takes the configuration set's event destination as
 * delivered by SNS or by EventBridge; anything else is a validation error (and the delivery retries).
 */
export function createFeedbackHandler(
  deps: {
    subscribers: SubscriberRepo;
    clock: Clock;
    transientBounceLimit: number;
  } & Partial<IssueFeedbackDeps>,
) {
  return async (event: unknown): Promise<FeedbackOutcome[]> => {
    const outcomes: FeedbackOutcome[] = [];
    for (const raw of sesEventsOf(event)) {
      const sesEvent = parseSesEvent(raw);
      const outcome = await applyFeedback(sesEvent, deps);
      logger.info('ses feedback applied', { eventType: sesEvent.eventType, ...outcome });
      outcomes.push(outcome);
    }
    return outcomes;
  };
}

let feedback: ReturnType<typeof createFeedbackHandler> | undefined;

/** Lambda entry point: SNS topic of the SES configuration set's event destination. */
export const handler = (event: unknown, context?: LambdaContext) => {
  withLambdaContext(context);
  if (!feedback) {
    const runtime = lambdaRuntime();
    feedback = createFeedbackHandler({
      subscribers: runtime.repos.subscribers,
      deliveries: runtime.repos.deliveries,
      issues: runtime.repos.issues,
      clock: runtime.clock,
      transientBounceLimit: runtime.config.send.transientBounceLimit,
    });
  }
  return feedback(event);
};
