import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
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
});

export interface LinkClaims {
  subscriberId: string;
  purpose: LinkPurpose;
  linkVersion: number;
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

/**
 * Signs and verifies the tokens every link carries: HMAC-SHA256 over the subscriber id, the purpose,
 * the subscriber's link version and (for confirm links) an expiry. A token never contains an address.
 * Revocation is by link version: the caller compares `linkVersion` with the subscriber's current one.
 */
export class LinkSigner {
  /** A KeyObject made once: each HMAC then starts from it (a few per cent faster than from bytes, same MAC). */
  private readonly key: KeyObject;

  constructor(key: string) {
    if (key.length < 32) throw new Error('the link-signing key must be at least 32 characters');
    this.key = createSecretKey(Buffer.from(key, 'utf8'));
  }

  sign(claims: LinkClaims, now: Date): string {
    const lifetime = linkLifetimeMs[claims.purpose];
    const payload = {
      s: claims.subscriberId,
      p: claims.purpose,
      v: claims.linkVersion,
      ...(lifetime ? { e: Math.floor((now.getTime() + lifetime) / 1000) } : {}),
    };
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The claims of a genuine, unexpired token for `purpose`; throws InvalidTokenError or ExpiredTokenError. */
  verify(token: string, purpose: LinkPurpose, now: Date): LinkClaims {
    if (token.length > 512) throw new InvalidTokenError('token too long');
    const [body, mac, ...rest] = token.split('.');
    if (!body || !mac || rest.length > 0) throw new InvalidTokenError('malformed token');
    const expected = Buffer.from(this.mac(body), 'utf8');
    const given = Buffer.from(mac, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new InvalidTokenError('bad signature');
    let payload: z.infer<typeof payloadSchema>;
    try {
      payload = payloadSchema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    } catch {
      throw new InvalidTokenError('malformed payload');
    }
    if (payload.p !== purpose) throw new InvalidTokenError('token is for another purpose');
    const claims = { subscriberId: payload.s, purpose: payload.p, linkVersion: payload.v };
    if (payload.e !== undefined && now.getTime() >= payload.e * 1000) throw new ExpiredTokenError(claims);
    return claims;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

/** The personal links of one reader, each carrying a signed token and never the address. */
export function subscriberLinks(
  signer: LinkSigner,
  baseUrl: string,
  subscriber: { id: string; linkVersion: number },
  now: Date,
) {
  const link = (purpose: LinkPurpose) =>
    `${baseUrl}/${purpose}/${signer.sign({ subscriberId: subscriber.id, purpose, linkVersion: subscriber.linkVersion }, now)}`;
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
  subscriber: { id: string; linkVersion: number },
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
      token = signer.sign(
        { subscriberId: subscriber.id, purpose: kind.purpose, linkVersion: subscriber.linkVersion },
        now,
      );
      tokens.set(kind.purpose, token);
    }
    links[name as Placeholder] = `${baseUrl}/${kind.page}/${token}`;
  }
  return links;
}
