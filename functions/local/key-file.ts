import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import { ConflictError } from '../core/errors';
import type { KeyringStore } from '../core/keys';
import { writePrivateFile } from '../shared/private-files';

const versionOf = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Local mode's keyring: the key file under NASHRA_HOME (`link-signing.key`, owner-only). A replacement
 * checks the file still holds what was read, writes a new file beside it and renames it over the old
 * one, so a reader never sees half a keyring.
 */
export class KeyFileStore implements KeyringStore {
  constructor(private readonly path: string) {}

  async read(): Promise<{ value: string; version: string }> {
    const value = readFileSync(this.path, 'utf8').trim();
    return { value, version: versionOf(value) };
  }

  async replace(value: string, expectedVersion: string): Promise<void> {
    if ((await this.read()).version !== expectedVersion)
      throw new ConflictError('the key file changed since it was read');
    const next = `${this.path}.${randomBytes(6).toString('hex')}`;
    writePrivateFile(next, value, 'wx');
    renameSync(next, this.path);
  }
}
