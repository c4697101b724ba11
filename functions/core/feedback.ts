import * as z from 'zod';
import { ConflictError } from './errors';
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
 * status change itself: the reader leaves every fan-out segment. Each is one conditional update of the
 * status (or an atomic add to the count), so nothing a reader saves at the same moment undoes it. With
 * the issue's parts, the event is also recorded on the issue its mail belonged to.
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
  let kind: 'bounce' | 'transient' | 'complaint';
  let feedback: DeliveryFeedback;
  if (event.eventType === 'Bounce') {
    const bounce = event.bounce;
    recipients = bounce.bouncedRecipients.map((r) => r.emailAddress);
    kind = bounce.bounceType === 'Permanent' ? 'bounce' : 'transient';
    feedback = {
      kind: 'bounced',
      detail: [bounce.bounceType, bounce.bounceSubType].filter(Boolean).join('/'),
    };
  } else if (event.eventType === 'Complaint') {
    recipients = event.complaint.complainedRecipients.map((r) => r.emailAddress);
    kind = 'complaint';
    feedback = {
      kind: 'complained',
      ...(event.complaint.complaintFeedbackType ? { detail: event.complaint.complaintFeedbackType } : {}),
    };
  } else {
    return { ...outcome, ignored: true };
  }

  const now = deps.clock.now().toISOString();
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
