import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError } from '../core/errors';
import { addStaffAccount } from '../core/staff/accounts';
import { temporaryPassword } from '../core/staff/password-policy';
import type { StaffParts } from '../runtime/staff';
import { writePrivateFile } from '../shared/private-files';
import { cognitoHomeOf } from './cognito-local';

/** The demo staff account of local mode: an address on nashra's own example domain. */
export const DEMO_STAFF_EMAIL = 'staff@nashra.example';

export interface DemoStaff {
  email: string;
  /** Set when the account was made now: the password to print, once (undefined if it came from the environment). */
  password?: string;
  /** The account was made now. */
  created: boolean;
}

/**
 * `nashra dev`'s demo staff account, made once per local staff pool: its password is the
 * NASHRA_DEMO_STAFF_PASSWORD setting, or one made up now and shown once. A marker under
 * NASHRA_HOME/cognito says it was made; a new pool (its data deleted) gets a new account.
 */
export async function ensureDemoStaff(
  home: string,
  staff: StaffParts,
  options: { poolCreated: boolean; password?: string },
): Promise<DemoStaff> {
  const marker = join(cognitoHomeOf(home), 'demo-staff');
  if (options.poolCreated) rmSync(marker, { force: true });
  if (existsSync(marker)) return { email: DEMO_STAFF_EMAIL, created: false };
  const password = options.password ?? temporaryPassword();
  try {
    await addStaffAccount(staff, { kind: 'cli', name: 'nashra dev' }, { email: DEMO_STAFF_EMAIL, password });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    writePrivateFile(marker, `${DEMO_STAFF_EMAIL}\n`);
    return { email: DEMO_STAFF_EMAIL, created: false };
  }
  writePrivateFile(marker, `${DEMO_STAFF_EMAIL}\n`);
  return { email: DEMO_STAFF_EMAIL, created: true, ...(options.password ? {} : { password }) };
}
