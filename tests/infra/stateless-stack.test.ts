import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { NEW_KEY_SIGNS_AFTER_MS } from '../../functions/core/link-keys';
import { METRICS_NAMESPACE, metricNames } from '../../functions/core/metrics';
import { senderConcurrencyFor } from '../../functions/core/send/rate-limit';
import { KEY_REFRESH_MS } from '../../functions/runtime/lambda';
import {
  requiredStatefulKeys,
  requiredStatelessKeys,
  sharedSettingNames,
} from '../../functions/shared/stage-outputs';
import { SECRET_CACHE_TTL } from '../../infra/constructs/nashra-function';
import { buildNashra } from '../../infra/nashra';
import { SEND_QUEUE_VISIBILITY, SENDER_TIMEOUT } from '../../infra/sending';
import {
  API_THROTTLE,
  BOUNCE_RATE_ALARM,
  COMPLAINT_RATE_ALARM,
  SES_THROTTLE_ALARM,
  STREAM_ITERATOR_AGE_ALARM,
} from '../../infra/stacks/stateless-stack';
import { staffPermissions } from '../../infra/staff-access';
import { allowedActions } from './grants';
import { everyTrigger, synthNashra, testApp } from './synth';

type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> };
type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

const { app, stateful, stateless } = synthNashra();
const template = Template.fromStack(stateless);
const statefulTemplate = Template.fromStack(stateful);
const resources = template.toJSON().Resources as Record<string, Resource>;
const functions = Object.entries(template.findResources('AWS::Lambda::Function')) as Array<
  [string, Resource]
>;
const functionId = (name: string) =>
  template.getResourceId('AWS::Lambda::Function', { Properties: { FunctionName: `nashra-test-${name}` } });
const functionNamed = (name: string): Resource => {
  const fn = resources[functionId(name)];
  if (!fn) throw new Error(`no function ${name}`);
  return fn;
};
const policyStatementsOf = (name: string): Statement[] => {
  const roleId = (functionNamed(name).Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
};
const actionsOf = (statement: Statement) => [statement.Action].flat();

describe('the outputs staff tools find the stage by', () => {
  const outputsOf = (stack: Template) => stack.toJSON().Outputs as Record<string, { Value: unknown }>;

  it('are every key functions/runtime/stage.ts reads, on the stack that holds each resource', () => {
    expect(Object.keys(outputsOf(statefulTemplate))).toEqual(expect.arrayContaining(requiredStatefulKeys));
    expect(Object.keys(outputsOf(template))).toEqual(expect.arrayContaining(requiredStatelessKeys));
  });

  it('carry the very settings every function runs with, so a staff command on the stage builds mail as they do', () => {
    const settings = outputsOf(template).Settings?.Value as { 'Fn::Join': [string, unknown[]] };
    const text = JSON.stringify(settings);
    for (const name of sharedSettingNames.filter(
      (n) => !['NASHRA_TOPIC_MAP', 'NASHRA_URGENT_CATEGORY', 'NASHRA_SITES'].includes(n),
    ))
      expect(text).toContain(name);
    const variables = (functionNamed('web').Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    expect(text).toContain(String(variables.NASHRA_FROM_ADDRESS));
    expect(text).toContain(String(variables.NASHRA_BASE_URL));
  });
});

describe('the staff policy', () => {
  const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy')).filter(
    (resource) => resource.Properties.ManagedPolicyName === 'nashra-test-staff',
  );
  const statements = (policy?.Properties.PolicyDocument.Statement ?? []) as Array<
    Statement & { Condition?: Record<string, unknown> }
  >;

  it('is one managed policy named for its stage, given as an output to attach to staff', () => {
    expect(policy).toBeDefined();
    expect(Object.keys(template.toJSON().Outputs)).toContain('StaffPolicyArn');
  });

  it('grants exactly the actions infra/staff-access.ts declares for the staff commands, no more', () => {
    const granted = new Set(statements.flatMap(actionsOf));
    expect([...granted].sort()).toEqual([...new Set(staffPermissions().map((p) => p.action))].sort());
    expect(statements.every((statement) => statement.Effect === 'Allow')).toBe(true);
  });

  it('scopes each action to the stage’s own resources', () => {
    const resourcesOf = (action: string) =>
      JSON.stringify(
        statements.filter((statement) => actionsOf(statement).includes(action)).map((s) => s.Resource),
      );
    expect(resourcesOf('dynamodb:Scan')).not.toMatch(/articles|issues|deliveries|counters/);
    expect(resourcesOf('scheduler:CreateSchedule')).toContain('schedule/nashra-test/*');
    expect(resourcesOf('cloudformation:DescribeStacks')).toContain('stack/nashra-test-stateful/*');
    expect(resourcesOf('secretsmanager:GetSecretValue')).toMatch(/linksigningkey/);
    const wildcard = statements.filter((statement) => JSON.stringify(statement.Resource) === '"*"');
    expect(wildcard.flatMap(actionsOf).sort()).toEqual(['scheduler:ListSchedules', 'ses:GetAccount']);
    const passRole = statements.find((statement) => actionsOf(statement).includes('iam:PassRole'));
    expect(passRole?.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
    });
    const send = statements.find((statement) => actionsOf(statement).includes('ses:SendRawEmail'));
    expect(send?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'bulletin@news.example.org' } });
  });
});

