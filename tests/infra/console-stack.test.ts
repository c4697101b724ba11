import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { staffPasswordPolicy } from '../../functions/core/staff/password-policy';
import { statefulOutputs } from '../../functions/shared/stage-outputs';
import { readSettings } from '../../infra/config';
import type { HandlerSpec } from '../../infra/handler-spec';
import { handlersFor } from '../../infra/handlers';
import { invokeBundle } from '../support/lambda-bundle';
import { everyTrigger, synthNashra, testApp } from './synth';

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string; Condition?: unknown };

/** The real console handler (bundled as synth bundles it) beside echo functions of every other kind. */
const registry: Record<string, HandlerSpec> = {
  ...everyTrigger,
  console: handlersFor(readSettings(testApp().node)).console as HandlerSpec,
};

const { app, stateful, stateless } = synthNashra(registry);
const template = Template.fromStack(stateless);
const statefulTemplate = Template.fromStack(stateful);
const resources = template.toJSON().Resources as Record<string, Resource>;

const functionNamed = (name: string): Resource => {
  const fn = resources[functionId(name)];
  if (!fn) throw new Error(`no function ${name}`);
  return fn;
};
const functionId = (name: string) =>
  template.getResourceId('AWS::Lambda::Function', { Properties: { FunctionName: `nashra-test-${name}` } });
const statementsOf = (name: string): Statement[] => {
  const roleId = (functionNamed(name).Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
};
const actions = (name: string) => statementsOf(name).flatMap((statement) => [statement.Action].flat());
const environmentOf = (name: string) =>
  (functionNamed(name).Properties.Environment as { Variables: Record<string, unknown> }).Variables;

describe("the staff's user pool", () => {
  it('is for staff only: no self sign-up, addresses as user names, the staff password policy, retained', () => {
    statefulTemplate.resourceCountIs('AWS::Cognito::UserPool', 1);
    statefulTemplate.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UsernameAttributes: ['email'],
        DeletionProtection: 'ACTIVE',
        Policies: {
          PasswordPolicy: {
            MinimumLength: staffPasswordPolicy.minLength,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
            TemporaryPasswordValidityDays: staffPasswordPolicy.temporaryPasswordDays,
            PasswordHistorySize: staffPasswordPolicy.passwordHistorySize,
          },
        },
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      }),
    });
  });

  it('requires TOTP on a stage named prod, and leaves it optional on the others', () => {
    statefulTemplate.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'OPTIONAL' });
    // A prod stage must name its real feeds and an alarm address to synthesise at all.
    const prod = synthNashra(
      {},
      {
        stage: 'prod',
        feeds: [{ url: 'https://ar.iraqicivilsociety.org/feed/', lang: 'ar' }],
        alarmEmail: 'alarms@iraqicivilsociety.org',
      },
    );
    const prodPool = Template.fromStack(prod.stateful);
    prodPool.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolName: 'nashra-prod-staff',
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
    });
  });

  it("has the console's app client: USER_PASSWORD_AUTH, no secret, no OAuth, no account enumeration", () => {
    statefulTemplate.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'nashra-console',
      ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_PASSWORD_AUTH']),
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
      AllowedOAuthFlowsUserPoolClient: false,
    });
    const client = Object.values(statefulTemplate.findResources('AWS::Cognito::UserPoolClient'))[0];
    expect(client?.Properties.AllowedOAuthFlows).toBeUndefined();
  });

  it('is named in the outputs staff tools find the stage by', () => {
    const outputs = statefulTemplate.toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([statefulOutputs.staffUserPoolId, statefulOutputs.staffClientId]),
    );
  });

  it('keeps the sessions and the audit log in tables of their own', () => {
    for (const table of ['staffSessions', 'audit'])
      statefulTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
        TableName: `nashra-test-${table}`,
      });
    statefulTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'nashra-test-staffSessions',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byStaff' })],
    });
  });
});

