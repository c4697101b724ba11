import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { type KeyringStore, type KeyringView, listKeys, retireKeyById, rotateKeys } from '../../core/keys';
import { systemClock } from '../../core/ports';
import { KeyFileStore } from '../../local/key-file';
import { stageKeyringStore } from '../../runtime/stage';
import { loadConfig, localKeyringPath } from '../../shared/config';
import { CliError, printJson, targetOf } from '../context';

/**
 * The keyring a command works on: a stage's secret (`--stage`), or local mode's key file. Local mode
 * needs nothing running: the file is the keyring. A key given by NASHRA_LINK_SIGNING_KEY is the
 * environment's to change, not this command's.
 */
async function withKeyring<T>(command: Command, use: (store: KeyringStore) => Promise<T>): Promise<T> {
  const target = targetOf(command);
  if (target !== 'local') {
    const { store, close } = await stageKeyringStore(target.stage, process.env);
    try {
      return await use(store);
    } finally {
      close();
    }
  }
  if (process.env.NASHRA_LINK_SIGNING_KEY)
    throw new CliError('the link-signing key comes from NASHRA_LINK_SIGNING_KEY here: change it there');
  const config = loadConfig(process.env);
  const path = localKeyringPath(config.home);
  if (!existsSync(path))
    throw new CliError(`no keyring at ${path} (run any nashra command once to create it)`);
  return use(new KeyFileStore(path));
}

function print(keys: KeyringView, json: boolean | undefined, said?: string): void {
  if (json) {
    printJson(keys);
    return;
  }
  if (said) console.log(said);
  for (const key of keys)
    console.log(
      `  ${key.id.padEnd(4)} ${key.signs ? 'signs and verifies' : 'verifies'}${key.addedAt ? `, added ${key.addedAt}` : ', the original key'}`,
    );
}

/**
 * `nashra keys list|rotate|retire`: the link-signing keyring of a stage or of local mode. A rotation
 * adds a key that signs from then on and keeps every earlier one verifying (the links in every mail
 * already sent keep working); warm functions take the new key within about four minutes. Retiring a
 * key ends every link it signed.
 */
export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('the link-signing keyring: list, rotate, retire keys');

  keys
    .command('list')
    .description('the keys of the keyring and which one signs (never a secret)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      print(await withKeyring(command, listKeys), options.json);
    });

  keys
    .command('rotate')
    .description('add a new key that signs from now on; every earlier key keeps verifying')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const after = await withKeyring(command, (store) => rotateKeys(store, { clock: systemClock }));
      const current = after.find((key) => key.signs)?.id;
      print(
        after,
        options.json,
        `${current} signs from now on (functions take it within about four minutes); earlier links keep working:`,
      );
    });

  keys
    .command('retire <key-id>')
    .description('remove a key: every link it signed stops working (never the key that signs)')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const after = await withKeyring(command, (store) => retireKeyById(store, id));
      print(after, options.json, `${id} retired: the links it signed no longer work. The keyring now holds:`);
    });
}
