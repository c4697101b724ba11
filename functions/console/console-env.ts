import type { Context, Hono } from 'hono';
import type { SafeHtml } from '../../templates/escape';
import type { Runtime } from '../runtime/runtime';

/**
 * The contract between the console's shell (sign-in, sessions, CSRF, layout, audit: this folder) and
 * its sections (the staff's pages, each plugged in by `createConsoleApp`'s `sections`).
 */

/** The signed-in staff member. `id` is the Cognito `sub`. */
export type { StaffMember } from '../core/staff/staff';

import type { StaffMember } from '../core/staff/staff';

/** What every console request carries once the shell let it through: who, in which language, the CSRF token. */
export type ConsoleEnv = { Variables: { staff: StaffMember; lang: 'ar' | 'en'; csrf: string } };

/**
 * One staff action, as a section records it. `target` names a reader by id, never by address;
 * `detail` never holds an address (the shell refuses an entry that does).
 */
export type { AuditEntry } from '../core/staff/audit';

import type { AuditEntry } from '../core/staff/audit';

/** A console page: its title (plain text), its body (built with `html`), and how to answer. */
export interface ConsolePageView {
  title: string;
  body: SafeHtml;
  /** The section's `path`, to mark it current in the navigation. */
  section?: string;
  /** A line shown above the body (what an action just did), plain text. */
  notice?: string;
  /** The HTTP status (200 by default). */
  status?: number;
}

export interface ConsoleContext {
  runtime: Runtime;
  /** The page in the console layout, in c.get('lang'), with nav, language switch, sign-out; sets headers. */
  render(c: Context<ConsoleEnv>, view: ConsolePageView): Response;
  /** Writes one audit entry for the signed-in staff member (who, what, when). */
  audit(c: Context<ConsoleEnv>, entry: AuditEntry): Promise<void>;
}

/**
 * A part of the console: its routes under `/console` (`path` and below), behind the session and CSRF
 * checks, and its entry in the navigation.
 */
export interface ConsoleSection {
  /** '/overview', '/schedules', … (under /console) */
  path: string;
  nav: { ar: string; en: string };
  register(app: Hono<ConsoleEnv>, context: ConsoleContext): void;
}
