import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { ConflictError, NotFoundError } from '../errors';
import { ExpiredTokenError, InvalidTokenError, type LinkClaims, type LinkPurpose } from '../link-token';
import type { SubscriberRepo } from '../ports';
import { confirmRoundOf, pendingExpiry, type Subscriber } from '../subscriber';
import type { PreferencesRequest, SubscribeRequest } from './input';
import { countLeavingReported, type LeavingDeps } from './leaving';
import type { RateLimiter } from './rate-limit';
import { type SystemMailDeps, sendSystemMail } from './system-mail';

/**
 * When the unsubscribe notice (the `unsubscribed` mail) goes out: `never` (the default: the page
 * already says it is done, and for a reader whose mailbox may be read by others one more mail from
 * the bulletin is one more trace), `page` (only after the page's own button, never for a mail
 * client's one-click POST, whose user asked for no more mail), or `always`.
 */
export const unsubscribeNoticeSchema = z.enum(['never', 'page', 'always']);
export type UnsubscribeNotice = z.infer<typeof unsubscribeNoticeSchema>;

export interface ReaderDeps extends SystemMailDeps, LeavingDeps {
  subscribers: SubscriberRepo;
  limiter: RateLimiter;
  unsubscribeNotice: UnsubscribeNotice;
  /** Days a reader who never confirms is kept after their last confirmation mail. */
  pendingExpiryDays: number;
}

/** A new reader's random id: 128 bits, URL-safe, unrelated to the address. */
export function newSubscriberId(): string {
  return randomBytes(16).toString('base64url');
}

export type SubscribeOutcome =
  /** A confirmation went to a new, pending or unsubscribed address. */
  | 'confirmation-sent'
  /** The address is already an active reader: the welcome mail (with its preferences link) went instead. */
  | 'reminder-sent'
  /** The address's mail limit is spent for this window: nothing sent. */
  | 'limited'
  /** Bounced or complained: never mailed again from a form. */
  | 'suppressed'
  /** The reader confirmed or left while this request ran: nothing sent. */
  | 'raced';

/**
 * `POST /subscribe`: the use case behind a form whose answer never says whether the address was
 * known. A new address becomes a pending reader. A pending or unsubscribed one keeps its status, its
 * stored choices and its consent: the form's choices wait on the reader as `requested` and apply only
 * when the address's owner confirms, and the confirmation goes in the stored languages (whoever asked
 * cannot choose the language of a mail to someone else's address). An active reader's choices are not
 * touched (only their own links may change them): they get the welcome mail again, which carries
 * their preferences link. A bounced or complained address gets nothing. Every mail counts against
 * the address's limit, so a burst of subscribes sends one mail at most.
 */
export async function requestSubscription(
  request: SubscribeRequest,
  deps: ReaderDeps,
): Promise<{ outcome: SubscribeOutcome; subscriber: Subscriber }> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const requested = {
    languages: request.languages,
    cadence: request.cadence,
    topics: request.topics,
    urgentAlerts: request.urgentAlerts,
    at,
    source: 'subscribe form',
  };
  const existing = await deps.subscribers.findByEmail(request.email);
  const held = existing
    ? { subscriber: existing, created: false }
    : await deps.subscribers.create({
        id: newSubscriberId(),
        email: request.email,
        status: 'pending',
        languages: request.languages,
        cadence: request.cadence,
        topics: request.topics,
        urgentAlerts: request.urgentAlerts,
        paused: false,
        requested,
        expiresAt: pendingExpiry(now, deps.pendingExpiryDays),
        linkVersion: 1,
        bounceCount: 0,
        createdAt: at,
        updatedAt: at,
      });
  let { subscriber } = held;
  if (subscriber.status === 'bounced' || subscriber.status === 'complained')
    return { outcome: 'suppressed', subscriber };
  if (!(await deps.limiter.allow('address', subscriber.email, now)))
    return { outcome: 'limited', subscriber };
  if (subscriber.status === 'active') {
    await sendSystemMail('welcome', subscriber, deps);
    return { outcome: 'reminder-sent', subscriber };
  }
  if (!held.created) {
    try {
      subscriber = await deps.subscribers.requestConfirmation(
        subscriber.id,
        subscriber.status,
        requested,
        at,
      );
      if (subscriber.status === 'pending')
        subscriber = await deps.subscribers.keepPendingUntil(
          subscriber,
          pendingExpiry(now, deps.pendingExpiryDays),
        );
    } catch (error) {
      if (error instanceof ConflictError) return { outcome: 'raced', subscriber };
      throw error;
    }
  }
  await sendSystemMail('confirm', subscriber, deps);
  return { outcome: 'confirmation-sent', subscriber };
}

