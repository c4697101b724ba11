import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  type AdminGetUserCommandOutput,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  type AttributeType,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  type UserType,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { JwtVerifier } from 'aws-jwt-verify';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { ConflictError, NotFoundError, RateLimitedError, ValidationError } from '../core/errors';
import type { PendingChallenge, SignInStep, StaffDirectory } from '../core/ports';
import { staffPasswordPolicy } from '../core/staff/password-policy';
import type { StaffAccount } from '../core/staff/staff';
import type { Config } from '../shared/config';
import { clientOptions } from './aws-client-options';

export function createCognitoClient(config: Config): CognitoIdentityProviderClient {
  return new CognitoIdentityProviderClient(clientOptions(config, config.endpoints.cognito));
}

/** The staff user pool as this process reaches it. */
export interface StaffPool {
  userPoolId: string;
  /** The console's app client (USER_PASSWORD_AUTH, no secret). */
  clientId: string;
  /** The `iss` of the pool's tokens. */
  issuer: string;
  /** Where the pool publishes the keys its tokens are signed with. */
  jwksUri: string;
}

/**
 * The pool's issuer: Cognito's own (`https://cognito-idp.<region>.amazonaws.com/<pool>`), or, when the
 * service is reached at another endpoint (cognito-local on loopback), that endpoint and the pool, as
 * cognito-local writes `iss` when its issuer domain is the endpoint local mode gives it.
 */
export function staffPoolOf(config: Config): StaffPool | undefined {
  const { userPoolId, clientId } = config.staff;
  if (!userPoolId || !clientId) return undefined;
  const issuer = config.endpoints.cognito
    ? `${config.endpoints.cognito.replace(/\/$/, '')}/${userPoolId}`
    : `https://cognito-idp.${config.region}.amazonaws.com/${userPoolId}`;
  return { userPoolId, clientId, issuer, jwksUri: `${issuer}/.well-known/jwks.json` };
}

/**
 * Fetches a pool's JWKS with the runtime's fetch (aws-jwt-verify's own fetcher speaks https only, and
 * cognito-local serves http on loopback), within a few seconds.
 */
