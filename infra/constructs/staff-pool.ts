import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { staffPasswordPolicy } from '../../functions/core/staff/password-policy';

/** The stage on which every staff account must use an authenticator app. */
export const MFA_REQUIRED_STAGE = 'prod';

/**
 * The staff's identity: a Cognito user pool for staff only (accounts are made by an operator with
 * `nashra staff add`; nobody signs up), addresses as user names, the staff password policy
 * (functions/core/staff/password-policy.ts, also local mode's), TOTP as the only second factor —
 * required on `prod`, optional elsewhere — and no self-service recovery (an operator resets an
 * account). The console's app client signs in with USER_PASSWORD_AUTH from the console function, has
 * no OAuth flows, never says whether an account exists, and its tokens live minutes: the console
 * verifies one at sign-in and keeps a session of its own. Retained with the stage's data.
 */
export class StaffPool extends Construct {
  readonly pool: UserPool;
  readonly consoleClient: UserPoolClient;

  constructor(scope: Construct, id: string, props: { stage: string }) {
    super(scope, id);
    const policy = staffPasswordPolicy;
    const mfaRequired = props.stage === MFA_REQUIRED_STAGE;
    this.pool = new UserPool(this, 'pool', {
      userPoolName: `nashra-${props.stage}-staff`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: false } },
      mfa: mfaRequired ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: policy.minLength,
        requireLowercase: policy.requireLowercase,
        requireUppercase: policy.requireUppercase,
        requireDigits: policy.requireDigits,
        requireSymbols: policy.requireSymbols,
        tempPasswordValidity: Duration.days(policy.temporaryPasswordDays),
        passwordHistorySize: policy.passwordHistorySize,
      },
      // Password history needs the Essentials plan; Plus adds threat protection (see below).
      featurePlan: FeaturePlan.ESSENTIALS,
      accountRecovery: AccountRecovery.NONE,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.consoleClient = this.pool.addClient('console-client', {
      userPoolClientName: 'nashra-console',
      authFlows: { userPassword: true },
      generateSecret: false,
      disableOAuth: true,
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      idTokenValidity: Duration.minutes(5),
      accessTokenValidity: Duration.minutes(5),
      refreshTokenValidity: Duration.minutes(60),
      authSessionValidity: Duration.minutes(3),
    });

    Validations.of(this.pool).acknowledge({
      id: 'AwsSolutions::AwsSolutions-COG8',
      reason:
        'Threat protection (the Plus plan) judges a sign-in by its client address and device, but every ' +
        'console sign-in reaches Cognito from the console function (USER_PASSWORD_AUTH on the server, ' +
        'whose app client has no secret to pass the staff member’s own context), so it would judge ' +
        'nothing. The strong policy, password history, TOTP on prod and the console’s own limits on ' +
        'failed sign-ins per account and per client do that work.',
    });
    if (!mfaRequired)
      Validations.of(this.pool).acknowledge({
        id: 'AwsSolutions::AwsSolutions-COG2',
        reason: `MFA (TOTP) is required on the "${MFA_REQUIRED_STAGE}" stage; on test stages it is optional, so that a test account can sign in without an authenticator.`,
      });
  }
}
