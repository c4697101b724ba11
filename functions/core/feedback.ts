import { z } from 'zod';
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
 * status change itself: the reader leaves every fan-out segment.
 */
export async function applyFeedback(
  event: SesEvent,
  deps: { subscribers: SubscriberRepo; clock: Clock; transientBounceLimit: number },
): Promise<FeedbackOutcome> {
  const outcome: FeedbackOutcome = { suppressed: 0, counted: 0, unknown: 0, ignored: false };
  let recipients: string[];
  let change: (reader: Subscriber) => Subscriber;
  const now = deps.clock.now().toISOString();
  if (event.eventType === 'Bounce') {
    const bounce = event.bounce;
    recipients = bounce.bouncedRecipients.map((r) => r.emailAddress);
    change =
      bounce.bounceType === 'Permanent'
        ? (reader) => ({ ...reader, status: 'bounced', updatedAt: now })
        : (reader) => {
            const bounceCount = reader.bounceCount + 1;
            return {
              ...reader,
              bounceCount,
              status: bounceCount >= deps.transientBounceLimit ? 'bounced' : reader.status,
              updatedAt: now,
            };
          };
  } else if (event.eventType === 'Complaint') {
    recipients = event.complaint.complainedRecipients.map((r) => r.emailAddress);
    change = (reader) => ({ ...reader, status: 'complained', updatedAt: now });
  } else {
    return { ...outcome, ignored: true };
  }

  for (const address of recipients) {
    const reader = await deps.subscribers.findByEmail(address);
    if (!reader) {
      outcome.unknown += 1;
      continue;
    }
    if (reader.status === 'bounced' || reader.status === 'complained') continue;
    const changed = change(reader);
    await deps.subscribers.update(changed);
    if (changed.status !== reader.status) outcome.suppressed += 1;
    else outcome.counted += 1;
  }
  return outcome;
}
