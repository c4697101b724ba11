import type { Article, Language, SaveOutcome } from './article';
import type { Cadence, Subscriber } from './subscriber';

/**
 * The ports the core talks to. Adapters implement them against AWS services (functions/adapters);
 * unit tests pass in-memory fakes. Nothing here imports an SDK.
 */
export interface ArticleRepo {
  /**
   * Stores an article idempotently: a new id is created, a changed one updated (its `firstSeenAt`
   * kept), an identical one left alone. Conditional writes make concurrent saves safe.
   */
  save(article: Article): Promise<SaveOutcome>;
  get(id: string): Promise<Article | undefined>;
  /**
   * Articles published in [since, until) — ISO instants, either end open — newest first, for one
   * language or both. Pages through the store; returns at most `limit` (default: all).
   */
  listPublished(query: {
    lang?: Language;
    since?: string;
    until?: string;
    limit?: number;
  }): Promise<Article[]>;
}

export interface RawMail {
  from: string;
  to: string;
  /** The complete RFC 5322 message, as built by MailComposer. */
  raw: Buffer;
  /** SES message tags (configuration-set event dimensions); values must be SES-safe. */
  tags?: Record<string, string>;
}

export interface Mailer {
  /** Hands one raw message to the mail service; returns the service's message id. */
  sendRaw(mail: RawMail): Promise<{ messageId: string }>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface SubscriberRepo {
  /**
   * Creates a subscriber unless the address is already held by one; returns the one that holds it.
   * One address is one subscriber, also under concurrent calls (a conditional claim on the address).
   */
  create(subscriber: Subscriber): Promise<{ subscriber: Subscriber; created: boolean }>;
  get(id: string): Promise<Subscriber | undefined>;
  findByEmail(email: string): Promise<Subscriber | undefined>;
  /** Replaces a stored subscriber (status, preferences, link version, counts); it must exist. */
  update(subscriber: Subscriber): Promise<void>;
  /**
   * One page of active, unpaused readers of a cadence, in id order, for fan-out that never holds the
   * whole list in memory. Pass the returned cursor back for the next page; none means done.
   */
  pageSegment(
    cadence: Cadence,
    page: { cursor?: string; limit: number },
  ): Promise<{ subscribers: Subscriber[]; cursor?: string }>;
  /** Every subscriber, page by page (staff listing and export). */
  scan(page: { cursor?: string; limit: number }): Promise<{ subscribers: Subscriber[]; cursor?: string }>;
  /** Erasure: the subscriber and the claim on their address. */
  remove(subscriber: Subscriber): Promise<void>;
}
