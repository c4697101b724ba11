import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { type Keyring, ORIGINAL_KEY_ID, parseKeyring, signingKeyAt } from './link-keys';
import type { Placeholder } from './mail/compiled-mail';
import type { PersonalLinks } from './mail/personalise';

export const linkPurposeSchema = z.enum(['confirm', 'unsubscribe', 'preferences']);
export type LinkPurpose = z.infer<typeof linkPurposeSchema>;

/** How long each kind of link lives. Unsubscribe and preferences links never expire: a reader may click a year-old mail. */
export const linkLifetimeMs: Record<LinkPurpose, number | undefined> = {
  confirm: 7 * 24 * 60 * 60 * 1000,
  unsubscribe: undefined,
  preferences: undefined,
};

const payloadSchema = z.object({
  s: z.string().min(1).max(64),
  p: linkPurposeSchema,
  v: z.number().int().min(1),
  e: z.number().int().optional(),
  r: z.number().int().min(0).optional(),
});

export interface LinkClaims {
  subscriberId: string;
  purpose: LinkPurpose;
  linkVersion: number;
  /**
   * Confirm links: how many times the reader had confirmed when it was signed. A confirm link acts
   * in that round only, so once it has confirmed it is spent (absent, as in links signed before
   * rounds were kept: 0).
   */
  round?: number;
}

/** Whom a reader's links are signed for: their id, link version and (for confirm links) round. */
export interface LinkSubject {
  id: string;
  linkVersion: number;
  /** The reader's confirmation round (see `LinkClaims.round`); confirm links only. */
  confirmRound?: number;
}

/** The token is not ours (forged, tampered, truncated, signed with another key) or not for this use. */
export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
}

/** A genuine token past its lifetime: the page may offer a fresh mail to the subscriber it names. */
export class ExpiredTokenError extends Error {
  override name = 'ExpiredTokenError';
  constructor(readonly claims: LinkClaims) {
    super('this link has expired');
  }
}

/** How often a signer may re-read its keyring when a token names a key it does not hold. */
const RELOAD_INTERVAL_MS = 10_000;

export interface LinkSignerOptions {
  /**
   * Reads the keyring again (local mode: the key file, which `nashra keys rotate` may have changed
   * since this process started); asked at most every ten seconds, when a token names a key this
   * signer does not hold.
   */
  reload?: () => Keyring | undefined;
}

/**
 * Signs and verifies the tokens every link carries: HMAC-SHA256 over the subscriber id, the purpose,
 * the subscriber's link version and (for confirm links) an expiry. A token never contains an address.
 * Revocation is by link version: the caller compares `linkVersion` with the subscriber's current one.
 *
 * Keys come from a keyring (functions/core/link-keys.ts). A token is `body.mac`, signed with the
 * original key `k0` (every token issued before keyrings, and every token while k0 signs), or
 * `kid.body.mac`, its MAC over `kid.body`, signed with key `kid`. Any key still in the keyring
 * verifies; the one `signingKeyAt` names signs. `use` takes a newer keyring in a process that stays up.
 */
export class LinkSigner {
  /** The keyring as last used: which of its keys signs depends on the time (a rotated key signs later). */
  private ring: Keyring;
  /** KeyObjects made once: each HMAC then starts from one (a few per cent faster than from bytes, same MAC). */
  private keys: Map<string, KeyObject>;
  private lastReload = Number.NEGATIVE_INFINITY;

  constructor(
    keys: string | Keyring,
    private readonly options: LinkSignerOptions = {},
  ) {
    this.ring = typeof keys === 'string' ? parseKeyring(keys) : keys;
    this.keys = keyObjectsOf(this.ring);
  }

  /** From now on, sign with the keyring's key of the moment and verify with any of its keys. */
  use(ring: Keyring): void {
    this.ring = ring;
    this.keys = keyObjectsOf(ring);
  }

  sign(claims: LinkClaims, now: Date): string {
    const lifetime = linkLifetimeMs[claims.purpose];
    const payload = {
      s: claims.subscriberId,
      p: claims.purpose,
      v: claims.linkVersion,
      ...(lifetime ? { e: Math.floor((now.getTime() + lifetime) / 1000) } : {}),
      ...(claims.purpose === 'confirm' ? { r: claims.round ?? 0 } : {}),
    };
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    const { id } = signingKeyAt(this.ring, now);
    const key = this.keys.get(id) as KeyObject;
    if (id === ORIGINAL_KEY_ID) return `${body}.${mac(key, body)}`;
    return `${id}.${body}.${mac(key, `${id}.${body}`)}`;
  }

