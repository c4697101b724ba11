import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ConflictError } from '../errors';
import { ExpiredTokenError, InvalidTokenError, type LinkPurpose } from '../link-token';
import type { SubscriberRepo } from '../ports';
import type { Subscriber, SubscriberStatus } from '../subscriber';
import type { PreferencesRequest, SubscribeRequest } from './input';
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

export interface ReaderDeps extends SystemMailDeps {
  subscribers: SubscriberRepo;
  limiter: RateLimiter;
  unsubscribeNotice: UnsubscribeNotice;
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
 * known. A new address becomes a pending reader; a pending or unsubscribed one keeps its status
 * and takes the form's choices (they apply once confirmed); either gets a confirmation. An active
 * reader's choices are not touched (only their own links may change them): they get the welcome
 * mail again, which carries their preferences link. A bounced or complained address gets nothing.
 * Every mail counts against the address's limit, so a burst of subscribes sends one mail at most.
 */
export async function requestSubscription(
  request: SubscribeRequest,
  deps: ReaderDeps,
): Promise<{ outcome: SubscribeOutcome; subscriber: Subscriber }> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const existing = await deps.subscribers.findByEmail(request.email);
  let subscriber =
    existing ??
    (
      await deps.subscribers.create({
        id: newSubscriberId(),
        email: request.email,
        status: 'pending',
        languages: request.languages,
        cadence: request.cadence,
        topics: request.topics,
        urgentAlerts: request.urgentAlerts,
        paused: false,
        consent: { at, method: 'double-opt-in', source: 'subscribe form' },
        linkVersion: 1,
        bounceCount: 0,
        createdAt: at,
        updatedAt: at,
      })
    ).subscriber;

  if (subscriber.status === 'bounced' || subscriber.status === 'complained')
    return { outcome: 'suppressed', subscriber };
  if (!(await deps.limiter.allow('address', subscriber.email, now)))
    return { outcome: 'limited', subscriber };
  if (subscriber.status === 'active') {
    await sendSystemMail('welcome', subscriber, deps);
    return { outcome: 'reminder-sent', subscriber };
  }
  if (existing) {
    subscriber = {
      ...subscriber,
      languages: request.languages,
      cadence: request.cadence,
      topics: request.topics,
      urgentAlerts: request.urgentAlerts,
      consent: { at, method: 'double-opt-in', source: 'subscribe form' },
      updatedAt: at,
    };
    try {
      await deps.subscribers.update(subscriber, { ifStatus: [subscriber.status] });
    } catch (error) {
      if (error instanceof ConflictError) return { outcome: 'raced', subscriber };
      throw error;
    }
  }
  await sendSystemMail('confirm', subscriber, deps);
  return { outcome: 'confirmation-sent', subscriber };
}

/**
 * The reader a token names: its signature, purpose and expiry checked, and its link version still
 * the reader's (a bumped version revokes it). Anything else is an InvalidTokenError, which the HTTP
 * layer shows as the same 404 as a page that does not exist.
 */
export async function readerOf(
  token: string,
  purpose: LinkPurpose,
  deps: Pick<ReaderDeps, 'signer' | 'subscribers' | 'clock'>,
  options: { allowExpired?: boolean } = {},
): Promise<Subscriber> {
  let claims: { subscriberId: string; linkVersion: number };
  try {
    claims = deps.signer.verify(token, purpose, deps.clock.now());
  } catch (error) {
    if (!(error instanceof ExpiredTokenError)) throw error;
    // A revoked expired link is as unknown as a forged one; only a current one may say "expired".
    const subscriber = await current(error.claims, deps);
    if (options.allowExpired) return subscriber;
    throw error;
  }
  return current(claims, deps);
}

async function current(
  claims: { subscriberId: string; linkVersion: number },
  deps: Pick<ReaderDeps, 'subscribers'>,
): Promise<Subscriber> {
  const subscriber = await deps.subscribers.get(claims.subscriberId);
  if (!subscriber || subscriber.linkVersion !== claims.linkVersion)
    throw new InvalidTokenError('no reader holds this link');
  return subscriber;
}

const confirmable: SubscriberStatus[] = ['pending', 'unsubscribed'];

/**
 * `POST /confirm/{token}`: pending (or unsubscribed, after a new subscribe) becomes active, and the
 * welcome mail goes out once. Idempotent: a replay, or the loser of two concurrent confirmations (a
 * conditional write on the status decides), changes nothing and sends nothing. Bounced and
 * complained readers stay as they are (`confirmed: false`).
 */
