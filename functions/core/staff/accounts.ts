import { NotFoundError, ValidationError } from '../errors';
import type { AuditRepo, Clock, StaffDirectory, StaffSessionRepo } from '../ports';
import { type AuditActor, writeAudit } from './audit';
import { passwordProblems, temporaryPassword } from './password-policy';
import { type StaffAccount, staffEmailSchema } from './staff';

export interface StaffAccountDeps {
  directory: StaffDirectory;
  sessions: StaffSessionRepo;
  audit: AuditRepo;
  clock: Clock;
}

function emailOf(email: string): string {
  const parsed = staffEmailSchema.safeParse(email);
  if (!parsed.success) throw new ValidationError(parsed.error.issues[0]?.message ?? 'not an email address');
  return parsed.data;
}

/**
 * Creates a staff account. With a password, it may sign in at once; without, it gets a temporary
 * password (returned, to be handed over once) and must choose its own at its first sign-in — and, on a
 * stage that requires it, set up an authenticator. Nothing is mailed.
 */
export async function addStaffAccount(
  deps: StaffAccountDeps,
  actor: AuditActor,
  input: { email: string; password?: string },
): Promise<{ account: StaffAccount; temporaryPassword?: string }> {
  const email = emailOf(input.email);
  if (input.password !== undefined) {
    const problems = passwordProblems(input.password);
    if (problems.length > 0)
      throw new ValidationError(`the password needs ${problems.join(', ')} (the staff password policy)`);
  }
  const temporary = input.password === undefined ? temporaryPassword() : undefined;
  const account = await deps.directory.addAccount(
    email,
    temporary === undefined
      ? { kind: 'permanent', value: input.password as string }
      : { kind: 'temporary', value: temporary },
  );
  await writeAudit(deps, actor, {
    action: 'staff.add',
    target: { kind: 'staff', id: account.id },
    detail: { passwordGiven: temporary === undefined },
  });
  return { account, ...(temporary === undefined ? {} : { temporaryPassword: temporary }) };
}

/** Every staff account, by address. */
export async function listStaffAccounts(deps: Pick<StaffAccountDeps, 'directory'>): Promise<StaffAccount[]> {
  return (await deps.directory.listAccounts()).sort((a, b) => a.email.localeCompare(b.email));
}

/**
 * Removes a staff account: it can sign in no more, and every console session it has ends now (the
 * sessions are deleted after the account, so none can be opened in between).
 */
export async function removeStaffAccount(
  deps: StaffAccountDeps,
  actor: AuditActor,
  input: { email: string },
): Promise<{ account: StaffAccount; sessionsEnded: number }> {
  const email = emailOf(input.email);
  const account = await deps.directory.findAccount(email);
  if (!account) throw new NotFoundError(`no staff account for ${email}`);
  await deps.directory.removeAccount(email);
  const sessionsEnded = await deps.sessions.removeAllOf(account.id);
  await writeAudit(deps, actor, {
    action: 'staff.remove',
    target: { kind: 'staff', id: account.id },
    detail: { sessionsEnded },
  });
  return { account, sessionsEnded };
}