/** What a link is used for: its token's purpose, or `resubscribe` (an unsubscribe token's way back). */
export type LinkUse = LinkPurpose | 'resubscribe';

/** A reader as one of their links names them: the reader, read once, and what the token claimed. */
export interface LinkedReader {
  subscriber: Subscriber;
  claims: LinkClaims;
  use: LinkUse;
  /** The token carries the reader's current link version (an unsubscribe link may be older). */
  current: boolean;
  /** A confirm link past its lifetime, resolved only when the caller allowed it (to offer a new mail). */
  expired: boolean;
  /** A confirm link of an earlier round: it confirmed once already, and does nothing more. */
  spent: boolean;
}

/**
 * The reader a token names, for a route to resolve once and hand to its use case: the signature,
 * purpose and expiry checked, the reader read once, and its link version still one the use accepts.
 * Staff revoke a reader's links by raising the version: every preferences, resubscribe and confirm
 * link signed before is refused, while an older unsubscribe link still unsubscribes (it can only take
 * the reader off the list, and RFC 8058 wants it to work for as long as the mail exists). Anything
 * refused is an InvalidTokenError, which the HTTP layer shows as the same 404 as a page that does not
 * exist. An expired confirm link is an ExpiredTokenError unless `allowExpired`; a revoked expired one
 * is as unknown as a forged one.
 */
export async function readerOf(
  token: string,
  use: LinkUse,
  deps: Pick<ReaderDeps, 'signer' | 'subscribers' | 'clock'>,
  options: { allowExpired?: boolean } = {},
): Promise<LinkedReader> {
  let claims: LinkClaims;
  let expired = false;
  try {
    claims = deps.signer.verify(token, use === 'resubscribe' ? 'unsubscribe' : use, deps.clock.now());
  } catch (error) {
    if (!(error instanceof ExpiredTokenError)) throw error;
    claims = error.claims;
    expired = true;
  }
  const subscriber = holder(await deps.subscribers.get(claims.subscriberId), claims, use);
  if (expired && !options.allowExpired) throw new ExpiredTokenError(claims);
  const spent = claims.round !== undefined && claims.round < confirmRoundOf(subscriber);
  return {
    subscriber,
    claims,
    use,
    current: claims.linkVersion === subscriber.linkVersion,
    expired,
    spent,
  };
}

/** The reader, when they still hold a link of this version for this use; else the link's 404. */
function holder(subscriber: Subscriber | undefined, claims: LinkClaims, use: LinkUse): Subscriber {
  const accepted =
    subscriber &&
    (use === 'unsubscribe'
      ? claims.linkVersion <= subscriber.linkVersion
      : claims.linkVersion === subscriber.linkVersion);
  if (!accepted) throw new InvalidTokenError('no reader holds this link');
  return subscriber;
}

/** The reader again after a write lost a race: still holding the link, or the link's 404. */
async function readAgain(link: LinkedReader, deps: Pick<ReaderDeps, 'subscribers'>): Promise<Subscriber> {
  return holder(await deps.subscribers.get(link.subscriber.id), link.claims, link.use);
}

