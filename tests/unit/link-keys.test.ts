import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/core/errors';
import {
  counterKeyOf,
  describeKeyring,
  type Keyring,
  KeyringError,
  NEW_KEY_SIGNS_AFTER_MS,
  newKeySecret,
  parseKeyring,
  retireKey,
  rotateKeyring,
  serialiseKeyring,
  signingKeyAt,
} from '../../functions/core/link-keys';
import { InvalidTokenError, LinkSigner } from '../../functions/core/link-token';

const original = 'k'.repeat(40);
const now = new Date('2026-11-29T12:00:00Z');
const later = (days: number) => new Date(now.getTime() + days * 24 * 60 * 60 * 1000);
const afterTakeover = (from: Date) => new Date(from.getTime() + NEW_KEY_SIGNS_AFTER_MS);
/** Retiring at `at`, with times worded as the ISO instants themselves. */
const at = (when: Date) => ({ now: when, when: (instant: string) => instant });
const claims = { subscriberId: 'sub_123', purpose: 'unsubscribe' as const, linkVersion: 1 };

describe('the keyring', () => {
  it('reads a bare key as the original key k0, the keyring every stage had before keyrings', () => {
    expect(parseKeyring(original)).toEqual({
      nashraKeyring: 1,
      current: 'k0',
      keys: [{ id: 'k0', secret: original }],
    });
    expect(() => parseKeyring('short')).toThrow(KeyringError);
  });

  it('rotates by adding a key that signs once every function holds it, keeping every earlier one', () => {
    const once = rotateKeyring(parseKeyring(original), 'a'.repeat(43), now);
    const twice = rotateKeyring(once, 'b'.repeat(43), later(30));
    expect(twice.current).toBe('k2');
    expect(twice.keys.map((key) => key.id)).toEqual(['k0', 'k1', 'k2']);
    expect(twice.keys[2]?.addedAt).toBe(later(30).toISOString());
    expect(parseKeyring(serialiseKeyring(twice))).toEqual(twice);
    const k1 = { id: 'k1', addedAt: now.toISOString(), signsFrom: afterTakeover(now).toISOString() };
    const k2 = {
      id: 'k2',
      addedAt: later(30).toISOString(),
      signsFrom: afterTakeover(later(30)).toISOString(),
    };
    expect(describeKeyring(twice, later(30))).toEqual([
      { id: 'k0', signs: false },
      { ...k1, signs: true },
      { ...k2, signs: false },
    ]);
    expect(describeKeyring(twice, afterTakeover(later(30)))).toEqual([
      { id: 'k0', signs: false },
      { ...k1, signs: false },
      { ...k2, signs: true },
    ]);
    expect(JSON.stringify(describeKeyring(twice, now))).not.toContain('aaaa');
  });

  it('signs with the old key until the new one takes over, NEW_KEY_SIGNS_AFTER_MS after the rotation', () => {
    const ring = rotateKeyring(parseKeyring(original), 'a'.repeat(43), now);
    expect(NEW_KEY_SIGNS_AFTER_MS).toBe(5 * 60 * 1000);
    expect(signingKeyAt(ring, now).id).toBe('k0');
    expect(signingKeyAt(ring, new Date(afterTakeover(now).getTime() - 1)).id).toBe('k0');
    expect(signingKeyAt(ring, afterTakeover(now)).id).toBe('k1');
    // Two rotations minutes apart: each key takes over in its turn.
    const again = rotateKeyring(ring, 'b'.repeat(43), new Date(now.getTime() + 60_000));
    expect(signingKeyAt(again, afterTakeover(now)).id).toBe('k1');
    expect(signingKeyAt(again, afterTakeover(new Date(now.getTime() + 60_000))).id).toBe('k2');
    // With every earlier key retired, the one left signs at once.
    expect(signingKeyAt(retireKey(ring, 'k0', at(later(1))), now).id).toBe('k1');
  });

  it('retires a key only explicitly, never the one that signs nor the newest, naming the keys it holds', () => {
    const ring = rotateKeyring(parseKeyring(original), 'a'.repeat(43), now);
    const takeover = afterTakeover(now).toISOString();
    expect(retireKey(ring, 'k0', at(later(1))).keys.map((key) => key.id)).toEqual(['k1']);
    expect(() => retireKey(ring, 'k1', at(later(1)))).toThrow(/k1 is the key that signs now: rotate first/);
    expect(() => retireKey(ring, 'k0', at(now))).toThrow(
      `k0 signs until ${takeover}, when k1 takes over: retire it after that`,
    );
    expect(() => retireKey(ring, 'k1', at(now))).toThrow(
      `k1 is the newest key, which signs from ${takeover}: rotate first, then retire it`,
    );
    expect(() => retireKey(ring, 'k7', at(now))).toThrow(ValidationError);
    expect(() => retireKey(ring, 'k7', at(now))).toThrow(/holds k0, k1/);
  });

  it('refuses a malformed keyring in words, never quoting a secret', () => {
    const broken: Array<[string, RegExp]> = [
      ['{"nashraKeyring":1, "current": ', /not valid JSON/],
      [
        JSON.stringify({ nashraKeyring: 1, current: 'k1', keys: [{ id: 'k0', secret: original }] }),
        /current key/,
      ],
      [
        JSON.stringify({ nashraKeyring: 1, current: 'k0', keys: [{ id: 'k0', secret: 'short' }] }),
        /32 characters/,
      ],
      [
        JSON.stringify({
          nashraKeyring: 1,
          current: 'k0',
          keys: [
            { id: 'k0', secret: original },
            { id: 'k0', secret: original },
          ],
        }),
        /unique/,
      ],
    ];
    for (const [value, reason] of broken) {
      expect(() => parseKeyring(value)).toThrow(reason);
      try {
        parseKeyring(value);
      } catch (error) {
        expect((error as Error).message).not.toContain(original);
      }
    }
  });

  it('derives the rate limiter from the oldest key: rotations keep it, retiring that key moves it on', () => {
    const ring = rotateKeyring(parseKeyring(original), 'a'.repeat(43), now);
    expect(counterKeyOf(parseKeyring(original))).toBe(original);
    expect(counterKeyOf(rotateKeyring(ring, 'b'.repeat(43), now))).toBe(original);
    expect(counterKeyOf(retireKey(ring, 'k0', at(later(1))))).toBe('a'.repeat(43));
  });

  it('makes fresh keys of 43 random characters', () => {
    expect(newKeySecret()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newKeySecret()).not.toBe(newKeySecret());
  });
});

