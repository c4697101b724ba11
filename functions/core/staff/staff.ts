import * as z from 'zod';

/** A signed-in staff member: `id` is the identity service's subject (the Cognito `sub`), never reused. */
export interface StaffMember {
  id: string;
  email: string;
}

/** What staff account listings show of an account; never its password or second factor. */
export interface StaffAccount {
  id: string;
  email: string;
  /**
   * `active`: may sign in; `new-password`: signs in once with a temporary password and must choose
   * their own; `disabled`: may not sign in; `other`: a state the identity service has and nashra
   * does not act on (shown as the service names it in `detail`).
   */
  status: 'active' | 'new-password' | 'disabled' | 'other';
  detail?: string;
  /** An authenticator app (TOTP) is set up as the account's second factor. */
  totp: boolean;
  createdAt?: string;
}

/** A staff address as typed: trimmed, lower-cased, one address. */
export const staffEmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'an address is at most 254 characters')
  .pipe(z.email({ error: 'give one email address, such as officer@example.org' }));

/** A code from an authenticator app: six digits (spaces as people type them are left out). */
export const totpCodeSchema = z
  .string()
  .transform((value) => value.replace(/\s+/g, ''))
  .pipe(z.string().regex(/^\d{6}$/, 'the code is the six digits the authenticator app shows'));