/**
 * Whether a confirm link may make this reader active: a pending reader, or one who left and has
 * asked to come back by the form (their request waits on them).
 */
export const awaitsConfirmation = (subscriber: Subscriber): boolean =>
  subscriber.status === 'pending' || (subscriber.status === 'unsubscribed' && !!subscriber.requested);

export interface Confirmation {
  subscriber: Subscriber;
  /** The reader is active (now or already). */
  confirmed: boolean;
  /** This request confirmed them: the one answer that may lead on to their preferences. */
  fresh: boolean;
  welcomed: boolean;
  mailError?: unknown;
}

/**
 * `POST /confirm/{token}`: pending (or unsubscribed, after a new subscribe) becomes active, the
 * consent is recorded, and the welcome mail goes out. A confirm link is used once: the write moves
 * the reader's confirmation round on, so the link that confirmed (and every other of its round) is
 * spent — replayed, concurrently or after the reader left again, it changes nothing and sends
 * nothing. Bounced and complained readers stay as they are.
 */
export async function confirmSubscription(link: LinkedReader, deps: ReaderDeps): Promise<Confirmation> {
  const { subscriber } = link;
  const unchanged = (reader: Subscriber): Confirmation => ({
    subscriber: reader,
    confirmed: reader.status === 'active',
    fresh: false,
    welcomed: false,
  });
  if (link.spent || !awaitsConfirmation(subscriber)) return unchanged(subscriber);
  const at = deps.clock.now().toISOString();
  const { requested } = subscriber;
  let active: Subscriber;
  try {
    active = await deps.subscribers.markActive(
      subscriber,
      {
        from: [subscriber.status],
        seen: subscriber,
        consent: {
          at,
          method: 'double-opt-in',
          source: requested?.source ?? subscriber.consent?.source ?? 'subscribe form',
        },
        confirmedAt: 'now',
        confirmations: { seen: subscriber.confirmations, next: confirmRoundOf(subscriber) + 1 },
        ...(requested
          ? {
              choices: {
                languages: requested.languages,
                cadence: requested.cadence,
                topics: requested.topics,
                urgentAlerts: requested.urgentAlerts,
              },
            }
          : {}),
      },
      at,
    );
  } catch (error) {
    // Another request with a link of this round confirmed first: this one is spent.
    if (!(error instanceof ConflictError)) throw error;
    return unchanged(await readAgain(link, deps));
  }
  // The reader is confirmed whatever happens to the courtesy mail: its failure is reported, not thrown.
  try {
    await sendSystemMail('welcome', active, deps);
  } catch (mailError) {
    return { subscriber: active, confirmed: true, fresh: true, welcomed: false, mailError };
  }
  return { subscriber: active, confirmed: true, fresh: true, welcomed: true };
}

/**
 * `POST /confirm/{token}/resend`: an expired (or lost) confirm link's way to a new one. The link must
 * still be genuine, current and unspent; only a pending or unsubscribed reader is mailed, within the
 * address's limit. Returns whether a mail went out (the page says the same either way).
 */
export async function resendConfirmation(link: LinkedReader, deps: ReaderDeps): Promise<boolean> {
  const { subscriber } = link;
  if (link.spent || !awaitsConfirmation(subscriber)) return false;
  const now = deps.clock.now();
  if (!(await deps.limiter.allow('address', subscriber.email, now))) return false;
  if (subscriber.status === 'pending') {
    try {
      await deps.subscribers.keepPendingUntil(subscriber, pendingExpiry(now, deps.pendingExpiryDays));
    } catch (error) {
      // Confirmed or gone meanwhile: no mail.
      if (error instanceof ConflictError || error instanceof NotFoundError) return false;
      throw error;
    }
  }
  await sendSystemMail('confirm', subscriber, deps);
  return true;
}

