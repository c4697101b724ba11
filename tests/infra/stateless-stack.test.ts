import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { senderConcurrencyFor } from '../../functions/core/send/rate-limit';
import {
  requiredStatefulKeys,
  requiredStatelessKeys,
  sharedSettingNames,
} from '../../functions/shared/stage-outputs';
import { buildNashra } from '../../infra/nashra';
import { SEND_QUEUE_VISIBILITY, SENDER_TIMEOUT } from '../../infra/sending';
import { API_THROTTLE, BOUNCE_RATE_ALARM, COMPLAINT_RATE_ALARM } from '../../infra/stacks/stateless-stack';
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
    const fn = functions[0]?.[1];
    if (!fn) throw new Error('no function');
    const variables = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(text).toContain(String(variables.NASHRA_FROM_ADDRESS));
    expect(text).toContain(String(variables.NASHRA_BASE_URL));
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

  it('is an ESM bundle, minified, with source maps enabled and a `require` for CommonJS dependencies', () => {
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
    expect(bundle.split('\n').length).toBeLessThan(10);
    expect(readFileSync(join(app.outdir, assetPath, 'index.mjs.map'), 'utf8')).toContain('"mappings"');
    for (const [, each] of functions) {
      expect(
        (each.Properties.Environment as { Variables: Record<string, unknown> }).Variables.NODE_OPTIONS,
      ).toBe('--enable-source-maps');
    }
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
        NASHRA_LINK_SIGNING_KEY_SECRET_ARN: expect.anything(),
      });
      expect(variables.NASHRA_LINK_SIGNING_KEY).toBeUndefined();
      expect(variables.NASHRA_LANGUAGES).toBeUndefined();
    }
  });

  it('reads the link-signing key through the Parameters and Secrets extension, granted that one secret', () => {
    for (const [, fn] of functions) {
      expect(JSON.stringify(fn.Properties.Layers)).toContain(
        'AWS-Parameters-and-Secrets-Lambda-Extension-Arm64',
      );
    }
    const statements = policyStatementsOf('poller');
    const secretRead = statements.find((statement) =>
      actionsOf(statement).includes('secretsmanager:GetSecretValue'),
    );
    expect(JSON.stringify(secretRead?.Resource)).toContain('linksigningkey');
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

  it('give each function only the tables of its registry entry, indexes named one by one', () => {
    const web = JSON.stringify(policyStatementsOf('web'));
    expect(web).toContain('articlestable');
    expect(web).toContain('/index/byLangPublished');
    expect(web).toContain('subscriberstable');
    expect(web).not.toContain('deliveriestable');
    const reads = policyStatementsOf('web').find((statement) =>
      actionsOf(statement).includes('dynamodb:Query'),
    );
    expect(actionsOf(reads as Statement)).not.toContain('dynamodb:PutItem');
    const writes = policyStatementsOf('poller').find((statement) =>
      actionsOf(statement).includes('dynamodb:PutItem'),
    );
    expect(actionsOf(writes as Statement)).not.toContain('dynamodb:Scan');
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
  it('sends every route to the HTTP function, the staff ingest route behind IAM', () => {
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

  it('ring on any message in each of the four dead-letter queues', () => {
    const depth = alarmOn('ApproximateNumberOfMessagesVisible', 'AWS/SQS');
    expect(depth).toHaveLength(4);
    for (const alarm of depth) {
      expect(alarm.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
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