const jwksFetcher: Fetcher = {
  async fetch(uri) {
    const response = await fetch(uri, { signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw new Error(`${uri} answered ${response.status}`);
    return response.arrayBuffer();
  },
};

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');

/**
 * The staff directory on a Cognito user pool: sign-in with USER_PASSWORD_AUTH and the challenges that
 * follow (a new password for an account made with a temporary one; TOTP set-up and codes where the
 * pool requires MFA), and the staff accounts (Admin* calls, which need the caller's IAM permissions:
 * a staff member's own credentials on a stage). A token is trusted only once verified against the
 * pool's JWKS (signature, issuer, audience = the app client, expiry, `token_use` = id).
 */
export class CognitoStaffDirectory implements StaffDirectory {
  private readonly verifier;

  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly pool: StaffPool,
  ) {
    this.verifier = JwtVerifier.create(
      {
        issuer: pool.issuer,
        audience: pool.clientId,
        jwksUri: pool.jwksUri,
        customJwtCheck: ({ payload }) => {
          if (payload.token_use !== 'id') throw new Error('not an ID token');
        },
      },
      { jwksCache: new SimpleJwksCache({ fetcher: jwksFetcher }) },
    );
  }

  async startSignIn(email: string, password: string): Promise<SignInStep> {
    try {
      const answer = await this.client.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: this.pool.clientId,
          AuthParameters: { USERNAME: email, PASSWORD: password },
        }),
      );
      return await this.stepOf(answer, email);
    } catch (error) {
      return refusalOf(error, 'credentials');
    }
  }

  async answer(pending: PendingChallenge, answer: string): Promise<SignInStep> {
    try {
      if (pending.challenge === 'totp-setup') {
        const verified = await this.client.send(
          new VerifySoftwareTokenCommand({
            Session: pending.session,
            UserCode: answer,
            FriendlyDeviceName: 'nashra console',
          }),
        );
        if (verified.Status !== 'SUCCESS' || !verified.Session) return { kind: 'refused', reason: 'code' };
        return await this.respond('MFA_SETUP', verified.Session, { USERNAME: pending.username }, pending);
      }
      if (pending.challenge === 'totp-code')
        return await this.respond(
          'SOFTWARE_TOKEN_MFA',
          pending.session,
          { USERNAME: pending.username, SOFTWARE_TOKEN_MFA_CODE: answer },
          pending,
        );
      return await this.respond(
        'NEW_PASSWORD_REQUIRED',
        pending.session,
        { USERNAME: pending.username, NEW_PASSWORD: answer },
        pending,
      );
    } catch (error) {
      return refusalOf(error, pending.challenge === 'new-password' ? 'password' : 'code');
    }
  }

  async startTotpSetup(pending: PendingChallenge): Promise<{ secret: string; session: string }> {
    const associated = await this.client.send(
      new AssociateSoftwareTokenCommand({ Session: pending.session }),
    );
    if (!associated.SecretCode || !associated.Session)
      throw new Error('Cognito answered AssociateSoftwareToken without a secret or session');
    return { secret: associated.SecretCode, session: associated.Session };
  }

  async addAccount(
    email: string,
    password: { kind: 'temporary' | 'permanent'; value: string },
  ): Promise<StaffAccount> {
    try {
      await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.pool.userPoolId,
          Username: email,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
          MessageAction: 'SUPPRESS',
          ...(password.kind === 'temporary' ? { TemporaryPassword: password.value } : {}),
        }),
      );
    } catch (error) {
      if (errorName(error) === 'UsernameExistsException')
        throw new ConflictError(`a staff account for ${email} exists already`);
      if (errorName(error) === 'InvalidPasswordException')
        throw new ValidationError(`the password is refused: ${(error as Error).message}`);
      throw error;
    }
    if (password.kind === 'permanent') {
      try {
        await this.client.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: this.pool.userPoolId,
            Username: email,
            Password: password.value,
            Permanent: true,
          }),
        );
      } catch (error) {
        // An account whose password nobody knows is of no use to anyone: take it back.
        await this.client.send(
          new AdminDeleteUserCommand({ UserPoolId: this.pool.userPoolId, Username: email }),
        );
        if (errorName(error) === 'InvalidPasswordException')
          throw new ValidationError(`the password is refused: ${(error as Error).message}`);
        throw error;
      }
    }
    const account = await this.findAccount(email);
    if (!account) throw new Error(`the staff account for ${email} was created but cannot be read back`);
    return account;
  }

  async listAccounts(): Promise<StaffAccount[]> {
    const users: UserType[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListUsersCommand({ UserPoolId: this.pool.userPoolId, PaginationToken: token }),
      );
      users.push(...(page.Users ?? []));
      token = page.PaginationToken;
    } while (token);
    // The listing does not say who has an authenticator; each account's own record does.
    const accounts = await Promise.all(
      users.map((user) => {
        const email = attribute(user.Attributes, 'email');
        return email ? this.findAccount(email) : undefined;
      }),
    );
    return accounts.filter((account): account is StaffAccount => account !== undefined);
  }

  async findAccount(email: string): Promise<StaffAccount | undefined> {
    let user: AdminGetUserCommandOutput;
    try {
      user = await this.client.send(
        new AdminGetUserCommand({ UserPoolId: this.pool.userPoolId, Username: email }),
      );
    } catch (error) {
      if (errorName(error) === 'UserNotFoundException') return undefined;
      throw error;
    }
    return accountOf(user);
  }

  async removeAccount(email: string): Promise<void> {
    try {
      await this.client.send(
        new AdminDeleteUserCommand({ UserPoolId: this.pool.userPoolId, Username: email }),
      );
    } catch (error) {
      if (errorName(error) === 'UserNotFoundException')
        throw new NotFoundError(`no staff account for ${email}`);
      throw error;
    }
  }

  private async respond(
    name: 'MFA_SETUP' | 'SOFTWARE_TOKEN_MFA' | 'NEW_PASSWORD_REQUIRED' | 'SELECT_MFA_TYPE',
    session: string,
    responses: Record<string, string>,
    pending: Pick<PendingChallenge, 'username'>,
  ): Promise<SignInStep> {
    const answer = await this.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: this.pool.clientId,
        ChallengeName: name,
        Session: session,
        ChallengeResponses: responses,
      }),
    );
    return this.stepOf(answer, pending.username);
  }

  /** What Cognito's answer means: tokens (verified here), or the next challenge. */
  private async stepOf(
    answer: Pick<
      InitiateAuthCommandOutput,
      'AuthenticationResult' | 'ChallengeName' | 'ChallengeParameters' | 'Session'
    >,
    username: string,
  ): Promise<SignInStep> {
    const idToken = answer.AuthenticationResult?.IdToken;
    if (idToken) {
      const claims = await this.verifier.verify(idToken);
      if (typeof claims.email !== 'string' || typeof claims.sub !== 'string')
        throw new Error('the ID token names no subject or address');
      return { kind: 'signed-in', staff: { id: claims.sub, email: claims.email.toLowerCase() } };
    }
    const who = answer.ChallengeParameters?.USER_ID_FOR_SRP ?? username;
    const session = answer.Session;
    if (!session) return { kind: 'refused', reason: 'unavailable' };
    switch (answer.ChallengeName) {
      case 'NEW_PASSWORD_REQUIRED':
        return { kind: 'challenge', challenge: 'new-password', username: who, session };
      case 'MFA_SETUP':
        return { kind: 'challenge', challenge: 'totp-setup', username: who, session };
      case 'SOFTWARE_TOKEN_MFA':
        return { kind: 'challenge', challenge: 'totp-code', username: who, session };
      case 'SELECT_MFA_TYPE':
        // The staff pool offers TOTP alone; an account that also has SMS set up is asked to choose.
        return this.respond(
          'SELECT_MFA_TYPE',
          session,
          { USERNAME: who, ANSWER: 'SOFTWARE_TOKEN_MFA' },
          { username: who },
        );
      default:
        return { kind: 'refused', reason: 'unavailable' };
    }
  }
}

