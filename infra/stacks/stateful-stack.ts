import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { DomainName, SecurityPolicy } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  ConfigurationSetTlsPolicy,
  DkimIdentity,
  EasyDkimSigningKeyLength,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  MailFromBehaviorOnMxFailure,
  SuppressionReasons,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { statefulOutputs, tableOutputKey } from '../../functions/shared/stage-outputs';
import {
  allTableNames,
  type KeyAttribute,
  type TableName,
  tableDefinitions,
  tableNamesFor,
} from '../../functions/shared/tables';
import { StaffPool } from '../constructs/staff-pool';
import { SEND_MAX_RECEIVES, SEND_QUEUE_VISIBILITY } from '../sending';

/**
 * The DMARC policy to publish: `p=none` to start (read the reports, then tighten), relaxed alignment,
 * and aggregate reports to `rua` when an address is given.
 */
export const dmarcRecord = (reportAddress?: string) =>
  `v=DMARC1; p=none;${reportAddress ? ` rua=mailto:${reportAddress};` : ''} adkim=r; aspf=r`;

const attribute = (key: KeyAttribute) => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

/** What SQS keeps of a failed message: long enough for an operator back from a fortnight away. */
const DLQ_RETENTION = Duration.days(14);

export interface StatefulStackProps extends StackProps {
  stage: string;
  tablePrefix: string;
  /** The SES-verified sending domain. */
  domain: string;
  /** Where DMARC aggregate reports go (the record's `rua`). */
  dmarcReportAddress?: string;
  /** Addresses verified for tests while the account is in the SES sandbox. */
  sandboxRecipients?: string[];
  /** The API's custom domain and, if the operator has one, its ACM certificate. */
  apiDomain?: { name: string; certificateArn?: string };
}

/**
 * What holds data, or an identity, that must outlive any deploy of the code:
 * - the tables, built from the definitions local mode also creates, each with point-in-time recovery,
 *   deletion protection, RETAIN and encryption;
 * - the SES domain identity (Easy DKIM, custom MAIL FROM) and the configuration set, whose bounce and
 *   complaint events go to an encrypted SNS topic that the feedback function reads;
 * - the link-signing keyring (Secrets Manager; generated as one key, rotated by staff: see below);
 * - the send queue and every dead-letter queue (messages in flight and failures kept for inspection);
 * - the EventBridge Scheduler group holding the staff's digest schedules (deleting a group deletes its
 *   schedules, so it is retained here rather than rebuilt with the code);
 * - the identities of the SES sandbox's test recipients, and the API's custom domain name.
 * - the staff's Cognito user pool and the console's app client (infra/constructs/staff-pool.ts).
 *
 * No archive bucket: the public archive is served by the HTTP API from the issues table.
 */
export class StatefulStack extends Stack {
  readonly tables: Record<TableName, TableV2>;
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  readonly mailFromDomain: string;
  /** SES bounce and complaint events of the configuration set. */
  readonly sesEvents: Topic;
  /** Encrypts the SNS topics; SES and CloudWatch may use it to publish. */
  readonly notificationKey: Key;
  readonly linkSigningKey: Secret;
  readonly sendQueue: Queue;
  readonly sendDeadLetters: Queue;
  /** Schedules that could not invoke the digest function after their retries. */
  readonly scheduleDeadLetters: Queue;
  /** Stream batches the alert function gave up on (their shard positions, to replay by hand). */
  readonly streamDeadLetters: Queue;
  /** SES events the feedback function failed on after Lambda's retries. */
  readonly feedbackDeadLetters: Queue;
  readonly scheduleGroup: ScheduleGroup;
  /** SES identities of the sandbox test recipients: the senders may send to them too. */
  readonly sandboxRecipients: EmailIdentity[];
  /** The API's custom domain name, when the stage has one (its DNS record points at it). */
  readonly apiDomainName?: DomainName;
  /** The staff's user pool and the console's app client. */
  readonly staff: StaffPool;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    this.tables = this.buildTables(props.tablePrefix);

