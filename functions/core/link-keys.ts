import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { ValidationError } from './errors';

/**
 * The link-signing keyring: the current key signs, every other key still verifies until staff retire
 * it. An unsubscribe link must work for as long as the mail holding it exists, so a rotation adds a
 * key and never takes one away; only `retireKey` does, explicitly.
 *
 * It is kept as one secret value (Secrets Manager on AWS, `NASHRA_HOME/link-signing.key` locally).
 * A value that is not a keyring is the single key nashra used before keyrings: it is the keyring of
 * one key, `k0`, so a stage keeps every link it ever sent when it first rotates.
 */

/** The id of the key every token without a key id was signed with: the one key before keyrings. */
export const ORIGINAL_KEY_ID = 'k0';

const keyIdSchema = z.string().regex(/^k\d{1,6}$/, 'a key id such as k1');

const linkKeySchema = z.object({
  id: keyIdSchema,
  secret: z.string().min(32, 'a key of at least 32 characters'),
  /** When the key was added (absent for the original key, which predates keyrings). */
  addedAt: z.iso.datetime().optional(),
});
export type LinkKey = z.infer<typeof linkKeySchema>;

const keyringSchema = z
  .object({
    nashraKeyring: z.literal(1),
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

/** The keyring with a new key that signs from now on; every earlier key still verifies. */
export function rotateKeyring(ring: Keyring, secret: string, now: Date): Keyring {
  const next = Math.max(...ring.keys.map((key) => Number(key.id.slice(1)))) + 1;
  const id = `k${next}`;
  return {
    ...ring,
    current: id,
    keys: [...ring.keys, { id, secret, addedAt: now.toISOString() }],
  };
}

/**
 * The keyring without `id`: links it signed stop working. The current key cannot be retired (rotate
 * first); an unknown id is a ValidationError naming the ids there are.
 */
export function retireKey(ring: Keyring, id: string): Keyring {
  if (!ring.keys.some((key) => key.id === id))
    throw new ValidationError(
      `no key "${id}" in the keyring (it holds ${ring.keys.map((key) => key.id).join(', ')})`,
    );
  if (id === ring.current)
    throw new ValidationError(`${id} is the key that signs now: rotate first, then retire it`);
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

/** What staff see of a keyring: ids, dates and which one signs; never a secret. */
export function describeKeyring(ring: Keyring): Array<{ id: string; addedAt?: string; signs: boolean }> {
  return ring.keys.map((key) => ({
    id: key.id,
    ...(key.addedAt ? { addedAt: key.addedAt } : {}),
    signs: key.id === ring.current,
  }));
}
