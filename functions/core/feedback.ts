import { z } from 'zod';
import { ConflictError } from './errors';
import type { Clock, SubscriberRepo } from './ports';
import type { Subscriber } from './subscriber';

const recipientSchema = z.object({ emailAddress: z.string().min(3) }).loose();

const bounceEventSchema = z
  .object({
    eventType: z.literal('Bounce'),
    bounce: z
      .object({
        bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
        bounceSubType: z.string().optional(),
        bouncedRecipients: z.array(recipientSchema).min(1),
        timestamp: z.string(),
      })
      .loose(),
    mail: z.object({ messageId: z.string() }).loose(),
  })
  .loose();

const complaintEventSchema = z
  .object({
    eventType: z.literal('Complaint'),
    complaint: z
      .object({ complainedRecipients: z.array(recipientSchema).min(1), timestamp: z.string() })
      .loose(),
    mail: z.object({ messageId: z.string() }).loose(),
  })
  .loose();

export type SesEvent =
  | z.infer<typeof bounceEventSchema>
  | z.infer<typeof complaintEventSchema>
  | { eventType: 'Other'; type: string };

/**
 * Validates an SES event (configuration-set event publishing; `notificationType` of identity
 * notifications is accepted too). A bounce or complaint that does not have the SES shape throws;
 * deliveries, opens and the like come back as `Other`.
 */
export function parseSesEvent(value: unknown): SesEvent {
  const type = z
    .object({ eventType: z.string() })
    .or(z.object({ notificationType: z.string() }))
    .parse(value);
  const eventType = 'eventType' in type ? type.eventType : type.notificationType;
  const normalised = { ...(value as object), eventType };
  if (eventType === 'Bounce') return bounceEventSchema.parse(normalised);
  if (eventType === 'Complaint') return complaintEventSchema.parse(normalised);
  return { eventType: 'Other', type: eventType };
}

export interface FeedbackOutcome {
  suppressed: number;
  counted: number;
  unknown: number;
  ignored: boolean;
}

/**
 * Applies one SES event: a permanent bounce or a complaint suppresses the reader at once; a transient
 * (or undetermined) bounce is counted and suppresses after `transientBounceLimit`. Suppression is the
 * status change itself: the reader leaves every fan-out segment. Each is one conditional update of the
 * status (or an atomic add to the count), so nothing a reader saves at the same moment undoes it.
 */
export async function applyFeedback(
  event: SesEvent,
  deps: { subscribers: SubscriberRepo; clock: Clock; transientBounceLimit: number },
): Promise<FeedbackOutcome> {
  const outcome: FeedbackOutcome = { suppressed: 0, counted: 0, unknown: 0, ignored: false };
  let recipients: string[];
  let kind: 'bounce' | 'transient' | 'complaint';
  if (event.eventType === 'Bounce') {
    recipients = event.bounce.bouncedRecipients.map((r) => r.emailAddress);
    kind = event.bounce.bounceType === 'Permanent' ? 'bounce' : 'transient';
  } else if (event.eventType === 'Complaint') {
    recipients = event.complaint.complainedRecipients.map((r) => r.emailAddress);
    kind = 'complaint';
  } else {
    return { ...outcome, ignored: true };
  }

  const now = deps.clock.now().toISOString();
  for (const address of recipients) {
    const reader = await deps.subscribers.findByEmail(address);
    if (!reader) {
      outcome.unknown += 1;
      continue;
    }
    if (isSuppressed(reader)) continue;
    try {
      if (kind === 'transient') {
        const counted = await deps.subscribers.countTransientBounce(reader.id, now);
        if (counted.bounceCount < deps.transientBounceLimit) {
          outcome.counted += 1;
          continue;
        }
      }
      await deps.subscribers.suppress(reader, kind === 'complaint' ? 'complained' : 'bounced', now);
      outcome.suppressed += 1;
    } catch (error) {
      // Suppressed meanwhile (another event for the same reader): it stands as it is.
      if (!(error instanceof ConflictError)) throw error;
    }
  }
  return outcome;
}

const isSuppressed = (reader: Subscriber) => reader.status === 'bounced' || reader.status === 'complained';