/**
 * `POST /unsubscribe/{token}` (RFC 8058 one-click, or the page's button): effective at once and
 * idempotent. An active or pending reader becomes unsubscribed; bounced and complained readers stay
 * suppressed as they are. The link version is kept, so the same token still resubscribes.
 * When the status changed, the reader is counted on the issues that reached them (`countLeaving`);
 * then the notice mail goes when `unsubscribeNotice` says so. A failure of either is reported
 * (`countError`, `mailError`), never undoes the unsubscribe.
 */
export async function unsubscribe(
  link: LinkedReader,
  via: 'one-click' | 'page',
  deps: ReaderDeps,
): Promise<{
  subscriber: Subscriber;
  changed: boolean;
  notified: boolean;
  countError?: unknown;
  mailError?: unknown;
}> {
  let subscriber = link.subscriber;
  let left: Subscriber | undefined;
  while (!left) {
    if (subscriber.status !== 'active' && subscriber.status !== 'pending')
      return { subscriber, changed: false, notified: false };
    try {
      left = await deps.subscribers.markUnsubscribed(
        subscriber.id,
        [subscriber.status],
        undefined,
        deps.clock.now().toISOString(),
      );
    } catch (error) {
      // Confirmed (pending → active) meanwhile: leave from there.
      if (!(error instanceof ConflictError)) throw error;
      subscriber = await readAgain(link, deps);
    }
  }
  const counted = await countLeavingReported(left, deps);
  const notify = deps.unsubscribeNotice === 'always' || (deps.unsubscribeNotice === 'page' && via === 'page');
  if (!notify) return { subscriber: left, changed: true, notified: false, ...counted };
  try {
    await sendSystemMail('unsubscribed', left, deps);
  } catch (mailError) {
    return { subscriber: left, changed: true, notified: false, ...counted, mailError };
  }
  return { subscriber: left, changed: true, notified: true, ...counted };
}

/**
 * `POST /resubscribe/{token}` (an unsubscribe token): undoes an unsubscribe. Only an unsubscribed
 * reader becomes active again, with the consent recorded anew; nothing else changes (a bounced or
 * complained address is never resurrected). No mail: the reader is on the page that says so.
 */
export async function resubscribe(
  link: LinkedReader,
  deps: ReaderDeps,
): Promise<{ subscriber: Subscriber; resubscribed: boolean }> {
  const { subscriber } = link;
  if (subscriber.status !== 'unsubscribed')
    return { subscriber, resubscribed: subscriber.status === 'active' };
  const at = deps.clock.now().toISOString();
  try {
    const back = await deps.subscribers.markActive(
      subscriber,
      {
        from: ['unsubscribed'],
        seen: subscriber,
        consent: { at, method: 'resubscribe', source: 'unsubscribe page' },
        confirmedAt: 'keep',
      },
      at,
    );
    return { subscriber: back, resubscribed: true };
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const now = await readAgain(link, deps);
    return { subscriber: now, resubscribed: now.status === 'active' };
  }
}

/** How often a preference save is tried again when the reader changed under it. */
const saveAttempts = 5;

/**
 * `POST /preferences/{token}`: the reader's languages (in order), cadence, topics, urgent alerts and
 * pause. The status is not touched: the preferences page neither subscribes nor unsubscribes. One
 * conditional update of those fields; when the reader's status changed meanwhile (an unsubscribe, a
 * bounce, a complaint), the save is read again and applied on top of it, never over it.
 */
export async function savePreferences(
  link: LinkedReader,
  preferences: PreferencesRequest,
  deps: ReaderDeps,
): Promise<Subscriber> {
  let subscriber = link.subscriber;
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.subscribers.updatePreferences(
        subscriber.id,
        preferences,
        subscriber,
        deps.clock.now().toISOString(),
      );
    } catch (error) {
      if (!(error instanceof ConflictError) || attempt >= saveAttempts) throw error;
      subscriber = await readAgain(link, deps);
    }
  }
}
