import { randomUUID } from 'node:crypto';
import { passwordProblems, staffPasswordPolicy } from '../../core/staff/password-policy';
import type { Tap, TappedRequest, UpstreamResponse } from '../service-tap';
import type { ContractCheck, Refusal } from './refusal';

/**
 * Amazon Cognito user pools, as the API reference has them, where cognito-local answers otherwise:
 * - a password the pool's policy refuses (AdminCreateUser's TemporaryPassword, AdminSetUserPassword,
 *   the NEW_PASSWORD_REQUIRED answer) is an InvalidPasswordException; cognito-local keeps no policy.
 *   Local pools are all made with the staff policy (functions/core/staff/password-policy.ts), so that
 *   is the policy checked.
 *   https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminSetUserPassword.html
 *   https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
 *   https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
 * - a wrong password at InitiateAuth is a NotAuthorizedException ("Incorrect username or password.");
 *   cognito-local says InvalidPasswordException, which on AWS means a new password the policy refuses.
 *   https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html
 */
const targetPrefix = 'AWSCognitoIdentityProviderService.';

/** An AWS JSON 1.1 error as Cognito writes it: the code alone in `__type`. */
function cognitoError(refusal: Refusal): UpstreamResponse {
  const body = JSON.stringify({ __type: refusal.code, message: refusal.message });
  return {
    status: refusal.status ?? 400,
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': randomUUID(),
      'x-amzn-errortype': `${refusal.code}:`,
      'content-length': String(Buffer.byteLength(body)),
    },
    body: Buffer.from(body, 'utf8'),
  };
}

function callOf(request: TappedRequest): { operation: string; input: Record<string, unknown> } | undefined {
  const target = request.headers['x-amz-target'];
  if (typeof target !== 'string' || !target.startsWith(targetPrefix)) return undefined;
  try {
    return {
      operation: target.slice(targetPrefix.length),
      input: JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>,
    };
  } catch {
    return undefined;
  }
}

/** The password a call sets, if it sets one. */
function passwordSet(operation: string, input: Record<string, unknown>): string | undefined {
  if (operation === 'AdminCreateUser' && typeof input.TemporaryPassword === 'string')
    return input.TemporaryPassword;
  if (operation === 'AdminSetUserPassword' && typeof input.Password === 'string') return input.Password;
  if (operation === 'RespondToAuthChallenge' && input.ChallengeName === 'NEW_PASSWORD_REQUIRED') {
    const responses = input.ChallengeResponses as Record<string, unknown> | undefined;
    return typeof responses?.NEW_PASSWORD === 'string' ? responses.NEW_PASSWORD : undefined;
  }
  return undefined;
}

/** Cognito's words for what a password lacks, by what the policy check says it lacks. */
function policyMessage(problem: string): string {
  if (problem === `at least ${staffPasswordPolicy.minLength} characters`) return 'Password not long enough';
  const kind = {
    'a lower-case letter': 'lowercase',
    'an upper-case letter': 'uppercase',
    'a digit': 'numeric',
    'a symbol': 'symbol',
  }[problem];
  return `Password must have ${kind ?? problem} characters`;
}

/** Refuses a password the staff policy refuses, as Cognito would. */
export const cognitoContract: ContractCheck = (request) => {
  const call = callOf(request);
  if (!call) return undefined;
  const password = passwordSet(call.operation, call.input);
  if (password === undefined) return undefined;
  const [problem] = passwordProblems(password);
  if (problem === undefined) return undefined;
  return cognitoError({
    code: 'InvalidPasswordException',
    message: `Password does not conform to policy: ${policyMessage(problem)}`,
  });
};

/** Answers a wrong password at InitiateAuth as Cognito does. */
export const cognitoAnswers: Tap = async (request, forward) => {
  const response = await forward();
  if (response.status !== 400 || callOf(request)?.operation !== 'InitiateAuth') return response;
  const body = JSON.parse(response.body.toString('utf8') || '{}') as { __type?: string };
  if (body.__type !== 'InvalidPasswordException') return response;
  return cognitoError({ code: 'NotAuthorizedException', message: 'Incorrect username or password.' });
};
