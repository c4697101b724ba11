import { createHash, randomBytes } from 'node:crypto';
import type { StaffSession, StaffSessionRepo } from '../ports';
import type { StaffMember } from './staff';

/** How long sessions live. */
export interface SessionPolicy {
  /** A signed-in session ends after this long without a request. */
  idleMs: number;
  /** …and this long after sign-in in any case. */
  maxMs: number;
  /** A challenge must be answered within this (Cognito's own sign-in session lasts 3 minutes). */
  challengeMs: number;
  /** A session's last use is written at most this often (one write a minute, not one a request). */
  touchEveryMs: number;
}

export function sessionPolicyOf(settings: { idleMinutes: number; maxHours: number }): SessionPolicy {
  return {
    idleMs: settings.idleMinutes * 60_000,
    maxMs: settings.maxHours * 3_600_000,
    challengeMs: 3 * 60_000,
    touchEveryMs: Math.min(60_000, settings.idleMinutes * 60_000),
  };
}

const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** A new random token: 256 bits, base64url. */
export const newToken = () => randomBytes(32).toString('base64url');

/** The key a session is stored under: a hash of its token. */
export const sessionIdOf = (token: string) => createHash('sha256').update(token).digest('base64url');

const seconds = (ms: number) => Math.ceil(ms / 1000);

function expiryOf(session: Pick<StaffSession, 'state' | 'createdAt'>, lastSeen: Date, policy: SessionPolicy) {
  const created = Date.parse(session.createdAt);
  if (session.state === 'challenge') return seconds(created + policy.challengeMs);
  return seconds(Math.min(lastSeen.getTime() + policy.idleMs, created + policy.maxMs));
}

/** A new session for a staff member who just signed in: a fresh token and a fresh CSRF token. */
export function signedInSession(
  staff: StaffMember,
  now: Date,
  policy: SessionPolicy,
): { token: string; session: StaffSession } {
  const token = newToken();
  const at = now.toISOString();
  const base = { state: 'signed-in' as const, createdAt: at };
  return {
    token,
    session: {
      id: sessionIdOf(token),
      ...base,
      staff,
      csrf: newToken(),
      lastSeenAt: at,
      expiresAt: expiryOf(base, now, policy),
    },
  };
}

/** A new session for a sign-in that must answer a challenge next. */
export function challengeSession(
  challenge: NonNullable<StaffSession['challenge']>,
  now: Date,
  policy: SessionPolicy,
): { token: string; session: StaffSession } {
  const token = newToken();
  const at = now.toISOString();
  const base = { state: 'challenge' as const, createdAt: at };
  return {
    token,
    session: {
      id: sessionIdOf(token),
      ...base,
      challenge,
      csrf: newToken(),
      lastSeenAt: at,
      expiresAt: expiryOf(base, now, policy),
    },
  };
}

/**
 * The live session a cookie's token names, or undefined: no token, a token of another shape, no such
 * session (signed out, or its staff member removed), or one past its idle time, its maximum age or
 * (a challenge) its few minutes. A live signed-in session's last use moves on (at most once a minute);
 * a dead one is deleted.
 */
export async function currentSession(
  sessions: StaffSessionRepo,
  token: string | undefined,
  now: Date,
  policy: SessionPolicy,
): Promise<StaffSession | undefined> {
  if (!token || !tokenPattern.test(token)) return undefined;
  const session = await sessions.get(sessionIdOf(token), now);
  if (!session) return undefined;
  const created = Date.parse(session.createdAt);
  const lastSeen = Date.parse(session.lastSeenAt);
  const dead =
    session.state === 'challenge'
      ? now.getTime() - created > policy.challengeMs
      : now.getTime() - lastSeen > policy.idleMs || now.getTime() - created > policy.maxMs;
  if (dead) {
    await sessions.remove(session.id);
    return undefined;
  }
  if (session.state === 'signed-in' && now.getTime() - lastSeen >= policy.touchEveryMs) {
    const lastSeenAt = now.toISOString();
    const expiresAt = expiryOf(session, now, policy);
    if (!(await sessions.touch(session.id, lastSeenAt, expiresAt))) return undefined;
    return { ...session, lastSeenAt, expiresAt };
  }
  return session;
}
