import { CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  ApiMapping,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, type ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  METRICS_NAMESPACE,
  type MetricName,
  metricDimensions,
  metricNames,
} from '../../functions/core/metrics';
import {
  optionalStatelessOutputs,
  type sharedSettingNames,
  statelessOutputs,
} from '../../functions/shared/stage-outputs';
import { type TableName, tableDefinitions } from '../../functions/shared/tables';
import { type DeploySettings, fromHeaderOf, tablePrefixFor } from '../config';
import { NashraFunction } from '../constructs/nashra-function';
import { StaffPolicy } from '../constructs/staff-policy';
import type { Grant, HandlerSpec, TableAccess, Trigger } from '../handler-spec';
import { SEND_QUEUE_VISIBILITY, SENDER_TIMEOUT, senderConcurrencyFor } from '../sending';
import type { StatefulStack } from './stateful-stack';

/** Steady requests per second and burst the HTTP API accepts before answering 429. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 200 };

/** SES pauses an account near 10 % bounces and 0.5 % complaints; these alarms ring well before. */
export const BOUNCE_RATE_ALARM = 0.05;
export const COMPLAINT_RATE_ALARM = 0.001;

/**
 * SES throttling answers in 5 minutes before the alarm rings. The senders share the account rate, so a
 * throttle is rare; a few are retried and harmless, a stream of them means the rate setting is wrong.
 */
export const SES_THROTTLE_ALARM = 10;

/** How far the alert function may fall behind the articles stream before the alarm rings. */
export const STREAM_ITERATOR_AGE_ALARM = Duration.minutes(15);

/** The poll interval as the cron local mode runs it (the interval divides an hour, so they agree). */
const feedPollCronOf = (minutes: number) => (minutes === 60 ? '0 * * * *' : `*/${minutes} * * * *`);

/** Ingest rules given in the context, passed on only when set (the functions have defaults). */
function optionalEnvironment(settings: DeploySettings): Record<string, string> {
  const environment: Record<string, string> = {};
  if (settings.topicMap) environment.NASHRA_TOPIC_MAP = JSON.stringify(settings.topicMap);
  if (settings.urgentCategories) environment.NASHRA_URGENT_CATEGORY = settings.urgentCategories.join(',');
  if (settings.sites) {
    environment.NASHRA_SITES = Object.entries(settings.sites)
      .map(([lang, host]) => `${lang}=${host}`)
      .join(',');
  }
  return environment;
}

/**
 * API Gateway access log fields. No source IP, user agent or path: paths carry link tokens, and readers
 * may be at risk. The route key, status and request id are enough to follow a request into the logs.
 */
const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLatency: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
});

export interface StatelessStackProps extends StackProps {
  settings: DeploySettings;
  stateful: StatefulStack;
  handlers: Record<string, HandlerSpec>;
}

/**
 * The code and its wiring, safe to replace on any deploy: one function per registry entry, the HTTP API,
 * the event sources (articles stream → alert, send queue → sender, SES events → feedback), the feed
 * poller's clock, the role EventBridge Scheduler uses to start digests, and the alarms.
 */
export class StatelessStack extends Stack {
  readonly functions: Record<string, NashraFunction> = {};
  readonly alarmTopic: Topic;
  readonly sendConcurrency: number;
  readonly schedulerRole: Role;
  readonly api?: HttpApi;
  readonly staffPolicy: StaffPolicy;
  readonly dashboard: Dashboard;

  private readonly stateful: StatefulStack;
  private readonly settings: DeploySettings;
  /** Functions of the `console` trigger, wired once every function exists (wireConsole). */
  private readonly consoleFunctions: NashraFunction[] = [];
  /** The function of the `ingest-api` trigger, wired once the API exists (wireIngest). */
  private ingestFunction: NashraFunction | undefined;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    this.stateful = props.stateful;
    this.settings = props.settings;
    this.sendConcurrency = senderConcurrencyFor(props.settings.sendRate);
    this.alarmTopic = new Topic(this, 'alarms', {
      displayName: `nashra ${props.settings.stage} alarms`,
      masterKey: props.stateful.notificationKey,
      enforceSSL: true,
    });
    if (props.settings.alarmEmail) {
      this.alarmTopic.addSubscription(new EmailSubscription(props.settings.alarmEmail));
    }
    this.schedulerRole = this.buildSchedulerRole();

