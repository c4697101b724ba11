import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  LoggingFormat,
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsLogLevel,
  ParamsAndSecretsVersions,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConfigurationSet, IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { bundleMinificationArgs } from '../bundle-options';
import type { TableAccess, TableAction } from '../handler-spec';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const lambdaEntry = fileURLToPath(new URL('../runtime/lambda-entry.ts', import.meta.url));

/** Lambda's limit on the size of a function's environment (names and values). */
const ENVIRONMENT_LIMIT_BYTES = 4096;
/** What a value known only at deploy time (an ARN, a queue URL) is counted as against that limit. */
const DEPLOY_TIME_VALUE_BYTES = 128;

/**
 * How long the Parameters and Secrets extension keeps a secret before asking Secrets Manager again:
 * with the functions' own re-read (every 2 minutes), a rotated key reaches a warm function within about
 * four minutes.
 */
export const SECRET_CACHE_TTL = Duration.minutes(2);

/** Some CommonJS dependencies call `require`, which an ESM bundle lacks: give them one. */
const requireBanner =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export interface NashraFunctionProps {
  /** Entry file relative to the repository root; it exports `handler`. */
  entry: string;
  /** Physical name: stable, so that schedules and operators can name the function. */
  functionName: string;
  description: string;
  timeout: Duration;
  memorySize?: number;
  reservedConcurrency?: number;
  /** Settings every function reads (NASHRA_MODE, NASHRA_TABLE_PREFIX, NASHRA_BASE_URL, …). */
  environment: Record<string, string>;
  logRetention?: RetentionDays;
}

/**
 * One Lambda function of nashra, built the same way for every handler: an ESM bundle (minified but for
 * names, AWS SDK bundled) on Node.js 22 / arm64, its own log group, and a role that starts with nothing
 * but writing to that log group. Every permission is added by a method that also sets the environment
 * the code needs to use it, so a grant and its setting never drift apart.
 *
 * The bundle's entry is infra/runtime/lambda-entry.ts: it fills the secrets into process.env from the
 * Parameters and Secrets extension, then imports the handler module, so config() finds them at cold
 * start and the value never appears in the function's configuration. The extension caches a secret for
 * SECRET_CACHE_TTL; a warm function asks it again every few minutes (functions/runtime/lambda.ts).
 *
 * X-Ray is off: the functions carry no tracing SDK, so a trace would show only Lambda's own segment,
 * and the put-trace permissions cannot be scoped to a resource. The structured logs carry the request
 * ids that tie a path together.
 */
export class NashraFunction extends NodejsFunction {
  // Filled from the base constructor too (it adds the environment given in props), hence no initialiser.
  declare private environmentSizes: Map<string, number> | undefined;
  /** This function is the target of the staff's digest schedules (EventBridge Scheduler). */
  digestTarget = false;
  /** This function reads a table's stream (its iterator age is watched). */
  streamConsumer = false;

  constructor(scope: Construct, id: string, props: NashraFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}-logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new Role(scope, `${id}-role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    super(scope, id, {
      entry: lambdaEntry,
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: `${repositoryRoot}package-lock.json`,
      functionName: props.functionName,
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrency,
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.DISABLED,
      paramsAndSecrets: ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, {
        logLevel: ParamsAndSecretsLogLevel.WARN,
        secretsManagerTtl: SECRET_CACHE_TTL,
      }),
      environment: props.environment,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        externalModules: [],
        banner: requireBanner,
        esbuildArgs: {
          // lambda-entry.ts imports the function's own handler under this name, once the secrets are in.
          '--alias:nashra-handler': `${repositoryRoot}${props.entry}`,
          ...bundleMinificationArgs,
        },
        logLevel: LogLevel.ERROR,
      },
    });
    logGroup.grantWrite(role);
    this.node.addValidation({ validate: () => this.environmentProblems() });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        'Node.js 22 is the newest runtime the code is tested on (it also runs on Node 20 locally); move to ' +
        'a newer runtime once the test suite runs on it.',
    });
  }

  override addEnvironment(
    key: string,
    value: string,
    options?: Parameters<NodejsFunction['addEnvironment']>[2],
  ) {
    this.environmentSizes ??= new Map();
    this.environmentSizes.set(
      key,
      key.length + (Token.isUnresolved(value) ? DEPLOY_TIME_VALUE_BYTES : value.length),
    );
    return super.addEnvironment(key, value, options);
  }

  /**
   * Exactly these DynamoDB actions on the table, and `Query` on each index named by a `Query:<index>`.
   * Index ARNs are listed one by one rather than as `index/*`, so a new index can be queried only once
   * it is named here. An index the table does not have fails the synth.
   */
  accesses(table: ITableV2, access: TableAccess[], indexNames: readonly string[]): this {
    const onTable = [...new Set(access.filter((entry): entry is TableAction => !entry.includes(':')))];
    const indexes = access.filter((entry) => entry.startsWith('Query:')).map((entry) => entry.slice(6));
    for (const index of indexes)
      if (!indexNames.includes(index))
        throw new Error(`${this.node.path}: ${table.node.id} has no index "${index}" to query`);
    if (onTable.length > 0)
      this.addToRolePolicy(
        new PolicyStatement({
          actions: onTable.map((action) => `dynamodb:${action}`),
          resources: [table.tableArn],
        }),
      );
    if (indexes.length > 0)
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: [...new Set(indexes)].map((index) => `${table.tableArn}/index/${index}`),
        }),
      );
    return this;
  }

  /**
   * Send raw mail from the sending domain through the stage's configuration set, and only that: the
   * From address is pinned by a condition. In the SES sandbox SES also authorises the send against each
   * verified recipient's identity, so the test recipients' identities are named too. (The mail
   * settings are every function's: the stack sets them.)
   */
  sends(
    identity: IEmailIdentity,
    configurationSet: IConfigurationSet,
    fromAddress: string,
    sandboxRecipients: readonly IEmailIdentity[] = [],
  ): this {
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [
          identity.emailIdentityArn,
          ...sandboxRecipients.map((recipient) => recipient.emailIdentityArn),
          Stack.of(this).formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: configurationSet.configurationSetName,
          }),
        ],
        conditions: { StringEquals: { 'ses:FromAddress': fromAddress } },
      }),
    );
    return this;
  }

  /** Put send jobs on the send queue. */
  enqueues(queue: IQueue): this {
    queue.grantSendMessages(this);
    this.addEnvironment('NASHRA_SEND_QUEUE_URL', queue.queueUrl);
    return this;
  }

  /** The link-signing keyring: read at cold start, again every few minutes; that one secret only. */
  signsLinks(keyring: ISecret): this {
    return this.readsSecretInto('NASHRA_LINK_SIGNING_KEY', keyring);
  }

  /** `name` gets the secret's value at cold start; the function may read that one secret. */
  readsSecretInto(name: string, secret: ISecret): this {
    secret.grantRead(this);
    this.addEnvironment(`${name}_SECRET_ARN`, secret.secretArn);
    return this;
  }

  private environmentProblems(): string[] {
    const size = [...(this.environmentSizes?.values() ?? [])].reduce((sum, bytes) => sum + bytes, 0);
    return size > ENVIRONMENT_LIMIT_BYTES
      ? [
          `the environment of ${this.node.path} is about ${size} bytes; Lambda allows ${ENVIRONMENT_LIMIT_BYTES}`,
        ]
      : [];
  }
}
