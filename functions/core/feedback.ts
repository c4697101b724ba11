import { z } from 'zod';
import type { Clock, DeliveryFeedback, DeliveryRepo, IssueRepo, SubscriberRepo } from './ports';
import type { Subscriber } from './subscriber';

const recipientSchema = z.object({ emailAddress: z.string().min(3) }).loose();

/** The sent mail an event is about: SES's message id and the message tags it was sent with. */
const mailSchema = z
  .object({ messageId: z.string(), tags: z.record(z.string(), z.array(z.string())).optional() })
  .loose();

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
    mail: mailSchema,
  })
  .loose();

const complaintEventSchema = z
  .object({
    eventType: z.literal('Complaint'),
    complaint: z
      .object({
        complainedRecipients: z.array(recipientSchema).min(1),
        timestamp: z.string(),
        complaintFeedbackType: z.string().optional(),
      })
      .loose(),
    mail: mailSchema,
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
 * Where feedback is also recorded against the issue the mail belonged to (the `issue` message tag the
 * sender sets): on the reader's delivery, and in the issue's bounced and complained counts.
 */
export interface IssueFeedbackDeps {
  deliveries: Pick<DeliveryRepo, 'recordFeedback'>;
  issues: Pick<IssueRepo, 'addCounts'>;
}

/**
 * Applies one SES event: a permanent bounce or a complaint suppresses the reader at once; a transient
 * (or undetermined) bounce is counted and suppresses after `transientBounceLimit`. Suppression is the
 * status change itself: the reader leaves every fan-out segment.
 */
export async function applyFeedback(
  event: SesEvent,
  deps: {
    subscribers: SubscriberRepo;
    clock: Clock;
    transientBounceLimit: number;
  } & Partial<IssueFeedbackDeps>,
): Promise<FeedbackOutcome> {
  const outcome: FeedbackOutcome = { suppressed: 0, counted: 0, unknown: 0, ignored: false };
  let recipients: string[];
  let change: (reader: Subscriber) => Subscriber;
  let feedback: DeliveryFeedback;
  const now = deps.clock.now().toISOString();
  if (event.eventType === 'Bounce') {
    const bounce = event.bounce;
    recipients = bounce.bouncedRecipients.map((r) => r.emailAddress);
    feedback = {
      kind: 'bounced',
      detail: [bounce.bounceType, bounce.bounceSubType].filter(Boolean).join('/'),
    };
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
    feedback = {
      kind: 'complained',
      ...(event.complaint.complaintFeedbackType ? { detail: event.complaint.complaintFeedbackType } : {}),
    };
  } else {
    return { ...outcome, ignored: true };
  }

  const issueId = event.mail.tags?.issue?.[0];
  for (const address of recipients) {
    const reader = await deps.subscribers.findByEmail(address);
    if (!reader) {
      outcome.unknown += 1;
      continue;
    }
    if (issueId && deps.deliveries && deps.issues)
      await recordOnIssue(
        issueId,
        reader.id,
        feedback,
        { deliveries: deps.deliveries, issues: deps.issues },
        now,
      );
    if (reader.status === 'bounced' || reader.status === 'complained') continue;
    const changed = change(reader);
    await deps.subscribers.update(changed);
    if (changed.status !== reader.status) outcome.suppressed += 1;
    else outcome.counted += 1;
  }
  return outcome;
}

/** The delivery's feedback, once, and the issue's count with it (a repeated event counts nothing). */
async function recordOnIssue(
  issueId: string,
  subscriberId: string,
  feedback: DeliveryFeedback,
  deps: IssueFeedbackDeps,
  now: string,
): Promise<void> {
  if (!(await deps.deliveries.recordFeedback(issueId, subscriberId, feedback, new Date(now)))) return;
  await deps.issues.addCounts(issueId, { [feedback.kind]: 1 }, now);
}
