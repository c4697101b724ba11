import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { tableDefinitions } from '../../functions/shared/tables';
import { synthNashra } from './synth';

describe('the stateful stack', () => {
  const { stateful } = synthNashra({});
  const template = Template.fromStack(stateful);

  it('creates every shared table definition with its keys, indexes and stream', () => {
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', Object.keys(tableDefinitions).length);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'nashra-test-articles',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      GlobalSecondaryIndexes: Match.arrayWith([Match.objectLike({ IndexName: 'byLangPublished' })]),
    });
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'nashra-test-deliveries',
      KeySchema: [
        { AttributeName: 'issueId', KeyType: 'HASH' },
        { AttributeName: 'subscriberId', KeyType: 'RANGE' },
      ],
    });
  });

  it('lets DynamoDB delete readers who never confirmed, and their address claims, by the expiresAt TTL', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TableName: 'nashra-test-subscribers',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('protects every table: point-in-time recovery, deletion protection, retained, encrypted', () => {
    const tables = template.findResources('AWS::DynamoDB::GlobalTable');
    for (const table of Object.values(tables)) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
      for (const replica of table.Properties.Replicas) {
        expect(replica.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(replica.DeletionProtectionEnabled).toBe(true);
      }
    }
  });

  it('verifies the sending domain with Easy DKIM (2048-bit) and a custom MAIL FROM domain', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'news.example.org',
      DkimAttributes: { SigningEnabled: true },
      DkimSigningAttributes: { NextSigningKeyLength: 'RSA_2048_BIT' },
      MailFromAttributes: {
        MailFromDomain: 'bounce.news.example.org',
        BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
      },
      FeedbackAttributes: { EmailForwardingEnabled: false },
      ConfigurationSetAttributes: { ConfigurationSetName: { Ref: Match.anyValue() } },
    });
  });

  it('has a configuration set that requires TLS, keeps reputation metrics and suppresses bounces and complaints', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSet', {
      Name: 'nashra-test',
      DeliveryOptions: { TlsPolicy: 'REQUIRE' },
      ReputationOptions: { ReputationMetricsEnabled: true },
      SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    });
  });

  it('publishes bounces and complaints, and never opens or clicks, to an encrypted topic SES alone may publish to', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: {
        Enabled: true,
        MatchingEventTypes: ['bounce', 'complaint'],
        SnsDestination: { TopicARN: { Ref: Match.anyValue() } },
      },
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'sns:Publish',
            Principal: { Service: 'ses.amazonaws.com' },
            Condition: { StringEquals: Match.objectLike({ 'AWS:SourceAccount': '111111111111' }) },
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('keeps the link-signing key in Secrets Manager, generated, retained', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: { GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true } },
      DeletionPolicy: 'Retain',
    });
  });

  it('has the send queue and four dead-letter queues, all encrypted by SQS and refusing plain HTTP', () => {
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));
    expect(queues).toHaveLength(5);
    for (const queue of queues) expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    expect(policies).toHaveLength(5);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('has no archive bucket: the archive is served from the issues table', () => {
    template.resourceCountIs('AWS::S3::Bucket', 0);
  });

  it('expires delivery records, rate-limit counters, never-confirmed readers and staff sessions by TTL, and nothing else', () => {
    const ttl = (name: string) =>
      Object.values(template.findResources('AWS::DynamoDB::GlobalTable')).find(
        (table) => table.Properties.TableName === `nashra-test-${name}`,
      )?.Properties.TimeToLiveSpecification;
    expect(ttl('deliveries')).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(ttl('counters')).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(ttl('subscribers')).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(ttl('staffSessions')).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    for (const name of ['articles', 'schedules', 'issues', 'audit']) expect(ttl(name), name).toBeUndefined();
  });

  it('lets SES and CloudWatch use the notification key only for this account, configuration set and alarms', () => {
    const key = Object.values(template.findResources('AWS::KMS::Key'))[0];
    const statements = key?.Properties.KeyPolicy.Statement as Array<{
      Principal: { Service?: string };
      Action: string[];
      Condition?: Record<string, Record<string, unknown>>;
    }>;
    const forService = (service: string) => statements.filter((s) => s.Principal.Service === service);
    for (const service of ['ses.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      const granted = forService(service);
      expect(granted, service).toHaveLength(1);
      expect(granted[0]?.Action).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
      expect(granted[0]?.Condition?.StringEquals).toEqual({ 'aws:SourceAccount': '111111111111' });
    }
    expect(JSON.stringify(forService('ses.amazonaws.com')[0]?.Condition?.ArnLike)).toContain(
      ':configuration-set/nashra-test',
    );
    expect(JSON.stringify(forService('cloudwatch.amazonaws.com')[0]?.Condition?.ArnLike)).toContain(
      ':alarm:*',
    );
  });

  it('prints the DNS records an operator publishes', () => {
    const outputs = JSON.stringify(template.findOutputs('*'));
    expect(outputs).toContain('bounce.news.example.org MX 10 feedback-smtp.eu-west-1.amazonses.com');
    expect(outputs).toContain('v=spf1 include:amazonses.com ~all');
    expect(outputs).toContain('_dmarc.news.example.org TXT \\"v=DMARC1; p=none; adkim=r; aspf=r\\"');
    expect(outputs).toContain('DkimDNSTokenName1');
  });

  it('sends DMARC aggregate reports to the configured address', () => {
    const { stateful: reporting } = synthNashra({}, { dmarcReportAddress: 'dmarc@news.example.org' });
    expect(JSON.stringify(Template.fromStack(reporting).findOutputs('*'))).toContain(
      'v=DMARC1; p=none; rua=mailto:dmarc@news.example.org; adkim=r; aspf=r',
    );
  });
});
