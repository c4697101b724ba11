import { mkdirSync, writeFileSync } from 'node:fs';

/**
 * NASHRA_HOME holds the link-signing key, every mail sent (tokens included) and the local subscriber
 * list: what local mode creates there is its owner's only. Folders are created 0700 (with any missing
 * parent), files 0600. A mode given to mkdir or open only ever loses bits to the umask, so these hold
 * whatever the umask; a folder that is already there is left as it is (it may be one the user chose).
 */
export function makePrivateDir(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 });
}

/** Writes a file, created 0600 (see makePrivateDir); with `wx`, only a file that is not there yet. */
export function writePrivateFile(
  path: string,
  data: string | NodeJS.ArrayBufferView,
  flag: 'w' | 'wx' = 'w',
): void {
  writeFileSync(path, data, { mode: 0o600, flag });
}
