import { ConflictError } from './errors';
import {
  describeKeyring,
  type Keyring,
  newKeySecret,
  parseKeyring,
  retireKey,
  rotateKeyring,
  serialiseKeyring,
} from './link-keys';
import type { Clock } from './ports';
import { formatStaffTime } from './time';

/**
 * Where a keyring is kept (Secrets Manager on a stage, the key file locally): its value as read, with
 * a version that a replacement must still find, so that two staff rotating at once cannot lose a key.
 */
export interface KeyringStore {
  read(): Promise<{ value: string; version: string }>;
  /** Replaces the value only while `expectedVersion` is the current one; else a ConflictError. */
  replace(value: string, expectedVersion: string): Promise<void>;
}

export type KeyringView = ReturnType<typeof describeKeyring>;

async function change(store: KeyringStore, edit: (ring: Keyring) => Keyring): Promise<Keyring> {
  const { value, version } = await store.read();
  const changed = edit(parseKeyring(value));
  try {
    await store.replace(serialiseKeyring(changed), version);
  } catch (error) {
    if (error instanceof ConflictError)
      throw new ConflictError(
        'the keyring changed while this command ran (someone else rotated it): run it again',
      );
    throw error;
  }
  return changed;
}

/** The keys of the keyring: ids, when each was added, which one signs now. Never a secret. */
export async function listKeys(store: KeyringStore, deps: { clock: Clock }): Promise<KeyringView> {
  return describeKeyring(parseKeyring((await store.read()).value), deps.clock.now());
}

/**
 * `nashra keys rotate`: adds a fresh random key, which verifies at once and signs a few minutes later,
 * once every function holds it. Every earlier key still verifies, so every link already mailed keeps
 * working; retire the old key only when its links may go.
 */
export async function rotateKeys(store: KeyringStore, deps: { clock: Clock }): Promise<KeyringView> {
  const now = deps.clock.now();
  return describeKeyring(await change(store, (ring) => rotateKeyring(ring, newKeySecret(), now)), now);
}

/**
 * `nashra keys retire KEY-ID`: every link that key signed stops working. Never the key that signs, nor
 * the newest; a refusal names the time in `timeZone`.
 */
export async function retireKeyById(
  store: KeyringStore,
  id: string,
  deps: { clock: Clock; timeZone: string },
): Promise<KeyringView> {
  const now = deps.clock.now();
  const when = (instant: string) => formatStaffTime(instant, deps.timeZone);
  return describeKeyring(await change(store, (ring) => retireKey(ring, id, { now, when })), now);
}