  /** The claims of a genuine, unexpired token for `purpose`; throws InvalidTokenError or ExpiredTokenError. */
  verify(token: string, purpose: LinkPurpose, now: Date): LinkClaims {
    if (token.length > 512) throw new InvalidTokenError('token too long');
    const parts = token.split('.');
    if (parts.length < 2 || parts.length > 3) throw new InvalidTokenError('malformed token');
    const [id, body, given] =
      parts.length === 2 ? [ORIGINAL_KEY_ID, parts[0], parts[1]] : [parts[0], parts[1], parts[2]];
    if (!id || !body || !given) throw new InvalidTokenError('malformed token');
    const key = this.keyFor(id, now);
    if (!key) throw new InvalidTokenError('signed with a key that is retired or unknown');
    const expected = Buffer.from(mac(key, parts.length === 2 ? body : `${id}.${body}`), 'utf8');
    const presented = Buffer.from(given, 'utf8');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
      throw new InvalidTokenError('bad signature');
    let payload: z.infer<typeof payloadSchema>;
    try {
      payload = payloadSchema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      throw new InvalidTokenError('malformed payload');
    }
    if (payload.p !== purpose) throw new InvalidTokenError('token is for another purpose');
    const claims: LinkClaims = {
      subscriberId: payload.s,
      purpose: payload.p,
      linkVersion: payload.v,
      ...(payload.p === 'confirm' ? { round: payload.r ?? 0 } : {}),
    };
    if (payload.e !== undefined && now.getTime() >= payload.e * 1000) throw new ExpiredTokenError(claims);
    return claims;
  }

  private keyFor(id: string, now: Date): KeyObject | undefined {
    const held = this.keys.get(id);
    if (held || !this.options.reload || !/^k\d{1,6}$/.test(id)) return held;
    if (now.getTime() - this.lastReload < RELOAD_INTERVAL_MS) return undefined;
    this.lastReload = now.getTime();
    const ring = this.options.reload();
    if (ring) this.use(ring);
    return this.keys.get(id);
  }
}

function keyObjectsOf(ring: Keyring): Map<string, KeyObject> {
  return new Map(ring.keys.map((key) => [key.id, createSecretKey(Buffer.from(key.secret, 'utf8'))]));
}

function mac(key: KeyObject, signed: string): string {
  return createHmac('sha256', key).update(signed).digest('base64url');
}

/** The claims of one of a subject's links. */
export function claimsFor(subject: LinkSubject, purpose: LinkPurpose): LinkClaims {
  return {
    subscriberId: subject.id,
    purpose,
    linkVersion: subject.linkVersion,
    ...(purpose === 'confirm' ? { round: subject.confirmRound ?? 0 } : {}),
  };
}

/** The personal links of one reader, each carrying a signed token and never the address. */
export function subscriberLinks(signer: LinkSigner, baseUrl: string, subscriber: LinkSubject, now: Date) {
  const link = (purpose: LinkPurpose) =>
    `${baseUrl}/${purpose}/${signer.sign(claimsFor(subscriber, purpose), now)}`;
  return {
    unsubscribeUrl: link('unsubscribe'),
    preferencesUrl: link('preferences'),
    confirmUrl: link('confirm'),
  };
}

/** Each link a mail may carry, by its placeholder: the token's purpose and the page it opens. */
const linkKinds: Record<Placeholder, { purpose: LinkPurpose; page: string }> = {
  unsubscribeUrl: { purpose: 'unsubscribe', page: 'unsubscribe' },
  preferencesUrl: { purpose: 'preferences', page: 'preferences' },
  confirmUrl: { purpose: 'confirm', page: 'confirm' },
  // The way back after unsubscribing: a page (GET) whose button (POST) resubscribes; the unsubscribe
  // token is its credential.
  resubscribeUrl: { purpose: 'unsubscribe', page: 'resubscribe' },
};

/**
 * The reader's links for the placeholders `names` only (what a mail holds, and `unsubscribeUrl` for
 * its List-Unsubscribe header), each token signed once: the same tokens as `subscriberLinks`, without
 * signing links the mail never shows. Throws on a name that is not a link placeholder.
 */
export function linksFor(
  signer: LinkSigner,
  baseUrl: string,
  subscriber: LinkSubject,
  now: Date,
  names: Iterable<string>,
): PersonalLinks {
  const tokens = new Map<LinkPurpose, string>();
  const links: PersonalLinks = {};
  for (const name of names) {
    const kind = Object.hasOwn(linkKinds, name) ? linkKinds[name as Placeholder] : undefined;
    if (!kind) throw new Error(`{{${name}}} is not a link a mail can carry`);
    let token = tokens.get(kind.purpose);
    if (token === undefined) {
      token = signer.sign(claimsFor(subscriber, kind.purpose), now);
      tokens.set(kind.purpose, token);
    }
    links[name as Placeholder] = `${baseUrl}/${kind.page}/${token}`;
  }
  return links;
}