describe('every function', () => {
  it('is one NodejsFunction per registry entry, named for its stage', () => {
    expect(functions.map(([, fn]) => fn.Properties.FunctionName).sort()).toEqual(
      Object.keys(everyTrigger)
        .map((name) => `nashra-test-${name}`)
        .sort(),
    );
  });

  it('runs Node.js 22 on arm64, without X-Ray, logging JSON to a log group of its own', () => {
    for (const [, fn] of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toBeUndefined();
      expect(fn.Properties.LoggingConfig).toMatchObject({
        LogFormat: 'JSON',
        LogGroup: { Ref: expect.any(String) },
      });
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: Match.anyValue() });
  });

  it('is an ESM bundle, minified but for names, without source maps, with a `require` for CommonJS dependencies', () => {
    const fn = functionNamed('web');
    const assetPath = `asset.${(fn.Properties.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '')}`;
    const bundle = readFileSync(join(app.outdir, assetPath, 'index.mjs'), 'utf8');
    expect(fn.Properties.Handler).toBe('index.handler');
    expect(
      bundle.startsWith(
        "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      ),
    ).toBe(true);
    expect(bundle).toMatch(/export\s*\{[^}]*handler/);
    // Minified: long lines (only multi-line string literals of dependencies keep their line breaks).
    expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(2000);
    // Names kept, so that a stack trace in the logs names the functions it passed through.
    expect(bundle.includes('function lambdaRuntime(')).toBe(true);
    // No source map to parse at a cold start.
    expect(existsSync(join(app.outdir, assetPath, 'index.mjs.map'))).toBe(false);
    expect(bundle.includes('sourceMappingURL')).toBe(false);
    for (const [, each] of functions)
      expect(
        (each.Properties.Environment as { Variables: Record<string, unknown> }).Variables.NODE_OPTIONS,
      ).toBeUndefined();
  });

  it('gets the settings as the environment functions/shared/config.ts reads', () => {
    for (const [, fn] of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables).toMatchObject({
        NASHRA_MODE: 'aws',
        NASHRA_TABLE_PREFIX: 'nashra-test-',
        NASHRA_BASE_URL: 'https://news.example.org',
        NASHRA_SEND_RATE: '14',
        NASHRA_TIME_ZONE: 'Asia/Baghdad',
        NASHRA_QUIET_HOURS: '23:00-07:00',
        NASHRA_FEEDS: JSON.stringify([
          { url: 'https://ar.example.org/feed/', lang: 'ar' },
          { url: 'https://en.example.org/feed/', lang: 'en' },
        ]),
        NASHRA_FEED_POLL_CRON: '*/15 * * * *',
        NASHRA_SENDER_CONCURRENCY: String(senderConcurrencyFor(14)),
        NASHRA_SENDER_TIMEOUT_SECONDS: String(SENDER_TIMEOUT.toSeconds()),
        NASHRA_SEND_QUEUE_URL: expect.anything(),
        NASHRA_STAGE: 'test',
        NASHRA_FEED_FAILURE_POLLS: '4',
        NASHRA_DELIVERY_RETENTION_DAYS: '180',
      });
      expect(variables.NASHRA_LINK_SIGNING_KEY).toBeUndefined();
      expect(variables.NASHRA_LANGUAGES).toBeUndefined();
    }
  });

  it('gives the link-signing key to the functions that sign links only, read through the extension', () => {
    for (const [, fn] of functions) {
      expect(JSON.stringify(fn.Properties.Layers)).toContain(
        'AWS-Parameters-and-Secrets-Lambda-Extension-Arm64',
      );
    }
    for (const name of Object.keys(everyTrigger)) {
      const signs = everyTrigger[name]?.grants.includes('signs-links');
      const variables = (functionNamed(name).Properties.Environment as { Variables: Record<string, unknown> })
        .Variables;
      expect(variables.NASHRA_LINK_SIGNING_KEY_SECRET_ARN !== undefined, name).toBe(signs);
      expect(
        allowedActions(template, `nashra-test-${name}`).filter((line) => line.includes('link-signing key')),
        name,
      ).toEqual(
        signs
          ? [
              'secretsmanager:DescribeSecret on link-signing key',
              'secretsmanager:GetSecretValue on link-signing key',
            ]
          : [],
      );
    }
  });

  it('caches the keyring in the extension for two minutes, so a rotation reaches warm functions in minutes', () => {
    for (const [, fn] of functions) {
      const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(variables.SECRETS_MANAGER_TTL).toBe(String(SECRET_CACHE_TTL.toSeconds()));
    }
    expect(SECRET_CACHE_TTL.toMilliseconds()).toBe(KEY_REFRESH_MS);
    // A rotated key signs only once every warm function can have read it: a re-read after
    // KEY_REFRESH_MS may still get the extension's cached value, as old as its TTL.
    expect(NEW_KEY_SIGNS_AFTER_MS).toBeGreaterThan(KEY_REFRESH_MS + SECRET_CACHE_TTL.toMilliseconds());
  });

  it('reserves concurrency only where the registry asks', () => {
    expect(functionNamed('poller').Properties.ReservedConcurrentExecutions).toBe(1);
    expect(functionNamed('web').Properties.ReservedConcurrentExecutions).toBeUndefined();
  });
});

