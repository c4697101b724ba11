import { createHash } from 'node:crypto';
import * as z from 'zod';
import { languageSchema } from './article';

export const cadenceSchema = z.enum(['instant', 'daily', 'weekly']);
export type Cadence = z.infer<typeof cadenceSchema>;

export const subscriberStatusSchema = z.enum(['pending', 'active', 'unsubscribed', 'bounced', 'complained']);
export type SubscriberStatus = z.infer<typeof subscriberStatusSchema>;

export const subscriberSchema = z.object({
  id: z.string().min(16),
  email: z.string().min(3),
  status: subscriberStatusSchema,
  /** The reader's languages in the reader's order: the first decides the mail's first half and its `<html lang>`. */
  languages: z.array(languageSchema).min(1).max(2),
  cadence: cadenceSchema,
  /** Empty means every topic. */
  topics: z.array(z.string()).default([]),
  /** Daily and weekly readers who also want urgent articles at once (see `defaultUrgentAlerts`). */
  urgentAlerts: z.boolean().default(false),
  paused: z.boolean().default(false),
  /**
   * When and how the reader consented: recorded when they confirm (or staff or an import hold it),
   * never for a reader who has not confirmed.
   */
  consent: z.object({ at: z.iso.datetime(), method: z.string(), source: z.string().optional() }).optional(),
  /** Bumped to revoke every link issued before. */
  linkVersion: z.number().int().min(1),
  bounceCount: z.number().int().min(0).default(0),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  confirmedAt: z.iso.datetime().optional(),
  /**
   * A reader who never confirmed is kept until then (epoch seconds; the table's TTL attribute), set
   * again by each confirmation mail; gone from every read once passed. Confirming removes it.
   */
  expiresAt: z.number().int().optional(),
  /** How many times the reader confirmed by a link: the round their confirm links act in (`confirmRoundOf`). */
  confirmations: z.number().int().min(0).optional(),
  /**
   * The choices of the latest subscribe that waits for its confirmation, and where it came from. The
   * stored choices stand until the reader confirms; confirming applies these and records the consent.
   */
  requested: z
    .object({
      languages: z.array(languageSchema).min(1).max(2),
      cadence: cadenceSchema,
      topics: z.array(z.string()),
      urgentAlerts: z.boolean(),
      at: z.iso.datetime(),
      source: z.string(),
    })
    .optional(),
  /** How the reader left, when staff unsubscribed them for the reader: the reason they gave. */
  unsubscribed: z
    .object({ at: z.iso.datetime(), method: z.literal('staff'), reason: z.string().max(500) })
    .optional(),
});
export type Subscriber = z.infer<typeof subscriberSchema>;

/**
 * What fan-out reads of a reader, and nothing more: who they are (the id for the job, the address
 * for a dry run's list) and what they asked for. A page of a thousand holds two fifths of the bytes the
 * whole readers would.
 */
export const fanOutReaderSchema = subscriberSchema.pick({
  id: true,
  email: true,
  languages: true,
  cadence: true,
  topics: true,
  urgentAlerts: true,
});
export type FanOutReader = z.infer<typeof fanOutReaderSchema>;

/**
 * Whether a new reader gets urgent alerts, wherever they come from (the form, `subscribers add`, an
 * import): yes. An urgent article is a security statement — an incident, an arrest, a threat — about
 * people in Iraq, and a weekly reader who hears of it days later may hear of it too late to act. It
 * comes seldom, is never held in quiet hours, and one click in the preferences turns it off.
 */
export const defaultUrgentAlerts = true;

/**
 * The round a reader's confirm links act in: how many times they have confirmed. A link signed in an
 * earlier round is spent. Readers stored before the count was kept count one if they ever confirmed.
 */
export function confirmRoundOf(subscriber: Pick<Subscriber, 'confirmations' | 'confirmedAt'>): number {
  return subscriber.confirmations ?? (subscriber.confirmedAt ? 1 : 0);
}

/** When a reader who has not confirmed, mailed a confirmation `now`, expires: epoch seconds, `days` on. */
export function pendingExpiry(now: Date, days: number): number {
  return Math.floor(now.getTime() / 1000) + days * 24 * 60 * 60;
}

/** What staff (or a console) may change of a reader without touching their status. */
export type ReaderChanges = Partial<
  Pick<Subscriber, 'languages' | 'cadence' | 'topics' | 'urgentAlerts' | 'paused'>
>;

/** One address, one form: trimmed and lower-cased (mailbox providers treat local parts case-blind). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function emailHash(email: string): string {
  return createHash('sha256').update(normaliseEmail(email)).digest('hex');
}

/** The fan-out segment a subscriber belongs to, or none: only active, unpaused readers receive mail. */
export function segmentOf(
  subscriber: Pick<Subscriber, 'status' | 'paused' | 'cadence'>,
): Cadence | undefined {
  return subscriber.status === 'active' && !subscriber.paused ? subscriber.cadence : undefined;
}
