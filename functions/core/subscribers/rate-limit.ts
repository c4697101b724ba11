import { createHmac } from 'node:crypto';
import type { CounterRepo } from '../ports';

/** At most `count` within each fixed window of `seconds`. */
export interface Limit {
  count: number;
  seconds: number;
}

/** `20/600,200/86400` → two limits: 20 per 10 minutes and 200 per day. */
export function parseLimits(text: string): Limit[] {
  const limits = text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(\d+)\/(\d+)$/.exec(part);
      const count = Number(match?.[1]);
      const seconds = Number(match?.[2]);
      if (!match || count < 1 || seconds < 1) throw new Error(`"${part}" is not COUNT/SECONDS`);
      return { count, seconds };
    });
  if (limits.length === 0) throw new Error('give at least one COUNT/SECONDS');
  return limits;
}

/**
 * What a limit counts: subscribes per client and mails per reader address (the reader pages), failed
 * staff sign-ins per client and per staff account (the console). Each scope keys counters of its own.
 */
export type LimitScope = 'client' | 'address' | 'staff-client' | 'staff-account';

/**
 * Rate limits keyed by what the counters must never hold in clear: a client's network address and a
 * reader's email address. Each is HMAC-SHA256'd with a key derived from the link-signing key, so the
 * counters table alone cannot be turned back into addresses (a plain hash of an email is a dictionary
 * look-up away). Windows are fixed and their index is part of the key: a counter is never reused after
 * its window, whether or not TTL has deleted it yet.
 */
export class RateLimiter {
  private readonly key: Buffer;

  constructor(
    signingKey: string,
    private readonly counters: CounterRepo,
    private readonly limits: Partial<Record<LimitScope, Limit[]>>,
  ) {
    this.key = createHmac('sha256', signingKey).update('nashra rate-limit counters v1').digest();
  }

  /**
   * Counts one attempt against every window of the scope (an address's against its mailbox's, see
   * `mailboxOf`); true when all are still within their
   * limit. Atomic per counter, so of N concurrent attempts exactly `count` pass in a window.
   */
  async allow(scope: LimitScope, identity: string, now: Date): Promise<boolean> {
    const counts = await Promise.all(
      this.windows(scope, identity, now).map(async (window) => ({
        limit: window.limit,
        count: await this.counters.hit(window.key, window.expiresAt),
      })),
    );
    return counts.every(({ limit, count }) => count <= limit.count);
  }

  /**
   * True when some window of the scope has already reached its limit for this identity; counts
   * nothing. With `hit`, for limits on failures: look before the attempt, count only a failed one.
   */
  async exhausted(scope: LimitScope, identity: string, now: Date): Promise<boolean> {
    const windows = this.windows(scope, identity, now);
    const live = await this.counters.getMany(
      windows.map((window) => window.key),
      now,
    );
    const counts = new Map(live.map((counter) => [counter.key, counter.count]));
    return windows.some((window) => (counts.get(window.key) ?? 0) >= window.limit.count);
  }

  /** Counts one event against every window of the scope (a failed sign-in), whatever the counts. */
  async hit(scope: LimitScope, identity: string, now: Date): Promise<void> {
    await Promise.all(
      this.windows(scope, identity, now).map((window) => this.counters.hit(window.key, window.expiresAt)),
    );
  }

  /** The keys of the counters now live for one identity: for an erasure or an export of one person. */
  keysOf(scope: LimitScope, identity: string, now: Date): string[] {
    return this.windows(scope, identity, now).map((window) => window.key);
  }

  private windows(scope: LimitScope, identity: string, now: Date) {
    const counted = scope === 'address' ? mailboxOf(identity) : identity;
    const subject = createHmac('sha256', this.key).update(`${scope}\n${counted}`).digest('base64url');
    const seconds = Math.floor(now.getTime() / 1000);
    const limits = this.limits[scope];
    if (!limits) throw new Error(`this rate limiter has no limits for ${scope}`);
    return limits.map((limit) => {
      const index = Math.floor(seconds / limit.seconds);
      return {
        limit,
        key: `${scope}:${limit.seconds}:${index}:${subject}`,
        expiresAt: (index + 1) * limit.seconds,
      };
    });
  }
}

/** Providers that deliver `first.last@` and `firstlast@` to one inbox, under their one name. */
const dotlessDomains = new Map([
  ['gmail.com', 'gmail.com'],
  ['googlemail.com', 'gmail.com'],
]);

/**
 * The inbox an address delivers to, as far as the per-address limit can tell: without its `+tag`, and
 * without dots where the provider ignores them (Gmail), so that `name+1@`, `name+2@`… share one
 * count instead of each setting off a confirmation mail into the same inbox.
 */
export function mailboxOf(email: string): string {
  const normalised = email.trim().toLowerCase();
  const at = normalised.lastIndexOf('@');
  if (at < 0) return normalised;
  const local = normalised.slice(0, at);
  const domain = normalised.slice(at + 1);
  const untagged = local.split('+')[0] || local;
  const provider = dotlessDomains.get(domain);
  return provider ? `${untagged.replaceAll('.', '')}@${provider}` : `${untagged}@${domain}`;
}

/**
 * The identity a client is limited by: its IPv4 address, or the /64 of an IPv6 address (one
 * household or server gets a whole /64, so counting single IPv6 addresses would limit nothing).
 */
export function clientIdentity(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = address.includes('::') ? 8 - headGroups.length - tailGroups.length : 0;
  const groups = [...headGroups, ...Array(Math.max(0, missing)).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