describe('grants', () => {
  const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
  );

  it('never allow the action "*" or a service-wide "service:*"', () => {
    for (const statement of statements) {
      for (const action of actionsOf(statement)) expect(action).not.toMatch(/(^|:)\*$/);
    }
  });

  it('never name the resource "*" where the ARN is known', () => {
    // dynamodb:ListStreams and X-Ray have no resource-level permissions; nothing else may use "*".
    const unscoped = statements.filter((statement) => JSON.stringify(statement.Resource) === '"*"');
    for (const statement of unscoped) expect(actionsOf(statement)).toEqual(['dynamodb:ListStreams']);
    expect(JSON.stringify(statements)).not.toMatch(/index\/\*|:\*"/);
  });

  it('give each function exactly the table actions of its registry entry, indexes named one by one', () => {
    const dynamo = (name: string) =>
      allowedActions(template, `nashra-test-${name}`).filter((line) => line.startsWith('dynamodb:'));
    expect(dynamo('web')).toEqual([
      'dynamodb:GetItem on articles',
      'dynamodb:PutItem on subscribers',
      'dynamodb:Query on articles/byLangPublished',
      'dynamodb:UpdateItem on subscribers',
    ]);
    expect(dynamo('poller')).toEqual(['dynamodb:PutItem on articles']);
    expect(dynamo('sender')).toEqual(['dynamodb:PutItem on deliveries', 'dynamodb:UpdateItem on deliveries']);
    expect(dynamo('alerts')).toEqual([
      'dynamodb:DescribeStream on articles stream',
      'dynamodb:GetRecords on articles stream',
      'dynamodb:GetShardIterator on articles stream',
      'dynamodb:ListStreams on articles stream',
      'dynamodb:Query on subscribers/bySegment',
    ]);
  });

  it('refuse at synth a query of an index the table does not have', () => {
    const wrong = {
      ...everyTrigger.poller,
      tables: { articles: ['Query:byNothing'] },
    } as unknown as NonNullable<typeof everyTrigger.poller>;
    expect(() => synthNashra({ poller: wrong })).toThrow(/has no index "byNothing"/);
  });

  it('let a mail sender send raw mail from the sender address, through the identity and configuration set only', () => {
    const send = policyStatementsOf('sender').find((statement) =>
      actionsOf(statement).includes('ses:SendRawEmail'),
    );
    expect(send).toMatchObject({
      Action: 'ses:SendRawEmail',
      Condition: { StringEquals: { 'ses:FromAddress': 'bulletin@news.example.org' } },
    });
    expect(JSON.stringify(send?.Resource)).toMatch(/:configuration-set\/".*ExportsOutputRefconfigurationset/);
    expect(JSON.stringify(send?.Resource)).toMatch(/:identity\/".*ExportsOutputRefidentity/);
    expect(
      policyStatementsOf('poller').some((statement) => actionsOf(statement).includes('ses:SendRawEmail')),
    ).toBe(false);
    const variables = (
      functionNamed('sender').Properties.Environment as { Variables: Record<string, string> }
    ).Variables;
    expect(variables).toMatchObject({
      NASHRA_FROM_ADDRESS: 'ICSSI نشرة <bulletin@news.example.org>',
      NASHRA_SES_CONFIGURATION_SET: { 'Fn::ImportValue': expect.stringContaining('configurationset') },
      NASHRA_UNSUBSCRIBE_MAILTO: 'unsubscribe@news.example.org',
      NASHRA_LIST_ID: 'nashra.news.example.org',
    });
  });

  it('let only the enqueuing functions put send jobs on the queue', () => {
    const sends = (name: string) =>
      policyStatementsOf(name).some((statement) => actionsOf(statement).includes('sqs:SendMessage'));
    expect(sends('alerts')).toBe(true);
    expect(sends('digest')).toBe(true);
    expect(sends('web')).toBe(false);
  });
});

describe('the HTTP API', () => {
  it('sends every route to the HTTP function, the staff ingest route to its own function behind IAM', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'ANY /{proxy+}',
      AuthorizationType: 'NONE',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'ANY /',
      AuthorizationType: 'NONE',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: 'POST /api/articles',
      AuthorizationType: 'AWS_IAM',
      Target: Match.objectLike({
        'Fn::Join': Match.arrayWith([
          Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('ingestfunction') })]),
        ]),
      }),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('throttles its stage and keeps access logs without IP, user agent or path', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: API_THROTTLE.rateLimit,
        ThrottlingBurstLimit: API_THROTTLE.burstLimit,
      },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
    });
    const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0];
    const format = stage?.Properties.AccessLogSettings.Format as string;
    expect(format).not.toMatch(/sourceIp|userAgent|\.path/);
  });
});