export async function confirmSubscription(
  token: string,
  deps: ReaderDeps,
): Promise<{ subscriber: Subscriber; confirmed: boolean; welcomed: boolean; mailError?: unknown }> {
  const subscriber = await readerOf(token, 'confirm', deps);
  if (subscriber.status === 'active') return { subscriber, confirmed: true, welcomed: false };
  if (!confirmable.includes(subscriber.status)) return { subscriber, confirmed: false, welcomed: false };
  const at = deps.clock.now().toISOString();
  const active: Subscriber = {
    ...subscriber,
    status: 'active',
    consent: { ...subscriber.consent, at, method: 'double-opt-in' },
    confirmedAt: at,
    updatedAt: at,
  };
  try {
    await deps.subscribers.update(active, { ifStatus: [subscriber.status] });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const now = await readerOf(token, 'confirm', deps);
    return { subscriber: now, confirmed: now.status === 'active', welcomed: false };
  }
  // The reader is confirmed whatever happens to the courtesy mail: its failure is reported, not thrown.
  try {
    await sendSystemMail('welcome', active, deps);
  } catch (mailError) {
    return { subscriber: active, confirmed: true, welcomed: false, mailError };
  }
  return { subscriber: active, confirmed: true, welcomed: true };
}

/**
 * `POST /confirm/{token}/resend`: an expired (or lost) confirm link's way to a new one. The token
 * must still be genuine and current; only a pending or unsubscribed reader is mailed, within the
 * address's limit. Returns whether a mail went out (the page says the same either way).
 */
export async function resendConfirmation(token: string, deps: ReaderDeps): Promise<boolean> {
  const subscriber = await readerOf(token, 'confirm', deps, { allowExpired: true });
  if (!confirmable.includes(subscriber.status)) return false;
  if (!(await deps.limiter.allow('address', subscriber.email, deps.clock.now()))) return false;
  await sendSystemMail('confirm', subscriber, deps);
  return true;
}

/**
 * `POST /unsubscribe/{token}` (RFC 8058 one-click, or the page's button): effective at once and
 * idempotent. An active or pending reader becomes unsubscribed; bounced and complained readers stay
 * suppressed as they are. The link version is kept, so the same token still resubscribes.
 * Sends the notice mail when `unsubscribeNotice` says so; its failure is reported, never undoes it.
 */
export async function unsubscribe(
  token: string,
  via: 'one-click' | 'page',
  deps: ReaderDeps,
): Promise<{ subscriber: Subscriber; changed: boolean; notified: boolean; mailError?: unknown }> {
  const subscriber = await readerOf(token, 'unsubscribe', deps);
  if (subscriber.status !== 'active' && subscriber.status !== 'pending')
    return { subscriber, changed: false, notified: false };
  const at = deps.clock.now().toISOString();
  const left: Subscriber = { ...subscriber, status: 'unsubscribed', updatedAt: at };
  try {
    await deps.subscribers.update(left, { ifStatus: [subscriber.status] });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    return { subscriber: await readerOf(token, 'unsubscribe', deps), changed: false, notified: false };
  }
  const notify = deps.unsubscribeNotice === 'always' || (deps.unsubscribeNotice === 'page' && via === 'page');
  if (!notify) return { subscriber: left, changed: true, notified: false };
  try {
    await sendSystemMail('unsubscribed', left, deps);
  } catch (mailError) {
    return { subscriber: left, changed: true, notified: false, mailError };
  }
  return { subscriber: left, changed: true, notified: true };
}

/**
 * `POST /resubscribe/{token}` (an unsubscribe token): undoes an unsubscribe. Only an unsubscribed
 * reader becomes active again, with the consent recorded anew; nothing else changes (a bounced or
 * complained address is never resurrected). No mail: the reader is on the page that says so.
 */
export async function resubscribe(
  token: string,
  deps: ReaderDeps,
): Promise<{ subscriber: Subscriber; resubscribed: boolean }> {
  const subscriber = await readerOf(token, 'unsubscribe', deps);
  if (subscriber.status !== 'unsubscribed')
    return { subscriber, resubscribed: subscriber.status === 'active' };
  const at = deps.clock.now().toISOString();
  const back: Subscriber = {
    ...subscriber,
    status: 'active',
    consent: { at, method: 'resubscribe', source: 'unsubscribe page' },
    confirmedAt: subscriber.confirmedAt ?? at,
    updatedAt: at,
  };
  try {
    await deps.subscribers.update(back, { ifStatus: ['unsubscribed'] });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const now = await readerOf(token, 'unsubscribe', deps);
    return { subscriber: now, resubscribed: now.status === 'active' };
  }
  return { subscriber: back, resubscribed: true };
}

/**
 * `POST /preferences/{token}`: the reader's languages (in order), cadence, topics, urgent alerts and
 * pause. The status is not touched: the preferences page neither subscribes nor unsubscribes.
 */
export async function savePreferences(
  token: string,
  preferences: PreferencesRequest,
  deps: ReaderDeps,
): Promise<Subscriber> {
  const subscriber = await readerOf(token, 'preferences', deps);
  const saved: Subscriber = { ...subscriber, ...preferences, updatedAt: deps.clock.now().toISOString() };
  await deps.subscribers.update(saved);
  return saved;
}