/**
 * What a refused call means for the staff member. Cognito says NotAuthorized both for a wrong
 * password and for a sign-in session that expired; at a challenge it can only be the session.
 */
function refusalOf(error: unknown, at: 'credentials' | 'code' | 'password'): SignInStep {
  const name = errorName(error);
  const message = (error as Error).message;
  if (name === 'TooManyRequestsException' || name === 'LimitExceededException')
    throw new RateLimitedError('the identity service asks to slow down');
  if (name === 'NotAuthorizedException' || name === 'UserNotFoundException')
    return at === 'credentials'
      ? { kind: 'refused', reason: 'credentials' }
      : { kind: 'refused', reason: 'expired' };
  if (
    name === 'CodeMismatchException' ||
    name === 'EnableSoftwareTokenMFAException' ||
    name === 'ExpiredCodeException'
  )
    return { kind: 'refused', reason: 'code' };
  if (name === 'InvalidPasswordException' || (at === 'password' && name === 'InvalidParameterException'))
    return { kind: 'refused', reason: 'password', message };
  if (name === 'PasswordResetRequiredException' || name === 'UserNotConfirmedException')
    return { kind: 'refused', reason: 'unavailable' };
  throw error;
}

function attribute(attributes: AttributeType[] | undefined, name: string): string | undefined {
  return attributes?.find((entry) => entry.Name === name)?.Value;
}

function accountOf(user: AdminGetUserCommandOutput): StaffAccount {
  const status: StaffAccount['status'] =
    user.Enabled === false
      ? 'disabled'
      : user.UserStatus === 'CONFIRMED'
        ? 'active'
        : user.UserStatus === 'FORCE_CHANGE_PASSWORD'
          ? 'new-password'
          : 'other';
  return {
    id: attribute(user.UserAttributes, 'sub') ?? user.Username ?? '',
    email: (attribute(user.UserAttributes, 'email') ?? '').toLowerCase(),
    status,
    ...(status === 'other' && user.UserStatus ? { detail: user.UserStatus } : {}),
    totp: (user.UserMFASettingList ?? []).includes('SOFTWARE_TOKEN_MFA'),
    ...(user.UserCreateDate ? { createdAt: new Date(user.UserCreateDate).toISOString() } : {}),
  };
}

/**
 * Creates a staff pool as the stateful stack does (infra/stacks/stateful-stack.ts): addresses as user
 * names, accounts made by staff only, the staff password policy, and an app client for the console's
 * USER_PASSWORD_AUTH with no secret, that never says whether an account exists. Local mode's only (on
 * AWS the stack owns the pool); MFA stays off there unless asked for.
 */
export async function createStaffPool(
  client: CognitoIdentityProviderClient,
  options: { name: string; mfa: 'OFF' | 'ON' },
): Promise<{ userPoolId: string; clientId: string }> {
  const policy = staffPasswordPolicy;
  const pool = await client.send(
    new CreateUserPoolCommand({
      PoolName: options.name,
      UsernameAttributes: ['email'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: options.mfa,
      Policies: {
        PasswordPolicy: {
          MinimumLength: policy.minLength,
          RequireLowercase: policy.requireLowercase,
          RequireUppercase: policy.requireUppercase,
          RequireNumbers: policy.requireDigits,
          RequireSymbols: policy.requireSymbols,
          TemporaryPasswordValidityDays: policy.temporaryPasswordDays,
        },
      },
    }),
  );
  const userPoolId = pool.UserPool?.Id;
  if (!userPoolId) throw new Error('CreateUserPool answered without a pool id');
  const app = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: userPoolId,
      ClientName: 'nashra-console',
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
    }),
  );
  const clientId = app.UserPoolClient?.ClientId;
  if (!clientId) throw new Error('CreateUserPoolClient answered without a client id');
  return { userPoolId, clientId };
}

/** Whether the identity service still has this pool. */
export async function staffPoolExists(
  client: CognitoIdentityProviderClient,
  userPoolId: string,
): Promise<boolean> {
  try {
    await client.send(new DescribeUserPoolCommand({ UserPoolId: userPoolId }));
    return true;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return false;
    throw error;
  }
}
