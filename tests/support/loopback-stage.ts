import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { documentClient, dynamoClientWith } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/table-admin';
import { closeServer, type RunningService, serverUrl } from '../../functions/local/emulators';
import { startServiceTap, type TappedRequest } from '../../functions/local/service-tap';
import {
  stackNamesOf,
  statefulOutputs,
  statelessOutputs,
  tableOutputKey,
} from '../../functions/shared/stage-outputs';
import { allTableNames, type TableNames, tableNamesFor } from '../../functions/shared/tables';
import { startCloudFormationStandIn } from './aws-stand-ins/cloudformation';
import { type SchedulerStandIn, startSchedulerStandIn } from './aws-stand-ins/scheduler';
import { startSecretsManagerStandIn } from './aws-stand-ins/secrets-manager';
import { startSesAccountStandIn } from './aws-stand-ins/sesv2';
import { type SqsStandIn, startSqsStandIn } from './aws-stand-ins/sqs';

/** One AWS API call a staff process made: the IAM action it needs and the resource it touched. */
export interface AwsCall {
  /** `dynamodb:PutItem`, `sqs:SendMessage`, … — the action as IAM names it. */
  action: string;
  /** What it touched, in the stage's own words: `table:subscribers`, `queue:send`, `stack:stateful`, … */
  resource: string;
}

export interface LoopbackStage {
  name: string;
  region: string;
  account: string;
  tables: TableNames;
  /** The environment a staff member's shell would have: credentials, region, every endpoint. */
  env: NodeJS.ProcessEnv;
  /** Every call made to the stage's services, in order. */
  calls: AwsCall[];
  scheduler: SchedulerStandIn;
  sqs: SqsStandIn;
  /** The stage's tables, for assertions (not recorded as a staff process's calls). */
  db: DynamoDBDocumentClient;
  scheduleGroup: string;
  digestFunctionArn: string;
  schedulerRoleArn: string;
  scheduleDeadLetterArn: string;
  apiUrl: string;
  close(): Promise<void>;
}

const account = '111111111111';
const region = 'eu-west-1';

/**
 * A deployed stage stood up on loopback, apart from local mode: its tables (in the run's DynamoDB
 * emulator, under the stage's names), SES (the run's emulator), and stand-ins for SQS, EventBridge
 * Scheduler, CloudFormation (serving the stacks' outputs exactly as the CDK stacks name them), Secrets
 * Manager, SES v2 and the API's `/health`. Every call reaches the stage through a recorder, so a test
 * can say which AWS actions each staff command made.
 */