describe('the send queue', () => {
  it('redrives to its DLQ after 5 receives, with a visibility timeout ≥ 6 × the sender timeout', () => {
    statefulTemplate.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: SEND_QUEUE_VISIBILITY.toSeconds(),
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() },
      SqsManagedSseEnabled: true,
    });
    const senderTimeout = functionNamed('sender').Properties.Timeout as number;
    expect(SEND_QUEUE_VISIBILITY.toSeconds()).toBeGreaterThanOrEqual(6 * senderTimeout);
  });

  it('feeds the sender in batches that report item failures, at a concurrency derived from the send rate', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('sender') },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: senderConcurrencyFor(14) },
    });
    expect(senderConcurrencyFor(14)).toBe(2);
    expect(senderConcurrencyFor(500)).toBe(10);
  });

  it('is refused at synth when the sender outgrows the visibility timeout', () => {
    const slow = {
      ...everyTrigger.sender,
      timeout: SENDER_TIMEOUT.plus(SENDER_TIMEOUT),
    } as typeof everyTrigger.sender;
    const { stateless: tooSlow } = synthNashra({ sender: slow as NonNullable<typeof slow> });
    expect(() => Template.fromStack(tooSlow)).toThrow(/visibility timeout .* less than 6 ×/);
  });
});

describe('the articles stream', () => {
  it('reaches the alert function filtered to INSERTs, reporting item failures, with a DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: functionId('alerts') },
      StartingPosition: 'LATEST',
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ['INSERT'] }) }] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });
});

