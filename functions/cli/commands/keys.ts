import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { type KeyringStore, type KeyringView, listKeys, retireKeyById, rotateKeys } from '../../core/keys';
import { systemClock } from '../../core/ports';
import { formatStaffTime } from '../../core/time';
import { KeyFileStore } from '../../local/key-file';
import { stageKeyringStore } from '../../runtime/stage';
import { loadConfig, localKeyringPath } from '../../shared/config';
import { CliError, printJson, targetOf } from '../context';

/**
 * The keyring a command works on: a stage's secret (`--stage`), or local mode's key file, and the time
 * zone its times are worded in. Local mode needs nothing running: the file is the keyring. A key given
 * by NASHRA_LINK_SIGNING_KEY is the environment's to change, not this command's.
 */
async function withKeyring<T>(
  command: Command,
  use: (store: KeyringStore, timeZone: string) => Promise<T>,
): Promise<T> {
  const target = targetOf(command);
  if (target !== 'local') {
    const { store, timeZone, close } = await stageKeyringStore(target.stage, process.env);
    try {
      return await use(store, timeZone);
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
  return use(new KeyFileStore(path), config.timeZone);
}

function print(
  keys: KeyringView,
  timeZone: string,
  json: boolean | undefined,
  said?: (when: (instant: string) => string) => string,
): void {
  if (json) {
    printJson(keys);
    return;
  }
  const when = (instant: string) => formatStaffTime(instant, timeZone);
  if (said) console.log(said(when));
  // Keys newer than the one that signs have yet to reach their `signsFrom` (signingKeyAt).
  const signing = keys.findIndex((key) => key.signs);
  for (const [index, key] of keys.entries()) {
    const role = key.signs
      ? 'signs and verifies'
      : index > signing
        ? `verifies, signs from ${when(key.signsFrom as string)}`
        : 'verifies';
    console.log(
      `  ${key.id.padEnd(4)} ${role}, ${key.addedAt ? `added ${when(key.addedAt)}` : 'the original key'}`,
    );
  }
}

/**
 * `nashra keys list|rotate|retire`: the link-signing keyring of a stage or of local mode. A rotation
 * adds a key that verifies at once and signs five minutes later, when every function holds it, and
 * keeps every earlier one verifying (the links in every mail already sent keep working). Retiring a
 * key ends every link it signed.
 */
export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('the link-signing keyring: list, rotate, retire keys');

  keys
    .command('list')
    .description('the keys of the keyring and which one signs (never a secret)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withKeyring(command, async (store, timeZone) =>
        print(await listKeys(store, { clock: systemClock }), timeZone, options.json),
      );
    });

  keys
    .command('rotate')
    .description(
      'add a new key: it verifies at once and signs five minutes later, once every function holds it; every earlier key keeps verifying',
    )
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withKeyring(command, async (store, timeZone) => {
        const after = await rotateKeys(store, { clock: systemClock });
        const added = after[after.length - 1] as KeyringView[number];
        const signing = after.find((key) => key.signs)?.id;
        print(
          after,
          timeZone,
          options.json,
          (when) =>
            `${added.id} verifies from now on and signs from ${when(added.signsFrom as string)}, once every function holds it; ${signing} signs until then. Earlier links keep working:`,
        );
      });
    });

  keys
    .command('retire <key-id>')
    .description('remove a key: every link it signed stops working (never the key that signs)')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      await withKeyring(command, async (store, timeZone) =>
        print(
          await retireKeyById(store, id, { clock: systemClock, timeZone }),
          timeZone,
          options.json,
          () => `${id} retired: the links it signed no longer work. The keyring now holds:`,
        ),
      );
    });
}
