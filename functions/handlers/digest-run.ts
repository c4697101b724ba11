import { z } from 'zod';
import { createDynamoClient, documentClient } from '../adapters/dynamodb/client';
import { createSendServices, type SendServices } from '../adapters/send-services';
import { NotFoundError } from '../core/errors';
import { scheduleNameSchema } from '../core/schedule';
import { type DigestOutcome, sendDigest } from '../core/send/send-digest';
import { config } from '../shared/config';
import { logger } from '../shared/logger';

/** The schedule's target input, as EventBridge Scheduler (or the local scheduler) passes it. */
export const digestRunEventSchema = z.object({ scheduleName: scheduleNameSchema });

/** A schedule fired → one digest of its window. A disabled schedule sends nothing. */
export function createDigestRun(services: SendServices) {
  return async (event: unknown): Promise<DigestOutcome | { status: 'disabled' }> => {
    const { scheduleName } = digestRunEventSchema.parse(event);
    const schedule = await services.schedules.get(scheduleName);
    if (!schedule) throw new NotFoundError(`no schedule named "${scheduleName}"`);
    if (!schedule.enabled) return { status: 'disabled' };
    const outcome = await sendDigest(schedule, {}, services);
    logger.info('digest run', {
      schedule: scheduleName,
      status: outcome.status,
      articles: outcome.plan.articles.length,
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