    this.notificationKey = new Key(this, 'notification-key', {
      description: `nashra ${props.stage}: encrypts the SES-event and alarm topics`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // SES publishes bounce and complaint events, CloudWatch alarm state changes, into encrypted topics;
    // neither can use the AWS-managed SNS key, so this key lets those two services in, and only on
    // behalf of this account's configuration set and alarms (no confused deputy from another account).
    const publishers: Array<[string, string]> = [
      [
        'ses.amazonaws.com',
        this.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: `nashra-${props.stage}`,
        }),
      ],
      [
        'cloudwatch.amazonaws.com',
        this.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    ];
    for (const [service, sourceArn] of publishers) {
      this.notificationKey.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
          conditions: {
            StringEquals: { 'aws:SourceAccount': this.account },
            ArnLike: { 'aws:SourceArn': sourceArn },
          },
        }),
      );
    }

    this.mailFromDomain = `bounce.${props.domain}`;
    this.configurationSet = new ConfigurationSet(this, 'configuration-set', {
      configurationSetName: `nashra-${props.stage}`,
      // Readers may be at risk: never hand a message to a receiving server over plain text.
      tlsPolicy: ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      sendingEnabled: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.sesEvents = new Topic(this, 'ses-events', {
      displayName: `nashra ${props.stage} SES bounces and complaints`,
      masterKey: this.notificationKey,
      enforceSSL: true,
    });
    // Bounces and complaints are what the feedback function acts on. No OPEN or CLICK events: with
    // them SES would insert a tracking pixel and rewrite every link, which readers at risk must never get.
    this.configurationSet.addEventDestination('bounces-and-complaints', {
      destination: EventDestination.snsTopic(this.sesEvents),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    this.identity = new EmailIdentity(this, 'identity', {
      identity: Identity.domain(props.domain),
      configurationSet: this.configurationSet,
      dkimIdentity: DkimIdentity.easyDkim(EasyDkimSigningKeyLength.RSA_2048_BIT),
      dkimSigning: true,
      mailFromDomain: this.mailFromDomain,
      // Until the MAIL FROM records resolve, SES uses its own domain there; DKIM still aligns for DMARC.
      mailFromBehaviorOnMxFailure: MailFromBehaviorOnMxFailure.USE_DEFAULT_VALUE,
      // Bounces and complaints arrive as events; mailing them to the sender as well would only duplicate.
      feedbackForwarding: false,
    });

    this.linkSigningKey = new Secret(this, 'link-signing-key', {
      description: `nashra ${props.stage}: HMAC key of every link token`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.linkSigningKey).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SMG4',
      reason:
        'The secret holds a keyring, rotated by staff with `nashra keys rotate`: a rotation adds a key and ' +
        'keeps every earlier one verifying, because the unsubscribe link of every mail ever sent must keep ' +
        'working. A Secrets Manager rotation function would replace the value and break them all.',
    });

    this.sendDeadLetters = this.deadLetterQueue('send-dlq', 'send jobs received 5 times without success');
    this.sendQueue = new Queue(this, 'send-queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: SEND_QUEUE_VISIBILITY,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.sendDeadLetters, maxReceiveCount: SEND_MAX_RECEIVES },
    });
    this.scheduleDeadLetters = this.deadLetterQueue(
      'schedule-dlq',
      'EventBridge Scheduler invocations of the digest function that failed after retries',
    );
    this.streamDeadLetters = this.deadLetterQueue(
      'stream-dlq',
      'articles-stream batches the alert function gave up on (shard positions, not the records)',
    );
    this.feedbackDeadLetters = this.deadLetterQueue(
      'feedback-dlq',
      'SES bounce and complaint events the feedback function failed on after Lambda retries',
    );

    this.scheduleGroup = new ScheduleGroup(this, 'schedule-group', {
      scheduleGroupName: `nashra-${props.stage}`,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.sandboxRecipients = (props.sandboxRecipients ?? []).map(
      (address, index) =>
        new EmailIdentity(this, `sandbox-recipient-${index + 1}`, { identity: Identity.email(address) }),
    );
    if (props.apiDomain) this.apiDomainName = this.buildApiDomain(props.apiDomain);

    this.staff = new StaffPool(this, 'staff', { stage: props.stage });

    this.outputs(props.domain, props.dmarcReportAddress);
  }

  /**
   * The API's custom domain: a regional API Gateway domain name (TLS 1.2) with the operator's ACM
   * certificate, or one requested here with DNS validation (the deploy waits until the validation
   * record the CloudFormation events show is published). Kept with the data: the name DNS points at
   * must not change when the code is deployed again.
   */
  private buildApiDomain(domain: { name: string; certificateArn?: string }): DomainName {
    const certificate = domain.certificateArn
      ? Certificate.fromCertificateArn(this, 'api-certificate', domain.certificateArn)
      : new Certificate(this, 'api-certificate', {
          domainName: domain.name,
          validation: CertificateValidation.fromDns(),
        });
    return new DomainName(this, 'api-domain', {
      domainName: domain.name,
      certificate,
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
  }

  private buildTables(prefix: string): Record<TableName, TableV2> {
    const names = tableNamesFor(prefix);
    return Object.fromEntries(
      allTableNames.map((name) => {
        const definition = tableDefinitions[name];
        const table = new TableV2(this, `${name}-table`, {
          tableName: names[name],
          partitionKey: attribute(definition.partitionKey),
          ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
          billing: Billing.onDemand(),
          globalSecondaryIndexes: definition.globalIndexes.map((index) => ({
            indexName: index.indexName,
            partitionKey: attribute(index.partitionKey),
            ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
          })),
          ...(definition.stream ? { dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES } : {}),
          ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          deletionProtection: true,
          removalPolicy: RemovalPolicy.RETAIN,
          encryption: TableEncryptionV2.awsManagedKey(),
        });
        return [name, table];
      }),
    ) as Record<TableName, TableV2>;
  }

  private deadLetterQueue(id: string, holds: string): Queue {
    const queue = new Queue(this, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: DLQ_RETENTION,
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: `This queue is itself a dead-letter queue (it holds ${holds}); a DLQ of a DLQ would only move the problem.`,
    });
    return queue;
  }

  /** What an operator publishes in DNS (see docs/operator.md), and what the CLI needs to reach the stage. */
  private outputs(domain: string, dmarcReportAddress?: string) {
    this.identity.dkimRecords.forEach((record, index) => {
      new CfnOutput(this, `dkim-record-${index + 1}`, {
        description: `DKIM: CNAME ${record.name} → ${record.value}`,
        value: `${record.name} CNAME ${record.value}`,
      });
    });
    new CfnOutput(this, 'mail-from-records', {
      description: 'Custom MAIL FROM: MX and SPF TXT records of the bounce subdomain',
      value: `${this.mailFromDomain} MX 10 feedback-smtp.${this.region}.amazonses.com; ${this.mailFromDomain} TXT "v=spf1 include:amazonses.com ~all"`,
    });
    new CfnOutput(this, 'dmarc-record', {
      description: 'DMARC policy of the sending domain (start with p=none, then tighten)',
      value: `_dmarc.${domain} TXT "${dmarcRecord(dmarcReportAddress)}"`,
    });
    this.stageOutputs(domain);
  }

  /** What staff tools read to reach this stage (`nashra … --stage`): functions/shared/stage-outputs.ts. */
  private stageOutputs(domain: string) {
    const output = (key: string, description: string, value: string) =>
      new CfnOutput(this, key, { key, description, value });
    for (const name of allTableNames)
      output(tableOutputKey(name), `The ${name} table`, this.tables[name].tableName);
    output(statefulOutputs.sendQueueUrl, 'Send queue', this.sendQueue.queueUrl);
    output(statefulOutputs.sendDeadLetterQueueUrl, 'Send dead-letter queue', this.sendDeadLetters.queueUrl);
    output(
      statefulOutputs.scheduleDeadLetterQueueUrl,
      'Dead-letter queue of the digest schedules',
      this.scheduleDeadLetters.queueUrl,
    );
    output(
      statefulOutputs.scheduleDeadLetterQueueArn,
      'Dead-letter queue every digest schedule names',
      this.scheduleDeadLetters.queueArn,
    );
    output(
      statefulOutputs.streamDeadLetterQueueUrl,
      'Dead-letter queue of the articles stream',
      this.streamDeadLetters.queueUrl,
    );
    output(
      statefulOutputs.feedbackDeadLetterQueueUrl,
      'Dead-letter queue of SES feedback',
      this.feedbackDeadLetters.queueUrl,
    );
    output(
      statefulOutputs.scheduleGroup,
      'EventBridge Scheduler group of the digest schedules',
      this.scheduleGroup.scheduleGroupName,
    );
    output(
      statefulOutputs.linkSigningKeySecretArn,
      'Secret holding the link-signing key (its ARN, never its value)',
      this.linkSigningKey.secretArn,
    );
    output(
      statefulOutputs.configurationSet,
      'SES configuration set',
      this.configurationSet.configurationSetName,
    );
    output(statefulOutputs.sendingDomain, 'SES sending identity', domain);
    output(statefulOutputs.staffUserPoolId, "The staff's user pool", this.staff.pool.userPoolId);
    output(
      statefulOutputs.staffClientId,
      "The console's app client of the staff's user pool",
      this.staff.consoleClient.userPoolClientId,
    );
  }
}
