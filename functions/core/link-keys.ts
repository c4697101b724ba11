import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { ValidationError } from './errors';

/**
 * The link-signing keyring: one key signs, every other key still verifies until staff retire it. An
 * unsubscribe link must work for as long as the mail holding it exists, so a rotation adds a key and
 * never takes one away; only `retireKey` does, explicitly. A rotated key verifies at once but signs
 * only `NEW_KEY_SIGNS_AFTER_MS` later (its `signsFrom`), once every function holds it.
 *
 * It is kept as one secret value (Secrets Manager on AWS, `NASHRA_HOME/link-signing.key` locally).
 * A value that is not a keyring is the single key nashra used before keyrings: it is the keyring of
 * one key, `k0`, so a stage keeps every link it ever sent when it first rotates.
 */

/** The id of the key every token without a key id was signed with: the one key before keyrings. */
export const ORIGINAL_KEY_ID = 'k0';

/**
 * How long after a rotation the new key starts to sign. Until then it only verifies, so that no link
 * signed with it reaches a function that does not hold it yet: a warm function reads its keyring again
 * after KEY_REFRESH_MS (functions/runtime/lambda.ts) through the secrets extension, whose cached value
 * may be as old again (SECRET_CACHE_TTL, infra). A test holds this above their sum.
 */
export const NEW_KEY_SIGNS_AFTER_MS = 5 * 60 * 1000;

const keyIdSchema = z.string().regex(/^k\d{1,6}$/, 'a key id such as k1');

const linkKeySchema = z.object({
  id: keyIdSchema,
  secret: z.string().min(32, 'a key of at least 32 characters'),
  /** When the key was added (absent for the original key, which predates keyrings). */
  addedAt: z.iso.datetime().optional(),
  /** When the key starts to sign (a rotated key); absent: it signs from when it was added. */
  signsFrom: z.iso.datetime().optional(),
});
export type LinkKey = z.infer<typeof linkKeySchema>;

const keyringSchema = z
  .object({
    nashraKeyring: z.literal(1),
    /** The newest key: it signs from its `signsFrom` (`signingKeyAt`). */
    current: keyIdSchema,
    /** Oldest first. */
    keys: z.array(linkKeySchema).min(1),
  })
  .strict()
  .refine((ring) => ring.keys.some((key) => key.id === ring.current), 'the current key is in the keyring')
  .refine((ring) => new Set(ring.keys.map((key) => key.id)).size === ring.keys.length, 'key ids are unique');
export type Keyring = z.infer<typeof keyringSchema>;

export class KeyringError extends Error {
  override name = 'KeyringError';
}

/** How a keyring's value begins, and a bare key never does (generated keys are letters and digits). */
const KEYRING_MARK = '{"nashraKeyring"';

/**
 * The keyring a secret value holds: a keyring as `serialiseKeyring` writes it (it begins
 * `{"nashraKeyring"`), or else a bare key of at least 32 characters (the original key, `k0`). A
 * malformed keyring is a KeyringError that never quotes the value.
 */
export function parseKeyring(value: string): Keyring {
  if (!value.trimStart().startsWith(KEYRING_MARK)) {
    if (value.length < 32) throw new KeyringError('the link-signing key must be at least 32 characters');
    return { nashraKeyring: 1, current: ORIGINAL_KEY_ID, keys: [{ id: ORIGINAL_KEY_ID, secret: value }] };
  }
  const text = value.trim();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyringError('the link-signing keyring is not valid JSON');
  }
  const parsed = keyringSchema.safeParse(json);
  if (!parsed.success)
    throw new KeyringError(
      `the link-signing keyring is malformed: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'keyring'}: ${issue.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** The secret value that holds a keyring. */
export function serialiseKeyring(ring: Keyring): string {
  return JSON.stringify({ nashraKeyring: 1, current: ring.current, keys: ring.keys });
}

/** A fresh random key secret: 32 random bytes, base64url (43 characters). */
export function newKeySecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The keyring with a new key, the newest: it verifies at once and signs from `NEW_KEY_SIGNS_AFTER_MS`
 * after `now`. Every earlier key still verifies.
 */
export function rotateKeyring(ring: Keyring, secret: string, now: Date): Keyring {
  const next = Math.max(...ring.keys.map((key) => Number(key.id.slice(1)))) + 1;
  const id = `k${next}`;
  const signsFrom = new Date(now.getTime() + NEW_KEY_SIGNS_AFTER_MS).toISOString();
  return {
    ...ring,
    current: id,
    keys: [...ring.keys, { id, secret, addedAt: now.toISOString(), signsFrom }],
  };
}

const signsBy = (key: LinkKey, now: Date) =>
  key.signsFrom === undefined || Date.parse(key.signsFrom) <= now.getTime();

/**
 * The key that signs at `now`: the newest key whose `signsFrom` has come, else the oldest key (one
 * that signs before its time only when every key before it was retired).
 */
export function signingKeyAt(ring: Keyring, now: Date): LinkKey {
  const newest = ring.keys.findIndex((key) => key.id === ring.current);
  for (let index = newest; index > 0; index--) {
    const key = ring.keys[index] as LinkKey;
    if (signsBy(key, now)) return key;
  }
  return ring.keys[0] as LinkKey;
}

/**
 * The keyring without `id`: links it signed stop working. Neither the newest key (rotate first) nor
 * the one that signs until the newest takes over can be retired; an unknown id is a ValidationError
 * naming the ids there are. `when` words the takeover time for staff.
 */
export function retireKey(
  ring: Keyring,
  id: string,
  at: { now: Date; when: (instant: string) => string },
): Keyring {
  if (!ring.keys.some((key) => key.id === id))
    throw new ValidationError(
      `no key "${id}" in the keyring (it holds ${ring.keys.map((key) => key.id).join(', ')})`,
    );
  const signing = signingKeyAt(ring, at.now);
  const newest = ring.keys.find((key) => key.id === ring.current) as LinkKey;
  if (id === newest.id)
    throw new ValidationError(
      id === signing.id
        ? `${id} is the key that signs now: rotate first, then retire it`
        : `${id} is the newest key, which signs from ${at.when(newest.signsFrom as string)}: rotate first, then retire it`,
    );
  if (id === signing.id) {
    const next = ring.keys[ring.keys.indexOf(signing) + 1] as LinkKey;
    throw new ValidationError(
      `${id} signs until ${at.when(next.signsFrom as string)}, when ${next.id} takes over: retire it after that`,
    );
  }
  return { ...ring, keys: ring.keys.filter((key) => key.id !== id) };
}

/**
 * The key the rate limiter derives its counter keys from: the oldest key still in the keyring. A
 * rotation leaves it alone, so the live counters (a day at most) keep counting; only retiring that
 * key moves it on, and then the counters of the current windows start again once.
 */
export function counterKeyOf(ring: Keyring): string {
  return (ring.keys[0] as LinkKey).secret;
}

/** What staff see of a keyring at `now`: ids, dates and which one signs; never a secret. */
export function describeKeyring(
  ring: Keyring,
  now: Date,
): Array<{ id: string; addedAt?: string; signsFrom?: string; signs: boolean }> {
  const signing = signingKeyAt(ring, now).id;
  return ring.keys.map((key) => ({
    id: key.id,
    ...(key.addedAt ? { addedAt: key.addedAt } : {}),
    ...(key.signsFrom ? { signsFrom: key.signsFrom } : {}),
    signs: key.id === signing,
  }));
}