describe('schedules', () => {
  it('start the feed poller on its clock, through a role that may invoke only the poller', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(15 minutes)',
      Target: {
        Arn: { 'Fn::GetAtt': [functionId('poller'), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2 },
        DeadLetterConfig: { Arn: Match.anyValue() },
      },
    });
  });

  it('give the digest schedules a role only scheduler.amazonaws.com of this group assumes, invoking the digest function only', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'nashra-test-digest-scheduler',
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '111111111111' },
              ArnLike: { 'aws:SourceArn': Match.anyValue() },
            },
          }),
        ],
      },
    });
    const roleId = template.getResourceId('AWS::IAM::Role', {
      Properties: { RoleName: 'nashra-test-digest-scheduler' },
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
    const invoke = statements.filter((statement) => actionsOf(statement).includes('lambda:InvokeFunction'));
    expect(invoke).toEqual([
      expect.objectContaining({ Resource: { 'Fn::GetAtt': [functionId('digest'), 'Arn'] } }),
    ]);
    expect(statements.flatMap(actionsOf).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
  });

  it('retry a digest run that failed twice, then put it in the schedule DLQ (a firing names its window, so retries are safe)', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId('digest') },
      MaximumRetryAttempts: 2,
      MaximumEventAgeInSeconds: 6 * 60 * 60,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::ImportValue': Match.stringLikeRegexp('scheduledlq') } },
      },
    });
    const sendsToDlq = policyStatementsOf('digest').filter((statement) =>
      actionsOf(statement).includes('sqs:SendMessage'),
    );
    expect(JSON.stringify(sendsToDlq)).toMatch(/scheduledlq/);
  });

  it('keep the schedule group with the data, where a deploy of the code cannot delete it', () => {
    statefulTemplate.hasResource('AWS::Scheduler::ScheduleGroup', {
      Properties: { Name: 'nashra-test' },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('SES feedback', () => {
  it('subscribes the feedback function to the bounce and complaint topic, failures to a DLQ', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [functionId('feedback'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: functionId('feedback') },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
  });
});

describe('alarms', () => {
  const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
  const alarmOn = (metricName: string, namespace: string) =>
    alarms.filter(
      (alarm) => alarm.Properties.MetricName === metricName && alarm.Properties.Namespace === namespace,
    );
  const alarmNamed = (name: string) => {
    const found = alarms.find((alarm) => alarm.Properties.AlarmName === `nashra-test-${name}`);
    if (!found) throw new Error(`no alarm ${name}`);
    return found.Properties as Record<string, unknown>;
  };
  const stageDimensions = [
    { Name: 'service', Value: 'nashra' },
    { Name: 'stage', Value: 'test' },
  ];

  it('ring on any message in each of the four dead-letter queues, naming the command that reads it', () => {
    const depth = alarmOn('ApproximateNumberOfMessagesVisible', 'AWS/SQS');
    expect(depth).toHaveLength(4);
    for (const alarm of depth) {
      expect(alarm.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmDescription: expect.stringMatching(/nashra dlq show (send|schedule|stream|feedback)/),
      });
    }
  });

  it('ring on any error of any function', () => {
    expect(alarmOn('Errors', 'AWS/Lambda')).toHaveLength(functions.length);
  });

  it('ring on an SES bounce rate ≥ 5 % and a complaint rate ≥ 0.1 %', () => {
    expect(BOUNCE_RATE_ALARM).toBe(0.05);
    expect(COMPLAINT_RATE_ALARM).toBe(0.001);
    expect(alarmOn('Reputation.BounceRate', 'AWS/SES')[0]?.Properties).toMatchObject({
      Threshold: 0.05,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    expect(alarmOn('Reputation.ComplaintRate', 'AWS/SES')[0]?.Properties).toMatchObject({
      Threshold: 0.001,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it.each([
    ['mails-failed', metricNames.failed, 'Sum', 1],
    ['mails-parked', metricNames.parked, 'Sum', 1],
    ['ses-throttles', metricNames.throttled, 'Sum', SES_THROTTLE_ALARM],
    ['api-server-errors', metricNames.apiServerErrors, 'Sum', 1],
    ['failing-feeds', metricNames.failingFeeds, 'Maximum', 1],
    ['missed-digest-runs', metricNames.missedDigestRuns, 'Maximum', 1],
  ])("ring on %s: the functions' own %s count of this stage", (name, metricName, statistic, threshold) => {
    expect(alarmNamed(name)).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: metricName,
      Dimensions: stageDimensions,
      Statistic: statistic,
      Threshold: threshold,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('watch the feeds at the poll interval, the digest heartbeat every ten minutes', () => {
    expect(alarmNamed('failing-feeds')).toMatchObject({ Period: 15 * 60 });
    expect(alarmNamed('failing-feeds').AlarmDescription).toContain('4 polls in a row');
    expect(alarmNamed('missed-digest-runs')).toMatchObject({ Period: 10 * 60 });
  });

  it('ring when the oldest send job has waited the configured minutes', () => {
    expect(alarmNamed('send-queue-age')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Statistic: 'Maximum',
      Threshold: 120 * 60,
    });
    const { stateless: patient } = synthNashra(everyTrigger, { sendQueueAgeAlarmMinutes: 240 });
    Template.fromStack(patient).hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'nashra-test-send-queue-age',
      Threshold: 240 * 60,
    });
  });

  it('ring when the alert function falls behind the articles stream', () => {
    expect(alarmNamed('alerts-iterator-age')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: functionId('alerts') } }],
      Statistic: 'Maximum',
      Threshold: STREAM_ITERATOR_AGE_ALARM.toMilliseconds(),
    });
  });

  it('ring on a Lambda throttle of any function, summed in one alarm', () => {
    const throttles = alarmNamed('lambda-throttles');
    const queries = throttles.Metrics as Array<{ Id: string; Expression?: string; MetricStat?: unknown }>;
    expect(queries.find((query) => query.Expression)?.Expression).toBe(
      `SUM([${functions.map((_, index) => `t${index}`).join(',')}])`,
    );
    expect(JSON.stringify(queries)).toContain('"MetricName":"Throttles"');
    expect(queries.filter((query) => query.MetricStat)).toHaveLength(functions.length);
    expect(throttles.Threshold).toBe(1);
  });

  it('all notify the encrypted alarm topic, which mails the configured address', () => {
    const topicId = template.getResourceId('AWS::SNS::Topic', {});
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.org',
    });
  });
});

describe('the dashboard', () => {
  const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
  const body = JSON.stringify(dashboard?.Properties.DashboardBody);

  it('is one per stage, shows every alarm and what they watch', () => {
    expect(dashboard?.Properties.DashboardName).toBe('nashra-test');
    const alarmIds = Object.keys(template.findResources('AWS::CloudWatch::Alarm'));
    for (const id of alarmIds) expect(body).toContain(id);
    for (const metricName of Object.values(metricNames)) expect(body).toContain(metricName);
    for (const shown of [
      'ApproximateAgeOfOldestMessage',
      'IteratorAge',
      'Throttles',
      'Reputation.BounceRate',
    ])
      expect(body).toContain(shown);
    expect(JSON.stringify(template.toJSON().Outputs.Dashboard)).toContain('dashboards:name=');
  });
});

describe('a custom domain for the API', () => {
  const { stateful: domainStateful, stateless: domainStateless } = synthNashra(everyTrigger, {
    apiDomain: 'news.example.org',
  });
  const statefulDomain = Template.fromStack(domainStateful);
  const statelessDomain = Template.fromStack(domainStateless);

  it('has a certificate (requested with DNS validation), a regional TLS 1.2 domain name and a mapping', () => {
    statefulDomain.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'news.example.org',
      ValidationMethod: 'DNS',
    });
    statefulDomain.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'news.example.org',
      DomainNameConfigurations: [Match.objectLike({ EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' })],
    });
    statelessDomain.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      DomainName: Match.anyValue(),
      Stage: Match.anyValue(),
    });
  });

  it('turns the execute-api endpoint off, and gives the domain as the API URL with the name DNS points at', () => {
    statelessDomain.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: false });
    const outputs = statelessDomain.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.ApiUrl?.Value).toBe('https://news.example.org/');
    expect(JSON.stringify(outputs.ApiDomainTarget?.Value)).toContain('RegionalDomainName');
  });

  it("uses the operator's certificate when given one", () => {
    const arn = 'arn:aws:acm:eu-west-1:111111111111:certificate/0f0e0d0c-0b0a-0908-0706-050403020100';
    const { stateful: own } = synthNashra({}, { apiDomain: 'news.example.org', apiCertificateArn: arn });
    const ownTemplate = Template.fromStack(own);
    ownTemplate.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    ownTemplate.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: arn })],
    });
  });
});