export async function standUpStage(): Promise<LoopbackStage> {
  const name = `s${randomBytes(4).toString('hex')}`;
  const tables = tableNamesFor(`nashra-${name}-`);
  const calls: AwsCall[] = [];
  const closers: Array<() => Promise<void>> = [];
  const behind = async (upstream: string, service: string): Promise<string> => {
    const tap = await startServiceTap({
      port: 0,
      upstream,
      tap: async (request, forward) => {
        calls.push(...callsOf(service, request, name));
        return forward();
      },
    });
    closers.push(tap.close);
    return tap.url;
  };

  const raw = dynamoClientWith({
    region,
    endpoint: inject('dynamodbUrl'),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  await ensureTables(raw, tables);

  const queues = ['send', 'send-dlq', 'schedule-dlq', 'stream-dlq', 'feedback-dlq'].map(
    (q) => `nashra-${name}-${q}`,
  );
  const sqs = await startSqsStandIn(queues, account);
  const scheduleGroup = `nashra-${name}`;
  const scheduler = await startSchedulerStandIn({ groups: [scheduleGroup], region, account });
  const secretArn = `arn:aws:secretsmanager:${region}:${account}:secret:nashra-${name}-link-signing-key-Ab12Cd`;
  const secrets = await startSecretsManagerStandIn({ [secretArn]: randomBytes(48).toString('base64url') });
  const sesAccount = await startSesAccountStandIn({
    productionAccess: false,
    identities: ['news.example.org'],
  });
  const api = await startHealth();
  closers.push(sqs.close, scheduler.close, secrets.close, sesAccount.close, api.close);

  const digestFunctionArn = `arn:aws:lambda:${region}:${account}:function:nashra-${name}-digest-run`;
  const schedulerRoleArn = `arn:aws:iam::${account}:role/nashra-${name}-digest-scheduler`;
  const scheduleDeadLetterArn = `arn:aws:sqs:${region}:${account}:nashra-${name}-schedule-dlq`;
  const stacks = stackNamesOf(name);
  const cloudformation = await startCloudFormationStandIn({
    region,
    account,
    stacks: {
      [stacks.stateful]: {
        status: 'UPDATE_COMPLETE',
        outputs: {
          ...Object.fromEntries(allTableNames.map((table) => [tableOutputKey(table), tables[table]])),
          [statefulOutputs.sendQueueUrl]: sqs.queueUrl(`nashra-${name}-send`),
          [statefulOutputs.sendDeadLetterQueueUrl]: sqs.queueUrl(`nashra-${name}-send-dlq`),
          [statefulOutputs.scheduleDeadLetterQueueUrl]: sqs.queueUrl(`nashra-${name}-schedule-dlq`),
          [statefulOutputs.scheduleDeadLetterQueueArn]: scheduleDeadLetterArn,
          [statefulOutputs.streamDeadLetterQueueUrl]: sqs.queueUrl(`nashra-${name}-stream-dlq`),
          [statefulOutputs.feedbackDeadLetterQueueUrl]: sqs.queueUrl(`nashra-${name}-feedback-dlq`),
          [statefulOutputs.scheduleGroup]: scheduleGroup,
          [statefulOutputs.linkSigningKeySecretArn]: secretArn,
          [statefulOutputs.configurationSet]: 'nashra',
          [statefulOutputs.sendingDomain]: 'news.example.org',
          // The staff console's pool: staff commands never call it (tests/cli/staff-cli.test.ts does).
          [statefulOutputs.staffUserPoolId]: 'eu-west-1_LoopbackPool',
          [statefulOutputs.staffClientId]: 'loopbackclient1',
        },
      },
      [stacks.stateless]: {
        status: 'UPDATE_COMPLETE',
        outputs: {
          [statelessOutputs.apiUrl]: api.url,
          [statelessOutputs.digestFunctionArn]: digestFunctionArn,
          [statelessOutputs.schedulerRoleArn]: schedulerRoleArn,
          [statelessOutputs.settings]: JSON.stringify({
            NASHRA_BASE_URL: api.url,
            NASHRA_TIME_ZONE: 'Asia/Baghdad',
            NASHRA_QUIET_HOURS: 'off',
            NASHRA_SEND_RATE: '14',
            NASHRA_SENDER_CONCURRENCY: '2',
            NASHRA_SENDER_TIMEOUT_SECONDS: '60',
            NASHRA_FROM_ADDRESS: 'ICSSI نشرة <bulletin@news.example.org>',
            NASHRA_UNSUBSCRIBE_MAILTO: 'unsubscribe@news.example.org',
            NASHRA_LIST_ID: 'nashra.news.example.org',
            NASHRA_SES_CONFIGURATION_SET: 'nashra',
            NASHRA_FEED_POLL_CRON: '*/15 * * * *',
          }),
        },
      },
    },
  });
  closers.push(cloudformation.close);

  const env: NodeJS.ProcessEnv = {
    AWS_ACCESS_KEY_ID: 'AKIASTAFFMEMBER00001',
    AWS_SECRET_ACCESS_KEY: 'staff-secret',
    AWS_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_CLOUDFORMATION: await behind(cloudformation.url, 'cloudformation'),
    AWS_ENDPOINT_URL_DYNAMODB: await behind(inject('dynamodbUrl'), 'dynamodb'),
    AWS_ENDPOINT_URL_SES: await behind(inject('sesUrl'), 'ses'),
    AWS_ENDPOINT_URL_SESV2: await behind(sesAccount.url, 'sesv2'),
    AWS_ENDPOINT_URL_SQS: await behind(sqs.url, 'sqs'),
    AWS_ENDPOINT_URL_SCHEDULER: await behind(scheduler.url, 'scheduler'),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: await behind(secrets.url, 'secretsmanager'),
  };
  return {
    name,
    region,
    account,
    tables,
    env,
    calls,
    scheduler,
    sqs,
    db: documentClient(raw),
    scheduleGroup,
    digestFunctionArn,
    schedulerRoleArn,
    scheduleDeadLetterArn,
    apiUrl: api.url,
    close: async () => {
      for (const close of closers.reverse()) await close();
      raw.destroy();
    },
  };
}

async function startHealth(): Promise<RunningService> {
  const server: Server = createServer((request, response) =>
    request.url === '/health'
      ? response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')
      : response.writeHead(404).end(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { url: serverUrl(server), close: () => closeServer(server) };
}

/** The stage's own name for a physical resource: `nashra-<stage>-subscribers` → `subscribers`. */
const local = (stage: string, physical: string) => physical.replace(`nashra-${stage}-`, '');

/** The IAM actions and resources one request to a service needs. */
function callsOf(service: string, request: TappedRequest, stage: string): AwsCall[] {
  const text = request.body.toString('utf8');
  const target = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
  switch (service) {
    case 'dynamodb': {
      const input = JSON.parse(text || '{}') as {
        TableName?: string;
        IndexName?: string;
        RequestItems?: Record<string, unknown>;
      };
      const tablesTouched = input.RequestItems ? Object.keys(input.RequestItems) : [input.TableName ?? ''];
      return tablesTouched.map((table) => ({
        action: `dynamodb:${target}`,
        resource: `table:${local(stage, table)}${input.IndexName ? `/index/${input.IndexName}` : ''}`,
      }));
    }
    case 'sqs': {
      const input = JSON.parse(text || '{}') as { QueueUrl?: string };
      // SendMessageBatch is authorised as sqs:SendMessage (the SQS API reference, "Permissions").
      const action = target === 'SendMessageBatch' ? 'SendMessage' : target;
      return [
        {
          action: `sqs:${action}`,
          resource: `queue:${local(stage, input.QueueUrl?.split('/').pop() ?? '')}`,
        },
      ];
    }
    case 'secretsmanager':
      return [{ action: `secretsmanager:${target}`, resource: 'secret:link-signing-key' }];
    case 'ses':
    case 'cloudformation': {
      const form = new URLSearchParams(text);
      const stack = form.get('StackName');
      return [
        {
          action: `${service}:${form.get('Action')}`,
          resource: stack ? `stack:${local(stage, stack)}` : 'identity',
        },
      ];
    }
    case 'sesv2': {
      const { pathname } = new URL(request.path, 'http://ses.local');
      return pathname === '/v2/email/account'
        ? [{ action: 'ses:GetAccount', resource: 'account' }]
        : [{ action: 'ses:GetEmailIdentity', resource: 'identity' }];
    }
    case 'scheduler': {
      const { pathname } = new URL(request.path, 'http://scheduler.local');
      if (pathname.startsWith('/schedule-groups/'))
        return [{ action: 'scheduler:GetScheduleGroup', resource: 'schedule-group' }];
      if (pathname === '/schedules') return [{ action: 'scheduler:ListSchedules', resource: 'schedules' }];
      const operation = (
        {
          POST: 'CreateSchedule',
          PUT: 'UpdateSchedule',
          GET: 'GetSchedule',
          DELETE: 'DeleteSchedule',
        } as Record<string, string>
      )[request.method];
      const made = [{ action: `scheduler:${operation}`, resource: 'schedule' }];
      // Creating or updating a schedule hands it the scheduler role: iam:PassRole on that role.
      return operation === 'CreateSchedule' || operation === 'UpdateSchedule'
        ? [...made, { action: 'iam:PassRole', resource: 'scheduler-role' }]
        : made;
    }
  }
  return [{ action: `${service}:unknown`, resource: request.path }];
}