describe('signing with a keyring', () => {
  const rotatedTwice = (): Keyring =>
    rotateKeyring(rotateKeyring(parseKeyring(original), 'a'.repeat(43), now), 'b'.repeat(43), later(1));

  it('signs exactly as before while the original key signs: a token without a key id', () => {
    const before = new LinkSigner(original).sign(claims, now);
    expect(new LinkSigner(parseKeyring(original)).sign(claims, now)).toBe(before);
    expect(before.split('.')).toHaveLength(2);
  });

  it('after two rotations still verifies the first mails, and signs with the newest key, naming it', () => {
    const firstMail = new LinkSigner(original).sign(claims, now);
    const afterOne = new LinkSigner(rotateKeyring(parseKeyring(original), 'a'.repeat(43), now));
    const secondMail = afterOne.sign(claims, later(1));
    const signer = new LinkSigner(rotatedTwice());
    const thirdMail = signer.sign(claims, later(2));
    expect(secondMail.startsWith('k1.')).toBe(true);
    expect(thirdMail.startsWith('k2.')).toBe(true);
    for (const token of [firstMail, secondMail, thirdMail])
      expect(signer.verify(token, 'unsubscribe', later(400))).toEqual(claims);
  });

  it('refuses the links of a retired key, and a key id moved onto another key', () => {
    const firstMail = new LinkSigner(original).sign(claims, now);
    const signer = new LinkSigner(rotatedTwice());
    const k1Token = new LinkSigner(rotateKeyring(parseKeyring(original), 'a'.repeat(43), now)).sign(
      claims,
      later(1),
    );
    signer.use(retireKey(retireKey(rotatedTwice(), 'k0', at(later(2))), 'k1', at(later(2))));
    expect(() => signer.verify(firstMail, 'unsubscribe', now)).toThrow(/retired or unknown/);
    expect(() => signer.verify(k1Token, 'unsubscribe', now)).toThrow(InvalidTokenError);
    expect(() => signer.verify(k1Token.replace(/^k1\./, 'k2.'), 'unsubscribe', now)).toThrow(/bad signature/);
    // The key id is signed: a k2 token relabelled as the original key's (dropped id) is refused too.
    const k2Token = signer.sign(claims, now);
    expect(() => new LinkSigner(rotatedTwice()).verify(k2Token.slice(3), 'unsubscribe', now)).toThrow(
      InvalidTokenError,
    );
  });

  it('reads its keyring again when a token names a key it lacks, at most every ten seconds', () => {
    let reloads = 0;
    let ring = parseKeyring(original);
    const signer = new LinkSigner(ring, {
      reload: () => {
        reloads += 1;
        return ring;
      },
    });
    const unknown = new LinkSigner(rotatedTwice()).sign(claims, later(2));
    ring = rotatedTwice();
    expect(signer.verify(unknown, 'unsubscribe', now)).toEqual(claims);
    expect(reloads).toBe(1);
    expect(() => signer.verify('k9.e30.AAAA', 'unsubscribe', now)).toThrow(InvalidTokenError);
    expect(() => signer.verify('k9.e30.AAAA', 'unsubscribe', new Date(now.getTime() + 5000))).toThrow();
    expect(reloads).toBe(1);
    expect(() => signer.verify('k9.e30.AAAA', 'unsubscribe', new Date(now.getTime() + 10_000))).toThrow();
    expect(reloads).toBe(2);
  });

  it('verifies every token any key of the ring signed, for any claims (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.constantFrom('unsubscribe', 'preferences') as fc.Arbitrary<'unsubscribe' | 'preferences'>,
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 0, max: 2 }),
        (subscriberId, purpose, linkVersion, rotations) => {
          let ring = parseKeyring(original);
          const tokens: string[] = [];
          for (let i = 0; i <= rotations; i++) {
            const day = later(i);
            tokens.push(new LinkSigner(ring).sign({ subscriberId, purpose, linkVersion }, day));
            ring = rotateKeyring(ring, `${i}`.repeat(40), day);
          }
          // Each day's mail is signed with the key of the day before's rotation.
          const keyIdOf = (token: string) => (token.split('.').length === 3 ? token.split('.')[0] : 'k0');
          expect(tokens.map(keyIdOf)).toEqual(tokens.map((_, day) => `k${day}`));
          const signer = new LinkSigner(ring);
          for (const token of tokens)
            expect(signer.verify(token, purpose, now)).toEqual({ subscriberId, purpose, linkVersion });
        },
      ),
    );
  });
});