    for (const kind of ['http-api', 'ingest-api'] as const) {
      const entries = Object.values(props.handlers).filter((spec) => spec.trigger.kind === kind);
      if (entries.length > 1) throw new Error(`the handler registry names more than one ${kind} function`);
    }

    for (const [name, spec] of Object.entries(props.handlers)) {
      const fn = this.buildFunction(name, spec);
      this.functions[name] = fn;
      const api = this.wireTrigger(fn, spec.trigger);
      if (api) this.api = api;
    }
    this.wireIngest();
    this.wireConsole();
    this.dashboard = this.buildDashboard(this.buildAlarms());
    this.staffPolicy = new StaffPolicy(this, 'staff', {
      stage: props.settings.stage,
      stateful: props.stateful,
      schedulerRole: this.schedulerRole,
      senderAddress: props.settings.senderAddress,
    });
    this.outputs();
  }

  private buildFunction(name: string, spec: HandlerSpec): NashraFunction {
    const { settings, stateful } = this;
    const fn = new NashraFunction(this, name, {
      entry: spec.entry,
      description: spec.description,
      timeout: spec.timeout,
      memorySize: spec.memorySize,
      reservedConcurrency: spec.reservedConcurrency,
      functionName: `nashra-${settings.stage}-${name}`,
      environment: {
        NASHRA_MODE: 'aws',
        NASHRA_STAGE: settings.stage,
        NASHRA_TABLE_PREFIX: tablePrefixFor(settings.stage),
        NASHRA_FEEDS: JSON.stringify(settings.feeds),
        // The configuration checks this on every function, so every function has it; only the functions
        // with the `enqueues-sends` grant may put anything on the queue.
        NASHRA_SEND_QUEUE_URL: stateful.sendQueue.queueUrl,
        ...this.sharedSettings(),
      },
    });
    for (const grant of spec.grants) this.applyGrant(fn, grant);
    for (const [table, access] of Object.entries(spec.tables) as Array<[TableName, TableAccess[]]>)
      fn.accesses(
        stateful.tables[table],
        access,
        tableDefinitions[table].globalIndexes.map((index) => index.indexName),
      );
    return fn;
  }

  private applyGrant(fn: NashraFunction, grant: Grant) {
    const { stateful, settings } = this;
    switch (grant) {
      case 'sends-mail':
        fn.sends(
          stateful.identity,
          stateful.configurationSet,
          settings.senderAddress,
          stateful.sandboxRecipients,
        );
        return;
      case 'enqueues-sends':
        fn.enqueues(stateful.sendQueue);
        return;
      case 'signs-links':
        fn.signsLinks(stateful.linkSigningKey);
        return;
    }
  }

  private wireTrigger(fn: NashraFunction, trigger: Trigger): HttpApi | undefined {
    const { stateful } = this;
    switch (trigger.kind) {
      case 'http-api':
        return this.buildHttpApi(fn);
      case 'clock':
        this.buildClock(fn, trigger.schedule);
        return undefined;
      case 'table-stream':
        fn.streamConsumer = true;
        fn.addEventSource(
          new DynamoEventSource(stateful.tables[trigger.table], {
            startingPosition: StartingPosition.LATEST,
            batchSize: 10,
            filters: [FilterCriteria.filter({ eventName: FilterRule.or(...trigger.eventNames) })],
            reportBatchItemFailures: true,
            bisectBatchOnError: true,
            retryAttempts: 5,
            maxRecordAge: Duration.hours(6),
            onFailure: new SqsDlq(stateful.streamDeadLetters),
          }),
        );
        return undefined;
      case 'send-queue':
        this.checkVisibility(fn);
        fn.addEventSource(
          new SqsEventSource(stateful.sendQueue, {
            batchSize: 10,
            reportBatchItemFailures: true,
            maxConcurrency: this.sendConcurrency,
          }),
        );
        return undefined;
      case 'digest-schedules':
        this.schedulerRole.addToPolicy(
          new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
        );
        // Scheduler invokes asynchronously: its retries cover the hand-over, these the run itself. A
        // firing names its window by its due time, so a retry never makes a second issue.
        fn.configureAsyncInvoke({
          retryAttempts: 2,
          maxEventAge: Duration.hours(6),
          onFailure: new SqsDestination(stateful.scheduleDeadLetters),
        });
        fn.digestTarget = true;
        return undefined;
      case 'ingest-api':
        this.ingestFunction = fn;
        return undefined;
      case 'console':
        this.consoleFunctions.push(fn);
        return undefined;
      case 'ses-events':
        stateful.sesEvents.addSubscription(new LambdaSubscription(fn));
        fn.configureAsyncInvoke({
          retryAttempts: 2,
          onFailure: new SqsDestination(stateful.feedbackDeadLetters),
        });
        return undefined;
    }
  }

  /**
   * The public API: every route goes to the HTTP function, unauthenticated (readers have no account;
   * their links carry signed tokens), except the staff ingest route, which needs SigV4 (IAM). With a
   * custom domain, mapped to it, its `execute-api` endpoint turned off.
   */
  private buildHttpApi(fn: NashraFunction): HttpApi {
    const domainName = this.stateful.apiDomainName;
    const api = new HttpApi(this, 'api', {
      description: `nashra ${this.settings.stage}`,
      createDefaultStage: false,
      // With a custom domain, the API answers there only: links and DNS name one address.
      disableExecuteApiEndpoint: domainName !== undefined,
    });
    const accessLogs = new LogGroup(this, 'api-access-logs', { retention: RetentionDays.ONE_MONTH });
    const stage = new HttpStage(this, 'api-stage', {
      httpApi: api,
      autoDeploy: true,
      throttle: API_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(ACCESS_LOG_FORMAT),
      },
    });
    if (domainName) new ApiMapping(this, 'api-mapping', { api, domainName, stage });
    const integration = new HttpLambdaIntegration('http-function', fn);
    const [publicRoute] = api.addRoutes({ path: '/{proxy+}', methods: [HttpMethod.ANY], integration });
    const [rootRoute] = api.addRoutes({ path: '/', methods: [HttpMethod.ANY], integration });
    for (const route of [publicRoute, rootRoute]) {
      if (!route) continue;
      Validations.of(route).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason:
          'Public reader pages: readers have no account, and every state-changing link carries a signed ' +
          'token checked by the function. The one staff route (POST /api/articles) is IAM-authorised.',
      });
    }
    return api;
  }

  /**
   * The staff ingest function: the API's `POST /api/articles`, IAM-authorised (SigV4). More specific
   * than the readers' `/{proxy+}`, so the route reaches it and only it; a function of its own, so the
   * feed parser and the HTML sanitiser stay out of the readers' cold start.
   */
  private wireIngest() {
    const fn = this.ingestFunction;
    if (!fn) return;
    if (!this.api)
      throw new Error(
        'the ingest function is served by the HTTP API: the registry needs an http-api function',
      );
    this.api.addRoutes({
      path: '/api/articles',
      methods: [HttpMethod.POST],
      integration: new HttpLambdaIntegration('ingest-function', fn),
      authorizer: new HttpIamAuthorizer(),
    });
  }

  /**
   * The staff console's function: the API's `/console` and `/console/{proxy+}` routes (more specific
   * than the reader function's `/{proxy+}`, so they reach it and only it), the staff pool's ids, and
   * what `nashra schedule --stage` needs to keep the digest schedules in EventBridge Scheduler — the
   * stage's schedule group, the digest function, the role schedules run as (passed to Scheduler only)
   * and their dead-letter queue. Its table and mail grants are its registry entry's.
   */
  private wireConsole() {
    const { stateful } = this;
    for (const fn of this.consoleFunctions) {
      const api = this.api;
      if (!api)
        throw new Error(
          'the console function is served by the HTTP API: the registry needs an http-api function',
        );
      const digest = Object.values(this.functions).find((candidate) => candidate.digestTarget);
      if (!digest)
        throw new Error(
          'the console function manages digest schedules: the registry needs a digest function',
        );
      const integration = new HttpLambdaIntegration('console-function', fn);
      const routes = api.addRoutes({ path: '/console/{proxy+}', methods: [HttpMethod.ANY], integration });
      routes.push(...api.addRoutes({ path: '/console', methods: [HttpMethod.ANY], integration }));
      for (const route of routes)
        Validations.of(route).acknowledge({
          id: 'AwsSolutions::AwsSolutions-APIG4',
          reason:
            'The staff console authenticates in its function: every route but sign-in needs a server-side ' +
            "session opened by signing in against the stage's Cognito user pool (tokens verified against " +
            "its JWKS), and every state change the session's CSRF token and the console's own origin.",
        });
      fn.addEnvironment('NASHRA_STAFF_USER_POOL_ID', stateful.staff.pool.userPoolId);
      fn.addEnvironment('NASHRA_STAFF_CLIENT_ID', stateful.staff.consoleClient.userPoolClientId);
      fn.addEnvironment(
        'NASHRA_SCHEDULER',
        Stack.of(this).toJsonString({
          group: stateful.scheduleGroup.scheduleGroupName,
          targetArn: digest.functionArn,
          roleArn: this.schedulerRole.roleArn,
          deadLetterArn: stateful.scheduleDeadLetters.queueArn,
        }),
      );
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: [
            'scheduler:CreateSchedule',
            'scheduler:UpdateSchedule',
            'scheduler:DeleteSchedule',
            'scheduler:GetSchedule',
          ],
          resources: [
            this.formatArn({
              service: 'scheduler',
              resource: 'schedule',
              resourceName: `${stateful.scheduleGroup.scheduleGroupName}/*`,
            }),
          ],
        }),
      );
      // ListSchedules takes no resource: it lists the group the call names. GetAccount (the sending quota
      // the overview shows) is of the account: neither has a resource type to name.
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['scheduler:ListSchedules', 'ses:GetAccount'], resources: ['*'] }),
      );
      if (fn.role) {
        const group = stateful.scheduleGroup.scheduleGroupName;
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:scheduler:${this.region}:${this.account}:schedule/${group}/*]`,
          reason:
            'Staff name their digest schedules at run time, so the console may manage any schedule of this ' +
            "stage's own group, and only of it, as `nashra schedule --stage` does with the staff's credentials.",
        });
        Validations.of(fn.role).acknowledge({
          id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
          reason:
            'scheduler:ListSchedules and ses:GetAccount support no resource-level permission (the Service ' +
            'Authorization Reference lists no resource type for either); the console lists the schedules of its ' +
            "own group to keep them in step, and reads the account's sending quota for the overview.",
        });
      }
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [this.schedulerRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
        }),
      );
    }
  }

  /** AWS asks for a queue visibility timeout of at least 6 × the consuming function's timeout. */
  private checkVisibility(fn: NashraFunction) {
    fn.node.addValidation({
      validate: () => {
        const timeout = fn.timeout?.toSeconds() ?? 3;
        return SEND_QUEUE_VISIBILITY.toSeconds() >= 6 * timeout
          ? []
          : [
              `the send queue's visibility timeout (${SEND_QUEUE_VISIBILITY.toSeconds()} s) is less than 6 × ` +
                `the sender's timeout (${timeout} s): raise SENDER_TIMEOUT's multiple or lower the timeout`,
            ];
      },
    });
  }

  /**
   * The role EventBridge Scheduler assumes for the staff's digest schedules: it may invoke the digest
   * function (added when the registry has one) and put a failed invocation in the schedule DLQ, and
   * only schedules of this stage's group may assume it.
   */
  private buildSchedulerRole(): Role {
    return this.schedulerRoleFor('scheduler-role', this.stateful.scheduleGroup.scheduleGroupName, {
      roleName: `nashra-${this.settings.stage}-digest-scheduler`,
      description: 'Assumed by the digest schedules of this stage to invoke the digest function',
    });
  }

  /**
   * A fixed clock of the stack (EventBridge Scheduler, default group) that invokes `fn`, through a role
   * that may invoke that function only (no `:*` qualifier wildcard, unlike the L2 target's own role).
   */
  private buildClock(fn: NashraFunction, schedule: ScheduleExpression) {
    const { stateful } = this;
    const role = this.schedulerRoleFor(`${fn.node.id}-clock-role`, 'default', {
      description: `Assumed by the clock of ${fn.node.id} to invoke it`,
    });
    role.addToPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
    );
    new Schedule(this, `${fn.node.id}-clock`, {
      description: `Starts ${fn.node.id}`,
      schedule,
      target: {
        bind: () => ({
          arn: fn.functionArn,
          role,
          retryPolicy: {
            maximumRetryAttempts: 2,
            maximumEventAgeInSeconds: Duration.minutes(10).toSeconds(),
          },
          deadLetterConfig: { arn: stateful.scheduleDeadLetters.queueArn },
        }),
      },
    });
  }

  /** A role only EventBridge Scheduler, for schedules of `group` in this account, may assume. */
  private schedulerRoleFor(
    id: string,
    group: string,
    options: { roleName?: string; description: string },
  ): Role {
    const role = new Role(this, id, {
      ...options,
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'scheduler',
              resource: 'schedule',
              resourceName: `${group}/*`,
            }),
          },
        },
      }),
    });
    // Scheduler puts an invocation that failed all its retries in the DLQ with the schedule's role.
    role.addToPolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [this.stateful.scheduleDeadLetters.queueArn],
      }),
    );
    return role;
  }

  /**
   * The alarms, each ringing the encrypted alarm topic, and what each means is in its description
   * (docs/operator.md has the runbook of each). Custom metrics are nashra's own (functions/core/
   * metrics.ts), published by the functions as EMF.
   */
  private buildAlarms(): Alarm[] {
    const { stateful, settings } = this;
    const action = new SnsAction(this.alarmTopic);
    const alarms: Alarm[] = [];
    const alarm = (
      id: string,
      metric: IMetric,
      threshold: number,
      description: string,
      options: { evaluationPeriods?: number } = {},
    ) => {
      const made = new Alarm(this, id, {
        alarmName: `nashra-${settings.stage}-${id}`,
        metric,
        threshold,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      made.addAlarmAction(action);
      alarms.push(made);
      return made;
    };
    const fiveMinutes = Duration.minutes(5);
    const deadLetterQueues: Array<[string, Queue]> = [
      ['send', stateful.sendDeadLetters],
      ['schedule', stateful.scheduleDeadLetters],
      ['stream', stateful.streamDeadLetters],
      ['feedback', stateful.feedbackDeadLetters],
    ];
    for (const [name, queue] of deadLetterQueues) {
      alarm(
        `${name}-dlq-depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
        1,
        `A message is waiting in the ${name} dead-letter queue: \`nashra dlq show ${name} --stage ${settings.stage}\`, fix the cause, then \`nashra dlq redrive ${name}\`.`,
      );
    }
    for (const [name, fn] of Object.entries(this.functions)) {
      alarm(
        `${name}-errors`,
        fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        1,
        `${name} failed at least once in 5 minutes: see its log group.`,
      );
    }
    alarm(
      'lambda-throttles',
      new MathExpression({
        expression: `SUM([${Object.keys(this.functions)
          .map((_, index) => `t${index}`)
          .join(',')}])`,
        usingMetrics: Object.fromEntries(
          Object.values(this.functions).map((fn, index) => [
            `t${index}`,
            fn.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
          ]),
        ),
        period: fiveMinutes,
        label: 'Lambda throttles, all functions',
      }),
      1,
      'Lambda refused to run a function (the account or a reserved concurrency is spent): ask for a higher concurrency limit.',
    );
    // Account-wide reputation, as SES judges it; published at most hourly, so an hour's maximum.
    const reputation = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' });
    alarm(
      'ses-bounce-rate',
      reputation('Reputation.BounceRate'),
      BOUNCE_RATE_ALARM,
      'SES bounce rate ≥ 5 %: SES reviews accounts at 5 % and may pause sending at 10 %.',
    );
    alarm(
      'ses-complaint-rate',
      reputation('Reputation.ComplaintRate'),
      COMPLAINT_RATE_ALARM,
      'SES complaint rate ≥ 0.1 %: SES reviews accounts at 0.1 % and may pause sending at 0.5 %.',
    );
    alarm(
      'mails-failed',
      this.nashraMetric(metricNames.failed, 'Sum', fiveMinutes),
      1,
      'SES refused a mail for good: `nashra issues show ISSUE` lists each failed delivery with its reason.',
    );
    alarm(
      'mails-parked',
      this.nashraMetric(metricNames.parked, 'Sum', fiveMinutes),
      1,
      'SES refuses every mail (daily quota, sending paused, configuration set or MAIL FROM broken): an issue is parked. Fix the cause, then `nashra digest resume ISSUE`.',
    );
    alarm(
      'ses-throttles',
      this.nashraMetric(metricNames.throttled, 'Sum', fiveMinutes),
      SES_THROTTLE_ALARM,
      'SES answered "Maximum sending rate exceeded" again and again: the sendRate setting is above the account\'s rate.',
    );
    alarm(
      'api-server-errors',
      this.nashraMetric(metricNames.apiServerErrors, 'Sum', fiveMinutes),
      1,
      'The HTTP API answered 500: see the http-api and ingest-api log groups ("request failed").',
    );
    alarm(
      'failing-feeds',
      this.nashraMetric(
        metricNames.failingFeeds,
        'Maximum',
        Duration.minutes(Math.max(5, settings.feedPollMinutes)),
      ),
      1,
      `A feed has failed ${settings.feedFailurePolls} polls in a row: the feed-poller log group names it ("feed failing").`,
    );
    alarm(
      'missed-digest-runs',
      this.nashraMetric(metricNames.missedDigestRuns, 'Maximum', Duration.minutes(10)),
      1,
      'A digest schedule did not run when it was due: `nashra schedule sync`, the schedule DLQ and the digest-run log group say why.',
    );
    alarm(
      'send-queue-age',
      stateful.sendQueue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: 'Maximum' }),
      settings.sendQueueAgeAlarmMinutes * 60,
      `A send job has waited ${settings.sendQueueAgeAlarmMinutes} minutes: the senders are stuck or far too slow.`,
    );
    for (const [name, fn] of Object.entries(this.functions).filter(([, fn]) => fn.streamConsumer)) {
      alarm(
        `${name}-iterator-age`,
        fn.metric('IteratorAge', { period: fiveMinutes, statistic: 'Maximum' }),
        STREAM_ITERATOR_AGE_ALARM.toMilliseconds(),
        `The articles stream is ${STREAM_ITERATOR_AGE_ALARM.toMinutes()} minutes behind: alerts are late (records older than 6 hours go to the stream DLQ).`,
      );
    }
    return alarms;
  }

  /** One of nashra's own counts (functions/core/metrics.ts), as the functions of this stage publish it. */
  private nashraMetric(metricName: MetricName, statistic: 'Sum' | 'Maximum', period: Duration): Metric {
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: metricDimensions(this.settings.stage),
      statistic,
      period,
    });
  }

  /** The stage's CloudWatch dashboard: mail, queues, functions, API, feeds, digests, and every alarm. */
  private buildDashboard(alarms: Alarm[]): Dashboard {
    const { stateful } = this;
    const fiveMinutes = Duration.minutes(5);
    const sum = (name: MetricName) => this.nashraMetric(name, 'Sum', fiveMinutes);
    const functions = Object.entries(this.functions);
    const dashboard = new Dashboard(this, 'dashboard', {
      dashboardName: `nashra-${this.settings.stage}`,
      defaultInterval: Duration.days(1),
    });
    dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 4 }));
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Mail',
        left: [sum(metricNames.sent), sum(metricNames.failed), sum(metricNames.parked)],
        right: [sum(metricNames.throttled)],
        width: 8,
      }),
      new GraphWidget({
        title: 'Send queue',
        left: [stateful.sendQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes })],
        right: [stateful.sendQueue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes })],
        width: 8,
      }),
      new GraphWidget({
        title: 'SES reputation',
        left: ['Reputation.BounceRate', 'Reputation.ComplaintRate'].map(
          (metricName) =>
            new Metric({ namespace: 'AWS/SES', metricName, period: Duration.hours(1), statistic: 'Maximum' }),
        ),
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        left: functions.map(([name, fn]) => fn.metricErrors({ period: fiveMinutes, label: name })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Function throttles',
        left: functions.map(([name, fn]) => fn.metricThrottles({ period: fiveMinutes, label: name })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Function duration (p95)',
        left: functions.map(([name, fn]) =>
          fn.metricDuration({ period: fiveMinutes, statistic: 'p95', label: name }),
        ),
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'HTTP API',
        left: [
          ...(this.api
            ? [
                this.api.metricCount({ period: fiveMinutes }),
                this.api.metricClientError({ period: fiveMinutes }),
              ]
            : []),
        ],
        right: [
          sum(metricNames.apiServerErrors),
          ...(this.api ? [this.api.metricServerError({ period: fiveMinutes })] : []),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Feeds, digests, the articles stream',
        left: [
          this.nashraMetric(metricNames.failingFeeds, 'Maximum', fiveMinutes),
          this.nashraMetric(metricNames.missedDigestRuns, 'Maximum', fiveMinutes),
        ],
        right: functions
          .filter(([, fn]) => fn.streamConsumer)
          .map(([name, fn]) =>
            fn.metric('IteratorAge', {
              period: fiveMinutes,
              statistic: 'Maximum',
              label: `${name} iterator age`,
            }),
          ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Dead-letter queues',
        left: (
          [
            ['send', stateful.sendDeadLetters],
            ['schedule', stateful.scheduleDeadLetters],
            ['stream', stateful.streamDeadLetters],
            ['feedback', stateful.feedbackDeadLetters],
          ] as Array<[string, Queue]>
        ).map(([name, queue]) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: fiveMinutes,
            statistic: 'Maximum',
            label: name,
          }),
        ),
        width: 8,
      }),
    );
    return dashboard;
  }

  /**
   * The settings every function runs with and a staff process on the stage takes over, so a test mail
   * or a digest built by `nashra … --stage` is built exactly as the functions build it.
   */
  private sharedSettings(): Record<(typeof sharedSettingNames)[number], string> {
    const { settings } = this;
    const optional = optionalEnvironment(settings);
    return {
      NASHRA_BASE_URL: settings.baseUrl,
      NASHRA_TIME_ZONE: settings.timeZone,
      NASHRA_QUIET_HOURS: settings.quietHours,
      NASHRA_SEND_RATE: String(settings.sendRate),
      NASHRA_SENDER_CONCURRENCY: String(this.sendConcurrency),
      NASHRA_SENDER_TIMEOUT_SECONDS: String(SENDER_TIMEOUT.toSeconds()),
      NASHRA_FROM_ADDRESS: fromHeaderOf(settings),
      NASHRA_UNSUBSCRIBE_MAILTO: settings.unsubscribeMailto ?? `unsubscribe@${settings.domain}`,
      NASHRA_LIST_ID: `nashra.${settings.domain}`,
      NASHRA_SES_CONFIGURATION_SET: this.stateful.configurationSet.configurationSetName,
      NASHRA_FEED_POLL_CRON: feedPollCronOf(settings.feedPollMinutes),
      NASHRA_FEED_FAILURE_POLLS: String(settings.feedFailurePolls),
      NASHRA_DELIVERY_RETENTION_DAYS: String(settings.deliveryRetentionDays),
      ...optional,
    } as Record<(typeof sharedSettingNames)[number], string>;
  }

  /** What staff tools read to reach this stage (`nashra … --stage`): functions/shared/stage-outputs.ts. */
  private outputs() {
    const output = (key: string, description: string, value: string) =>
      new CfnOutput(this, key, { key, description, value });
    const domainName = this.stateful.apiDomainName;
    if (this.api)
      output(
        statelessOutputs.apiUrl,
        'URL of the HTTP API',
        domainName ? `https://${this.settings.apiDomain}/` : this.api.apiEndpoint,
      );
    if (this.api && domainName)
      output(
        optionalStatelessOutputs.apiDomainTarget,
        `The API Gateway name the custom domain's DNS record points at (CNAME ${this.settings.apiDomain})`,
        domainName.regionalDomainName,
      );
    output(
      optionalStatelessOutputs.dashboard,
      'The CloudWatch dashboard of this stage',
      `https://${this.region}.console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${this.dashboard.dashboardName}`,
    );
    const digest = Object.values(this.functions).find((fn) => fn.digestTarget);
    if (digest)
      output(statelessOutputs.digestFunctionArn, 'Target of every digest schedule', digest.functionArn);
    output(
      statelessOutputs.schedulerRoleArn,
      'Role every digest schedule runs as',
      this.schedulerRole.roleArn,
    );
    output(
      statelessOutputs.staffPolicyArn,
      'The managed policy to attach to the staff who run nashra commands with --stage on this stage',
      this.staffPolicy.policy.managedPolicyArn,
    );
    output(
      statelessOutputs.settings,
      'Settings of the functions, which staff tools take over on this stage (JSON)',
      Stack.of(this).toJsonString(this.sharedSettings()),
    );
  }
}
