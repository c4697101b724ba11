import { allTableNames, type TableName } from './tables';

/**
 * The CloudFormation outputs through which staff tools find a deployed stage (`nashra … --stage`).
 * The stacks write them under these keys (infra/stacks) and functions/runtime/stage.ts reads them:
 * one list, so the two never drift apart.
 */

/** The two stacks of a stage. */
export const stackNamesOf = (stage: string) => ({
  stateful: `nashra-${stage}-stateful`,
  stateless: `nashra-${stage}-stateless`,
});

/** The output key of a table's physical name: `ArticlesTable`, `SubscribersTable`, … */
export const tableOutputKey = (table: TableName) => `${table[0]?.toUpperCase()}${table.slice(1)}Table`;

/** Outputs of the stateful stack (the data and queues that outlive every deploy). */
export const statefulOutputs = {
  sendQueueUrl: 'SendQueueUrl',
  sendDeadLetterQueueUrl: 'SendDeadLetterQueueUrl',
  scheduleDeadLetterQueueUrl: 'ScheduleDeadLetterQueueUrl',
  scheduleDeadLetterQueueArn: 'ScheduleDeadLetterQueueArn',
  streamDeadLetterQueueUrl: 'StreamDeadLetterQueueUrl',
  feedbackDeadLetterQueueUrl: 'FeedbackDeadLetterQueueUrl',
  scheduleGroup: 'ScheduleGroup',
  linkSigningKeySecretArn: 'LinkSigningKeySecretArn',
  configurationSet: 'ConfigurationSet',
  sendingDomain: 'SendingDomain',
  /** The staff's Cognito user pool (the console's sign-in, `nashra staff`), and its console app client. */
  staffUserPoolId: 'StaffUserPoolId',
  staffClientId: 'StaffUserPoolClientId',
} as const;

/** Outputs of the stateless stack (the code and its wiring). */
export const statelessOutputs = {
  apiUrl: 'ApiUrl',
  digestFunctionArn: 'DigestFunctionArn',
  schedulerRoleArn: 'SchedulerRoleArn',
  /** Not needed to reach the stage: what an operator attaches to a colleague (see the operator docs). */
  staffPolicyArn: 'StaffPolicyArn',
  /** The settings every function is configured with, as a JSON object of NASHRA_* variables. */
  settings: 'Settings',
} as const;

/**
 * Outputs of the stateless stack that only some stages have: with a custom domain for the API, the
 * API Gateway name its DNS record points at.
 */
export const optionalStatelessOutputs = {
  apiDomainTarget: 'ApiDomainTarget',
  dashboard: 'Dashboard',
} as const;

/** Every output key the stateful stack must have. */
export const requiredStatefulKeys = [...allTableNames.map(tableOutputKey), ...Object.values(statefulOutputs)];

/** Every output key the stateless stack must have for a staff process to reach the stage. */
export const requiredStatelessKeys = Object.values(statelessOutputs).filter(
  (key) => key !== statelessOutputs.staffPolicyArn,
);

/** The settings of the functions a staff process on the stage takes over (the Settings output). */
export const sharedSettingNames = [
  'NASHRA_BASE_URL',
  'NASHRA_TIME_ZONE',
  'NASHRA_QUIET_HOURS',
  'NASHRA_SEND_RATE',
  'NASHRA_SENDER_CONCURRENCY',
  'NASHRA_SENDER_TIMEOUT_SECONDS',
  'NASHRA_FROM_ADDRESS',
  'NASHRA_UNSUBSCRIBE_MAILTO',
  'NASHRA_LIST_ID',
  'NASHRA_SES_CONFIGURATION_SET',
  'NASHRA_TOPIC_MAP',
  'NASHRA_URGENT_CATEGORY',
  'NASHRA_SITES',
  'NASHRA_FEED_POLL_CRON',
  'NASHRA_FEED_FAILURE_POLLS',
  'NASHRA_DELIVERY_RETENTION_DAYS',
] as const;
