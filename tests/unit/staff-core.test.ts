import { describe, expect, it } from 'vitest';
import { safeNext } from '../../functions/console/shell';
import { ValidationError } from '../../functions/core/errors';
import type {
  AuditRepo,
  Counter,
  CounterRepo,
  PendingChallenge,
  SignInStep,
  StaffDirectory,
  StaffSession,
  StaffSessionRepo,
} from '../../functions/core/ports';
import { type AuditRecord, auditRecord } from '../../functions/core/staff/audit';
import { passwordProblems, temporaryPassword } from '../../functions/core/staff/password-policy';
import {
  currentSession,
  sessionIdOf,
  sessionPolicyOf,
  signedInSession,
} from '../../functions/core/staff/sessions';
import { answerChallenge, type SignInDeps, startSignIn } from '../../functions/core/staff/sign-in';
import { RateLimiter } from '../../functions/core/subscribers/rate-limit';

class MemorySessions implements StaffSessionRepo {
  readonly items = new Map<string, StaffSession>();
  async create(session: StaffSession) {
    this.items.set(session.id, session);
  }
  async get(id: string, now: Date) {
    const found = this.items.get(id);
    return found && found.expiresAt * 1000 > now.getTime() ? found : undefined;
  }
  async touch(id: string, lastSeenAt: string, expiresAt: number) {
    const found = this.items.get(id);
    if (!found) return false;
    this.items.set(id, { ...found, lastSeenAt, expiresAt });
    return true;
  }
  async remove(id: string) {
    this.items.delete(id);
  }
  async removeAllOf(staffId: string) {
    const mine = [...this.items.values()].filter((session) => session.staff?.id === staffId);
    for (const session of mine) this.items.delete(session.id);
    return mine.length;
  }
}

class MemoryCounters implements CounterRepo {
  readonly counts = new Map<string, Counter>();
  async hit(key: string, expiresAt: number) {
    const count = (this.counts.get(key)?.count ?? 0) + 1;
    this.counts.set(key, { key, count, expiresAt });
    return count;
  }
  async getMany(keys: string[], now: Date) {
    return keys.flatMap((key) => {
      const counter = this.counts.get(key);
      return counter && counter.expiresAt * 1000 > now.getTime() ? [counter] : [];
    });
  }
  async remove(keys: string[]) {
    for (const key of keys) this.counts.delete(key);
  }
}

class MemoryAudit implements AuditRepo {
  readonly records: AuditRecord[] = [];
  async append(record: AuditRecord) {
    this.records.push(record);
  }
  async list() {
    return { records: [...this.records].reverse() };
  }
}

/**
 * A staff directory that behaves as a Cognito pool requiring TOTP does for an account with none yet:
 * the password, then MFA_SETUP (a secret, then a code), then tokens. The adapter's part (Cognito's
 * calls) is covered against cognito-local where it can be; this is the core's sequencing.
 */
class SetupDirectory implements StaffDirectory {
  readonly calls: string[] = [];
  async startSignIn(email: string, password: string): Promise<SignInStep> {
    this.calls.push(`start ${email}`);
    if (password !== 'Right-password-1') return { kind: 'refused', reason: 'credentials' };
    return { kind: 'challenge', challenge: 'totp-setup', username: 'sub-1', session: 'cognito-session-1' };
  }
  async startTotpSetup(pending: PendingChallenge) {
    this.calls.push(`associate ${pending.session}`);
    return { secret: 'JBSWY3DPEHPK3PXP', session: 'cognito-session-2' };
  }
  async answer(pending: PendingChallenge, answer: string): Promise<SignInStep> {
    this.calls.push(`answer ${pending.challenge} ${pending.session} ${answer}`);
    if (answer !== '123456') return { kind: 'refused', reason: 'code' };
    return { kind: 'signed-in', staff: { id: 'sub-1', email: 'officer@nashra.example' } };
  }
  addAccount(): never {
    throw new Error('not used');
  }
  listAccounts(): never {
    throw new Error('not used');
  }
  findAccount(): never {
    throw new Error('not used');
  }
  removeAccount(): never {
    throw new Error('not used');
  }
}

function deps(now: Date) {
  const sessions = new MemorySessions();
  const audit = new MemoryAudit();
  const directory = new SetupDirectory();
  const clock = { now: () => now };
  const parts: SignInDeps = {
    directory,
    sessions,
    audit,
    clock,
    policy: sessionPolicyOf({ idleMinutes: 30, maxHours: 12 }),
    limiter: new RateLimiter('k'.repeat(32), new MemoryCounters(), {
      'staff-client': [{ count: 10, seconds: 900 }],
      'staff-account': [{ count: 3, seconds: 900 }],
    }),
  };
  return { parts, sessions, audit, directory };
}

