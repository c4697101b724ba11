import { CognitoStaffDirectory, createCognitoClient, staffPoolOf } from '../adapters/cognito-staff';
import { counterKeyOf } from '../core/link-keys';
import type { StaffAccountDeps } from '../core/staff/accounts';
import { sessionPolicyOf } from '../core/staff/sessions';
import type { SignInDeps } from '../core/staff/sign-in';
import { RateLimiter } from '../core/subscribers/rate-limit';
import { describeTarget, type Runtime, RuntimeError } from './runtime';

/** What the console's sign-in and sessions, and the staff account commands, are wired with. */
export type StaffParts = SignInDeps & StaffAccountDeps;

/**
 * The staff parts of a runtime: the staff directory on the runtime's Cognito client and the process's
 * staff pool, the sessions and audit tables, the sign-in limits (keyed like the reader limits, with the
 * link-signing key) and the session lifetimes. Throws, in words, where no staff pool is configured.
 */
export function staffParts(runtime: Runtime): StaffParts {
  return runtime.once('staff', () => {
    const { config, repos } = runtime;
    const pool = staffPoolOf(config);
    if (!pool)
      throw new RuntimeError(
        `${describeTarget(runtime.target)} has no staff user pool (local mode starts one for \`nashra dev\` and \`nashra staff\`; a stage names it in its stateful stack's outputs)`,
      );
    return {
      directory: new CognitoStaffDirectory(staffIdentityClient(runtime), pool),
      sessions: repos.staffSessions,
      audit: repos.audit,
      limiter: new RateLimiter(counterKeyOf(runtime.keyring), repos.counters, {
        'staff-client': config.staff.signInLimits.client,
        'staff-account': config.staff.signInLimits.account,
      }),
      clock: runtime.clock,
      policy: sessionPolicyOf(config.staff),
    };
  });
}

/** The staff's identity service (Cognito; cognito-local locally), one client per runtime. */
export function staffIdentityClient(runtime: Runtime) {
  return runtime.client('client:cognito', () => createCognitoClient(runtime.config));
}