describe('the SES sandbox', () => {
  it('verifies each test recipient and lets the mail senders send to them, and nobody else', () => {
    const { stateful: sandboxStateful, stateless: sandboxStateless } = synthNashra(everyTrigger, {
      sandboxRecipients: 'tester@example.org,second@example.org',
    });
    const statefulSandbox = Template.fromStack(sandboxStateful);
    statefulSandbox.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'tester@example.org' });
    statefulSandbox.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'second@example.org' });
    const sandboxTemplate = Template.fromStack(sandboxStateless);
    const identities = (name: string) =>
      allowedActions(sandboxTemplate, `nashra-test-${name}`).filter((line) => line.startsWith('ses:'));
    expect(identities('sender')).toEqual([
      'ses:SendRawEmail on SES configuration set',
      'ses:SendRawEmail on SES identity',
    ]);
    const send = Object.values(sandboxTemplate.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
      .filter((statement) => actionsOf(statement).includes('ses:SendRawEmail'));
    expect(send).toHaveLength(2);
    for (const statement of send) expect(statement.Resource as unknown[]).toHaveLength(4);
  });
});

describe('cdk-nag', () => {
  it('runs AwsSolutions at synth: an unacknowledged finding stops it', () => {
    const broken = testApp();
    const { stateless: withFinding } = buildNashra(broken, { handlers: {} });
    new Queue(withFinding, 'queue-without-dead-letters', { enforceSSL: true });
    expect(() => broken.synth()).toThrow(/AwsSolutions-SQS3/);
  });

  it('passes, every acknowledgement naming its rule and carrying its reason in words', () => {
    const acknowledgements = app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const [rule, reason] of acknowledgements) {
      expect(rule).toMatch(/^AwsSolutions::AwsSolutions-[A-Z]+\d+/);
      expect(reason.split(' ').length).toBeGreaterThanOrEqual(10);
    }
    const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8'));
    expect(report.pluginReports.flatMap((plugin: { violations: unknown[] }) => plugin.violations)).toEqual(
      [],
    );
  });
});
