import { randomInt } from 'node:crypto';

/**
 * The staff password policy, written once: the CDK user pool is created with it (infra), local mode's
 * pool too (functions/local/cognito-local.ts), local mode's strict layer refuses what it refuses as
 * Cognito would, and temporary passwords are made to meet it.
 */
export const staffPasswordPolicy = {
  minLength: 14,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
  /** Days a temporary password (`nashra staff add` without --password-stdin) may be used. */
  temporaryPasswordDays: 3,
  /** A new password may not be any of this many earlier ones. */
  passwordHistorySize: 5,
} as const;

/**
 * The characters Cognito counts as symbols in a password:
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-policies.html
 */
export const cognitoSymbols = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-';

/** What a password lacks under the policy, in words; empty when it meets it. Cognito has the last word. */
export function passwordProblems(password: string): string[] {
  const problems: string[] = [];
  const policy = staffPasswordPolicy;
  if (password.length < policy.minLength) problems.push(`at least ${policy.minLength} characters`);
  if (policy.requireLowercase && !/[a-z]/.test(password)) problems.push('a lower-case letter');
  if (policy.requireUppercase && !/[A-Z]/.test(password)) problems.push('an upper-case letter');
  if (policy.requireDigits && !/\d/.test(password)) problems.push('a digit');
  if (policy.requireSymbols && ![...password].some((character) => cognitoSymbols.includes(character)))
    problems.push('a symbol');
  return problems;
}

// Letters and digits that cannot be mistaken for one another when read off a terminal.
const readable = {
  lower: 'abcdefghijkmnpqrstuvwxyz',
  upper: 'ABCDEFGHJKLMNPQRSTUVWXYZ',
  digits: '23456789',
  symbols: '-_.!#%+=',
};

/** A temporary password that meets the policy: 20 characters a person can read off a screen. */
export function temporaryPassword(): string {
  const pick = (from: string) => from[randomInt(from.length)] as string;
  const all = Object.values(readable).join('');
  const characters = [
    pick(readable.lower),
    pick(readable.upper),
    pick(readable.digits),
    pick(readable.symbols),
    ...Array.from({ length: 16 }, () => pick(all)),
  ];
  for (let i = characters.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [characters[i], characters[j]] = [characters[j] as string, characters[i] as string];
  }
  return characters.join('');
}
