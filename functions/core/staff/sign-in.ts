import type { AuditRepo, Clock, SignInStep, StaffDirectory, StaffSession, StaffSessionRepo } from '../ports';
import type { RateLimiter } from '../subscribers/rate-limit';
import { writeAudit } from './audit';
import { challengeSession, type SessionPolicy, signedInSession } from './sessions';
import { staffEmailSchema, totpCodeSchema } from './staff';

export interface SignInDeps {
  directory: StaffDirectory;
  sessions: StaffSessionRepo;
  audit: AuditRepo;
  /** Counts failed sign-ins per client and per account (`staff-client`, `staff-account`). */
  limiter: RateLimiter;
  clock: Clock;
  policy: SessionPolicy;
}

/** Where a sign-in step leaves the staff member. */
export type SignInOutcome =
  /** Signed in: a new session, under a new token (never the token of the sign-in before it). */
  | { kind: 'signed-in'; token: string; session: StaffSession }
  /** A challenge to answer next, in a session of its own (a new token). */
  | { kind: 'challenge'; token: string; session: StaffSession }
  /** This step failed; the staff member may try it again (`message`: the identity service's reason). */
  | { kind: 'refused'; reason: 'credentials' | 'code' | 'password' | 'unavailable'; message?: string }
  /** Too many failed sign-ins from this client or for this account: nothing was asked. */
  | { kind: 'limited' }
  /** The sign-in took too long or is gone: start again from the address and password. */
  | { kind: 'expired' };

/**
 * The first step of a sign-in: an address and a password, checked by the identity service (never by
 * nashra), unless this client or this account has failed too often lately (then the service is not
 * asked at all). A failure counts against both; a wrong address and a wrong password are one answer.
 */
export async function startSignIn(
  deps: SignInDeps,
  input: { email: string; password: string; client: string },
): Promise<SignInOutcome> {
  const now = deps.clock.now();
  const parsed = staffEmailSchema.safeParse(input.email);
  const account = parsed.success ? parsed.data : input.email.trim().toLowerCase();
  if (await limited(deps, input.client, account, now)) return { kind: 'limited' };
  if (!parsed.success || input.password === '') {
    await countFailure(deps, input.client, account, now);
    return { kind: 'refused', reason: 'credentials' };
  }
  const step = await deps.directory.startSignIn(account, input.password);
  return settle(deps, step, { email: account, client: input.client, now });
}

/**
 * A later step: the answer to the session's challenge (a new password, or an authenticator code).
 * A wrong code counts as a failed sign-in. On success the challenge's session is replaced.
 */
export async function answerChallenge(
  deps: SignInDeps,
  input: { session: StaffSession; answer: string; client: string },
): Promise<SignInOutcome> {
  const now = deps.clock.now();
  const pending = input.session.challenge;
  if (input.session.state !== 'challenge' || !pending) return { kind: 'expired' };
  if (await limited(deps, input.client, pending.email, now)) return { kind: 'limited' };
  let answer = input.answer;
  if (pending.challenge !== 'new-password') {
    const code = totpCodeSchema.safeParse(answer);
    if (!code.success) {
      await countFailure(deps, input.client, pending.email, now);
      return { kind: 'refused', reason: 'code' };
    }
    answer = code.data;
  }
  const step = await deps.directory.answer(pending, answer);
  if (step.kind === 'refused' && step.reason === 'expired') await deps.sessions.remove(input.session.id);
  const outcome = await settle(deps, step, { email: pending.email, client: input.client, now });
  if (outcome.kind === 'signed-in' || outcome.kind === 'challenge')
    await deps.sessions.remove(input.session.id);
  return outcome;
}

/** Ends a session (sign-out), and records it. */
export async function signOut(deps: SignInDeps, session: StaffSession): Promise<void> {
  await deps.sessions.remove(session.id);
  if (session.staff)
    await writeAudit(deps, { kind: 'staff', ...session.staff }, { action: 'staff.sign-out' });
}

async function settle(
  deps: SignInDeps,
  step: SignInStep,
  context: { email: string; client: string; now: Date },
): Promise<SignInOutcome> {
  switch (step.kind) {
    case 'signed-in': {
      const { token, session } = signedInSession(step.staff, context.now, deps.policy);
      await deps.sessions.create(session);
      await writeAudit(deps, { kind: 'staff', ...step.staff }, { action: 'staff.sign-in' });
      return { kind: 'signed-in', token, session };
    }
    case 'challenge': {
      const pending = { challenge: step.challenge, username: step.username, session: step.session };
      const setup =
        step.challenge === 'totp-setup' ? await deps.directory.startTotpSetup(pending) : undefined;
      const { token, session } = challengeSession(
        {
          ...pending,
          email: context.email,
          ...(setup ? { session: setup.session, secret: setup.secret } : {}),
        },
        context.now,
        deps.policy,
      );
      await deps.sessions.create(session);
      return { kind: 'challenge', token, session };
    }
    case 'refused':
      if (step.reason === 'expired') return { kind: 'expired' };
      if (step.reason === 'credentials' || step.reason === 'code')
        await countFailure(deps, context.client, context.email, context.now);
      return { kind: 'refused', reason: step.reason, ...(step.message ? { message: step.message } : {}) };
  }
}

async function limited(deps: SignInDeps, client: string, account: string, now: Date): Promise<boolean> {
  const [byClient, byAccount] = await Promise.all([
    deps.limiter.exhausted('staff-client', client, now),
    deps.limiter.exhausted('staff-account', account, now),
  ]);
  return byClient || byAccount;
}

async function countFailure(deps: SignInDeps, client: string, account: string, now: Date): Promise<void> {
  await Promise.all([
    deps.limiter.hit('staff-client', client, now),
    deps.limiter.hit('staff-account', account, now),
  ]);
}
