import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

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
  private readonly key: Buffer;

  constructor(key: string) {
    if (key.length < 32) throw new Error('the link-signing key must be at least 32 characters');
    this.key = Buffer.from(key, 'utf8');
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
