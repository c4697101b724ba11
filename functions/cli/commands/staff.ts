import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { addStaffAccount, listStaffAccounts, removeStaffAccount } from '../../core/staff/accounts';
import type { AuditActor } from '../../core/staff/audit';
import type { StaffAccount } from '../../core/staff/staff';
import type { OpenRuntime } from '../../runtime/open-runtime';
import { staffParts } from '../../runtime/staff';
import { CliError, printJson, withRuntime } from '../context';

/** Who runs a staff command, as the audit log names them: the terminal's user. */
export function terminalActor(): AuditActor {
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // No user name on this system (a container with a bare uid): the log says unknown.
  }
  return { kind: 'cli', name };
}

/** Where the console of this runtime's target is. */
export const consoleUrlOf = (runtime: OpenRuntime) =>
  runtime.local?.urls.console ?? `${runtime.config.baseUrl}/console`;

async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password === '') throw new CliError('--password-stdin: nothing was read from standard input');
  return password;
}

const statusText: Record<StaffAccount['status'], string> = {
  active: 'active',
  'new-password': 'must choose a password',
  disabled: 'disabled',
  other: 'other',
};

/**
 * `nashra staff add|list|remove`: the staff accounts of the console, in the stage's user pool (local
 * mode: cognito-local's). Passwords are never printed but a temporary one, once, to hand over; the
 * identity service keeps them, nashra does not. Each change is in the audit log.
 */
export function registerStaff(program: Command): void {
  const staff = program.command('staff').description('add, list and remove staff accounts of the console');

  staff
    .command('add <email>')
    .description(
      'add a staff account: with a temporary password (printed once) they replace at their first sign-in, or with --password-stdin a password of their own',
    )
    .option('--password-stdin', 'read the password from standard input (the account may sign in at once)')
    .option('--json', 'print JSON')
    .action(async (email: string, options: { passwordStdin?: boolean; json?: boolean }, command: Command) => {
      const password = options.passwordStdin ? await readPasswordFromStdin() : undefined;
      await withRuntime(
        command,
        async (runtime) => {
          const added = await addStaffAccount(staffParts(runtime), terminalActor(), { email, password });
          const url = consoleUrlOf(runtime);
          if (options.json) return printJson({ ...added, console: url });
          console.log(`staff account added: ${added.account.email} (id ${added.account.id})`);
          if (added.temporaryPassword)
            console.log(
              `temporary password: ${added.temporaryPassword}\n  shown once: hand it over in person or through a channel you trust; it is valid for 3 days and must be replaced at the first sign-in`,
            );
          console.log(`sign in at ${url}`);
        },
        { staff: true },
      );
    });

  staff
    .command('list')
    .description('every staff account: address, status, authenticator, created, id')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withRuntime(
        command,
        async (runtime) => {
          const accounts = await listStaffAccounts(staffParts(runtime));
          if (options.json) return printJson(accounts);
          if (accounts.length === 0)
            return console.log('no staff accounts (add one with `nashra staff add EMAIL`)');
          console.log(['email', 'status', 'authenticator', 'created', 'id'].join('\t'));
          for (const account of accounts)
            console.log(
              [
                account.email,
                account.detail ?? statusText[account.status],
                account.totp ? 'yes' : 'no',
                account.createdAt ?? '-',
                account.id,
              ].join('\t'),
            );
        },
        { staff: true },
      );
    });

  staff
    .command('remove <email>')
    .description('remove a staff account: it can sign in no more, and its console sessions end now')
    .option('--json', 'print JSON')
    .action(async (email: string, options: { json?: boolean }, command: Command) => {
      await withRuntime(
        command,
        async (runtime) => {
          const removed = await removeStaffAccount(staffParts(runtime), terminalActor(), { email });
          if (options.json) return printJson(removed);
          console.log(
            `removed ${removed.account.email}; ${removed.sessionsEnded} console session${removed.sessionsEnded === 1 ? '' : 's'} ended`,
          );
        },
        { staff: true },
      );
    });
}