describe('signing in where the pool requires TOTP and the account has none yet (MFA_SETUP)', () => {
  const now = new Date('2026-11-30T06:00:00Z');

  it('associates a secret at once, keeps it for the page, then verifies the code and signs in under a new token', async () => {
    const { parts, sessions, audit, directory } = deps(now);
    const first = await startSignIn(parts, {
      email: ' Officer@Nashra.example ',
      password: 'Right-password-1',
      client: 'c',
    });
    expect(first.kind).toBe('challenge');
    if (first.kind !== 'challenge') return;
    expect(first.session.challenge).toMatchObject({
      challenge: 'totp-setup',
      session: 'cognito-session-2',
      secret: 'JBSWY3DPEHPK3PXP',
      email: 'officer@nashra.example',
    });
    expect(first.session.staff).toBeUndefined();
    expect(directory.calls).toEqual(['start officer@nashra.example', 'associate cognito-session-1']);

    const wrong = await answerChallenge(parts, { session: first.session, answer: '654 321', client: 'c' });
    expect(wrong).toEqual({ kind: 'refused', reason: 'code' });
    expect(sessions.items.has(first.session.id)).toBe(true);

    const done = await answerChallenge(parts, { session: first.session, answer: ' 123 456 ', client: 'c' });
    expect(done.kind).toBe('signed-in');
    if (done.kind !== 'signed-in') return;
    expect(done.session.id).toBe(sessionIdOf(done.token));
    expect(done.session.id).not.toBe(first.session.id);
    expect(sessions.items.has(first.session.id)).toBe(false);
    expect(directory.calls.at(-1)).toBe('answer totp-setup cognito-session-2 123456');
    expect(audit.records.map((record) => record.action)).toEqual(['staff.sign-in']);
  });

  it('refuses a code that is not six digits without asking the identity service, and counts it as a failure', async () => {
    const { parts, directory } = deps(now);
    const first = await startSignIn(parts, {
      email: 'officer@nashra.example',
      password: 'Right-password-1',
      client: 'c',
    });
    if (first.kind !== 'challenge') throw new Error('expected a challenge');
    for (const answer of ['12345', 'abcdef', '1234567'])
      expect(await answerChallenge(parts, { session: first.session, answer, client: 'c' })).toEqual({
        kind: 'refused',
        reason: 'code',
      });
    expect(directory.calls.filter((call) => call.startsWith('answer'))).toEqual([]);
    // The account's three failures are used up: even the right code is not asked for now.
    expect(await answerChallenge(parts, { session: first.session, answer: '123456', client: 'c' })).toEqual({
      kind: 'limited',
    });
  });
});

describe('console sessions', () => {
  const policy = sessionPolicyOf({ idleMinutes: 30, maxHours: 12 });
  const staff = { id: 'sub-1', email: 'officer@nashra.example' };
  const at = (minutes: number) => new Date(Date.UTC(2026, 10, 30, 6) + minutes * 60_000);

  it('live while in use, dead after 30 idle minutes or 12 hours, and refuse a token of another shape', async () => {
    const sessions = new MemorySessions();
    const { token, session } = signedInSession(staff, at(0), policy);
    await sessions.create(session);
    expect(await currentSession(sessions, token, at(29), policy)).toBeDefined();
    expect(await currentSession(sessions, token, at(58), policy)).toBeDefined();
    expect(await currentSession(sessions, token, at(89), policy)).toBeUndefined();
    const busy = signedInSession(staff, at(0), policy);
    await sessions.create(busy.session);
    for (let minute = 20; minute < 720; minute += 20)
      expect(
        await currentSession(sessions, busy.token, at(minute), policy),
        `minute ${minute}`,
      ).toBeDefined();
    expect(await currentSession(sessions, busy.token, at(721), policy)).toBeUndefined();
    for (const bad of [undefined, '', 'x', `${busy.token}=`, busy.session.id.replace(/./, '.')])
      expect(await currentSession(sessions, bad, at(1), policy)).toBeUndefined();
  });
});

describe('audit entries', () => {
  const actor = { kind: 'staff' as const, id: 'sub-1', email: 'officer@nashra.example' };
  const now = new Date('2026-11-30T06:00:00Z');

  it('keep who, what, when and on what', () => {
    expect(
      auditRecord(
        actor,
        { action: 'reader.erase', target: { kind: 'reader', id: 'r1a2b3' }, detail: { deliveries: 4 } },
        now,
      ),
    ).toMatchObject({
      at: '2026-11-30T06:00:00.000Z',
      actor,
      action: 'reader.erase',
      target: { kind: 'reader', id: 'r1a2b3' },
      detail: { deliveries: 4 },
    });
  });

  it('refuse an address anywhere in a target or a detail, and a malformed action', () => {
    const refused = [
      { action: 'reader.erase', target: { kind: 'reader' as const, id: 'reader@example.org' } },
      { action: 'digest.send', detail: { to: 'Test <someone@example.org>' } },
      { action: 'erase' },
      { action: 'Reader.Erase' },
    ];
    for (const entry of refused)
      expect(() => auditRecord(actor, entry, now), JSON.stringify(entry)).toThrow(ValidationError);
  });
});

describe('the staff password policy', () => {
  it('says what a password lacks, and temporary passwords always meet it', () => {
    expect(passwordProblems('short')).toEqual([
      'at least 14 characters',
      'an upper-case letter',
      'a digit',
      'a symbol',
    ]);
    expect(passwordProblems('Correct-horse-1-battery')).toEqual([]);
    for (let i = 0; i < 200; i++) expect(passwordProblems(temporaryPassword())).toEqual([]);
  });
});

describe('where sign-in may lead back to', () => {
  it('a console page only, never elsewhere, never through dot segments', () => {
    for (const next of ['/console/audit', '/console/schedules/weekly?lang=en', '/console'])
      expect(safeNext(next), next).toBe(next);
    for (const next of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      '/console/../subscribe',
      '/console/%2E%2E/subscribe',
      '/console/sign-in',
      '/consolex',
      'javascript:alert(1)',
      '/console/a b',
      undefined,
    ])
      expect(safeNext(next), String(next)).toBeUndefined();
  });
});