describe('the console function', () => {
  it('is its own function behind the /console routes; every other route stays with the reader function', () => {
    const integrationOf = (routeKey: string) => {
      const route = Object.values(
        template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: routeKey } }),
      )[0];
      const target = JSON.stringify(route?.Properties.Target);
      const integrationId = /"Ref":"([^"]+)"/.exec(target)?.[1] ?? '';
      return JSON.stringify(resources[integrationId]?.Properties.IntegrationUri);
    };
    for (const key of ['ANY /console', 'ANY /console/{proxy+}'])
      expect(integrationOf(key), key).toContain(functionId('console'));
    for (const key of ['ANY /{proxy+}', 'ANY /'])
      expect(integrationOf(key), key).toContain(functionId('web'));
  });

  it('knows the staff pool, and where the digest schedules live', () => {
    const variables = environmentOf('console');
    expect(JSON.stringify(variables.NASHRA_STAFF_USER_POOL_ID)).toContain('staff');
    expect(JSON.stringify(variables.NASHRA_STAFF_CLIENT_ID)).toContain('consoleclient');
    const scheduler = JSON.stringify(variables.NASHRA_SCHEDULER);
    for (const key of ['group', 'targetArn', 'roleArn', 'deadLetterArn']) expect(scheduler).toContain(key);
    expect(scheduler).toContain(functionId('digest'));
  });

  it("has the staff's permissions: every table, mail, sends, and the stage's schedules through the scheduler role", () => {
    const granted = actions('console');
    expect(granted).toEqual(
      expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:Query', 'ses:SendRawEmail', 'sqs:SendMessage']),
    );
    const tables = JSON.stringify(
      statementsOf('console').filter((s) => [s.Action].flat().includes('dynamodb:PutItem')),
    );
    for (const table of [
      'articles',
      'subscribers',
      'schedules',
      'issues',
      'deliveries',
      'counters',
      'staffSessions',
      'audit',
    ])
      expect(tables, table).toContain(`${table}table`);
    const schedules = statementsOf('console').find((s) =>
      [s.Action].flat().includes('scheduler:CreateSchedule'),
    );
    expect(JSON.stringify(schedules?.Resource)).toContain('schedule/nashra-test/*');
    const passRole = statementsOf('console').find((s) => [s.Action].flat().includes('iam:PassRole'));
    expect(passRole?.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
    });
    expect(granted.some((action) => action.startsWith('cognito-idp:'))).toBe(false);
  });

  it('leaves the reader function its narrow role: no schedules, no staff tables, no role to pass', () => {
    const reader = actions('web');
    expect(reader.some((action) => action.startsWith('scheduler:') || action === 'iam:PassRole')).toBe(false);
    const text = JSON.stringify(statementsOf('web'));
    expect(text).not.toContain('staffSessionstable');
    expect(text).not.toContain('audittable');
    expect(environmentOf('web').NASHRA_SCHEDULER).toBeUndefined();
    expect(environmentOf('web').NASHRA_STAFF_USER_POOL_ID).toBeUndefined();
  });

  it('answers the sign-in page from its bundle, which carries no cognito-local and no AWS SDK v2', async () => {
    const code = functionNamed('console').Properties.Code as { S3Key: string };
    const bundle = join(app.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs');
    const source = readFileSync(bundle, 'utf8');
    expect(source).not.toContain('cognito-local');
    expect(source).not.toMatch(/aws-sdk\/lib\/core/);
    const event = {
      version: '2.0',
      routeKey: 'ANY /console/{proxy+}',
      rawPath: '/console/sign-in',
      rawQueryString: 'lang=en',
      headers: { host: 'news.example.org' },
      requestContext: {
        http: { method: 'GET', path: '/console/sign-in', sourceIp: '203.0.113.9' },
        requestId: 'r',
        stage: '$default',
      },
      isBase64Encoded: false,
    };
    const response = await invokeBundle(bundle, event, {
      NASHRA_MODE: 'aws',
      NASHRA_BASE_URL: 'https://news.example.org',
      NASHRA_SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/send',
      NASHRA_LINK_SIGNING_KEY: 'k'.repeat(64),
      NASHRA_STAFF_USER_POOL_ID: 'eu-west-1_AbCdEf123',
      NASHRA_STAFF_CLIENT_ID: 'abcdefghijklmnopqrstuvwxyz',
      NASHRA_SCHEDULER: JSON.stringify({
        group: 'nashra-test',
        targetArn: 'arn:aws:lambda:eu-west-1:111111111111:function:nashra-test-digest-run',
        roleArn: 'arn:aws:iam::111111111111:role/nashra-test-digest-scheduler',
        deadLetterArn: 'arn:aws:sqs:eu-west-1:111111111111:nashra-test-schedule-dlq',
      }),
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('name="password"');
    // Over https, the CSRF cookie is Secure and __Secure- prefixed, and scoped to the console.
    expect((response.cookies ?? []).join('\n')).toMatch(
      /^__Secure-nashra-console-csrf=[\w-]+; .*Path=\/console.*HttpOnly.*Secure.*SameSite=Strict/m,
    );
  });

  it('passes cdk-nag with every acknowledgement explained', () => {
    expect(() => app.synth()).not.toThrow();
  });
});
