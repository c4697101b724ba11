import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ExpiredTokenError,
  InvalidTokenError,
  LinkSigner,
  linksFor,
  subscriberLinks,
} from '../../functions/core/link-token';

const signer = new LinkSigner('k'.repeat(32));
const other = new LinkSigner('o'.repeat(32));
const now = new Date('2026-11-29T12:00:00Z');
const day = 24 * 60 * 60 * 1000;
const claims = { subscriberId: 'sub_123', purpose: 'unsubscribe' as const, linkVersion: 1 };

describe('LinkSigner', () => {
  it('round-trips the claims and carries no address', () => {
    const token = signer.sign(claims, now);
    expect(signer.verify(token, 'unsubscribe', now)).toEqual(claims);
    expect(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()).not.toContain('@');
  });

  it('signs HMAC-SHA256 of the payload under the key as given (the tokens every sent link carries)', () => {
    const token = signer.sign(claims, now);
    const [body = ''] = token.split('.');
    expect(JSON.parse(Buffer.from(body, 'base64url').toString('utf8'))).toEqual({
      s: 'sub_123',
      p: 'unsubscribe',
      v: 1,
    });
    expect(token).toBe(`${body}.${createHmac('sha256', 'k'.repeat(32)).update(body).digest('base64url')}`);
  });

  it('never expires unsubscribe links; expires confirm links after seven days', () => {
    const unsubscribe = signer.sign(claims, now);
    expect(signer.verify(unsubscribe, 'unsubscribe', new Date(now.getTime() + 400 * day))).toEqual(claims);
    const confirm = signer.sign({ ...claims, purpose: 'confirm' }, now);
    expect(signer.verify(confirm, 'confirm', new Date(now.getTime() + 6 * day)).subscriberId).toBe('sub_123');
    expect(() => signer.verify(confirm, 'confirm', new Date(now.getTime() + 7 * day))).toThrow(
      ExpiredTokenError,
    );
  });

  it('refuses another purpose, another key, a truncated or tampered token', () => {
    const token = signer.sign(claims, now);
    expect(() => signer.verify(token, 'preferences', now)).toThrow(InvalidTokenError);
    expect(() => signer.verify(other.sign(claims, now), 'unsubscribe', now)).toThrow(InvalidTokenError);
    expect(() => signer.verify(token.slice(0, -3), 'unsubscribe', now)).toThrow(InvalidTokenError);
    expect(() => signer.verify(`x${token}`, 'unsubscribe', now)).toThrow(InvalidTokenError);
    expect(() => signer.verify('', 'unsubscribe', now)).toThrow(InvalidTokenError);
  });

  it('accepts no token but the exact one it signed (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (candidate) => {
        const genuine = signer.sign(claims, now);
        if (candidate === genuine) return;
        expect(() => signer.verify(candidate, 'unsubscribe', now)).toThrow(InvalidTokenError);
      }),
    );
  });

  it('detects any single-character change to a genuine token (property)', () => {
    const token = signer.sign(claims, now);
    fc.assert(
      fc.property(
        fc.nat({ max: token.length - 1 }),
        fc.constantFrom(...'ABCxyz019-_.'),
        (index, replacement) => {
          if (token[index] === replacement) return;
          const changed = token.slice(0, index) + replacement + token.slice(index + 1);
          expect(() => signer.verify(changed, 'unsubscribe', now)).toThrow(InvalidTokenError);
        },
      ),
    );
  });

  it('builds the personal links under the base URL', () => {
    const links = subscriberLinks(signer, 'https://n.example', { id: 'sub_123', linkVersion: 2 }, now);
    expect(links.unsubscribeUrl).toMatch(/^https:\/\/n\.example\/unsubscribe\/[\w-]+\.[\w-]+$/);
    const token = links.preferencesUrl.split('/').pop() ?? '';
    expect(signer.verify(token, 'preferences', now)).toEqual({
      subscriberId: 'sub_123',
      purpose: 'preferences',
      linkVersion: 2,
    });
  });

  it('signs only the links a mail names, with the same tokens as subscriberLinks', () => {
    const reader = { id: 'sub_123', linkVersion: 2 };
    const all = subscriberLinks(signer, 'https://n.example', reader, now);
    expect(linksFor(signer, 'https://n.example', reader, now, ['preferencesUrl', 'unsubscribeUrl'])).toEqual({
      preferencesUrl: all.preferencesUrl,
      unsubscribeUrl: all.unsubscribeUrl,
    });
    expect(linksFor(signer, 'https://n.example', reader, now, ['confirmUrl'])).toEqual({
      confirmUrl: all.confirmUrl,
    });
    // The way back after unsubscribing carries the unsubscribe token, on the resubscribe page.
    const back = linksFor(signer, 'https://n.example', reader, now, ['resubscribeUrl', 'unsubscribeUrl']);
    expect(back.resubscribeUrl).toBe(all.unsubscribeUrl.replace('/unsubscribe/', '/resubscribe/'));
    expect(() => linksFor(signer, 'https://n.example', reader, now, ['homeUrl'])).toThrow(/homeUrl/);
  });

  const anyClaims = fc.record({
    subscriberId: fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 64 })
      .filter((id) => id.length <= 64),
    purpose: fc.constantFrom('confirm' as const, 'unsubscribe' as const, 'preferences' as const),
    linkVersion: fc.integer({ min: 1, max: 2 ** 31 }),
  });

  it('round-trips any claims, for any key and any instant within the lifetime (property)', () => {
    fc.assert(
      fc.property(
        anyClaims,
        fc.string({ minLength: 32, maxLength: 80 }),
        fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 6 * day }),
        (any, key, signedAt, later) => {
          const keyed = new LinkSigner(key);
          const token = keyed.sign(any, signedAt);
          expect(token).toMatch(/^[\w-]+\.[\w-]+$/);
          expect(keyed.verify(token, any.purpose, new Date(signedAt.getTime() + later))).toEqual(any);
        },
      ),
    );
  });

  it('refuses any modification of a genuine token: a change, an insertion, a deletion (property)', () => {
    const edit = fc.oneof(
      fc.record({
        kind: fc.constant('replace' as const),
        at: fc.nat(),
        with: fc.string({ minLength: 1, maxLength: 3 }),
      }),
      fc.record({
        kind: fc.constant('insert' as const),
        at: fc.nat(),
        with: fc.string({ minLength: 1, maxLength: 3 }),
      }),
      fc.record({
        kind: fc.constant('delete' as const),
        at: fc.nat(),
        with: fc.constant(''),
        length: fc.integer({ min: 1, max: 5 }),
      }),
    );
    fc.assert(
      fc.property(anyClaims, edit, (any, change) => {
        const token = signer.sign(any, now);
        const at = change.at % (token.length + 1);
        const changed =
          change.kind === 'insert'
            ? token.slice(0, at) + change.with + token.slice(at)
            : change.kind === 'replace'
              ? token.slice(0, at) + change.with + token.slice(at + change.with.length)
              : token.slice(0, at) + token.slice(at + ('length' in change ? change.length : 1));
        fc.pre(changed !== token);
        expect(() => signer.verify(changed, any.purpose, now)).toThrow(InvalidTokenError);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a genuine token for any other purpose and under any other key (property)', () => {
    fc.assert(
      fc.property(anyClaims, fc.string({ minLength: 32, maxLength: 64 }), (any, key) => {
        fc.pre(key !== 'k'.repeat(32));
        const token = signer.sign(any, now);
        for (const purpose of ['confirm', 'unsubscribe', 'preferences'] as const)
          if (purpose !== any.purpose)
            expect(() => signer.verify(token, purpose, now)).toThrow(InvalidTokenError);
        expect(() => new LinkSigner(key).verify(token, any.purpose, now)).toThrow(InvalidTokenError);
      }),
    );
  });
});
