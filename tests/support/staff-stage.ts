import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { inject } from 'vitest';
import { createStaffPool } from '../../functions/adapters/cognito-staff';
import { dynamoClientWith } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/table-admin';
import { startCognitoLocal } from '../../functions/local/cognito-local';
import type { RunningService } from '../../functions/local/emulators';
import {
  stackNamesOf,
  statefulOutputs,
  statelessOutputs,
  tableOutputKey,
} from '../../functions/shared/stage-outputs';
import { allTableNames, type TableNames, tableNamesFor } from '../../functions/shared/tables';
import { startCloudFormationStandIn } from './aws-stand-ins/cloudformation';
import { jsonAnswer, serveStandIn } from './aws-stand-ins/http-stand-in';

export interface StaffStage {
  stage: string;
  tables: TableNames;
  userPoolId: string;
  clientId: string;
  /** What a staff member's terminal holds to reach the stage: region, credentials, the endpoints. */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

const account = '111111111111';
const region = 'eu-west-1';

/**
 * A deployed stage on loopback, as `nashra … --stage` finds one: both stacks' outputs served by the
 * CloudFormation stand-in, the stage's tables in the run's DynamoDB emulator, its link-signing key
 * behind a Secrets Manager GetSecretValue stand-in, and cognito-local as the stage's Cognito, with
 * the staff pool and the console's app client made as the stack makes them.
 */
export async function openStaffStage(): Promise<StaffStage> {
  const stage = `t${randomBytes(3).toString('hex')}`;
  const tables = tableNamesFor(`nashra-${stage}-`);
  const dynamodb = dynamoClientWith({
    region,
    endpoint: inject('dynamodbUrl'),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 3,
  });
  await ensureTables(dynamodb, tables);
  dynamodb.destroy();

  const started: RunningService[] = [];
  const cognito = await startCognitoLocal({ home: mkdtempSync(join(tmpdir(), 'nashra-stage-')), port: 0 });
  started.push(cognito);
  const client = new CognitoIdentityProviderClient({
    region,
    endpoint: cognito.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const pool = await createStaffPool(client, { name: `nashra-${stage}-staff`, mfa: 'OFF' });
  client.destroy();

  const secretArn = `arn:aws:secretsmanager:${region}:${account}:secret:nashra-${stage}-link-signing-key`;
  const secrets = await serveStandIn((request) => {
    const input = JSON.parse(request.body.toString('utf8') || '{}') as { SecretId?: string };
    if (input.SecretId !== secretArn)
      return jsonAnswer(400, {
        __type: 'ResourceNotFoundException',
        message: 'Secrets Manager can’t find the specified secret.',
      });
    return jsonAnswer(200, {
      ARN: secretArn,
      Name: `nashra-${stage}-link-signing-key`,
      SecretString: 's'.repeat(64),
    });
  });
  started.push(secrets);

  const names = stackNamesOf(stage);
  const queue = (name: string) => `https://sqs.${region}.amazonaws.com/${account}/nashra-${stage}-${name}`;
  const cloudformation = await startCloudFormationStandIn({
    region,
    account,
    stacks: {
      [names.stateful]: {
        outputs: {
          ...Object.fromEntries(allTableNames.map((table) => [tableOutputKey(table), tables[table]])),
          [statefulOutputs.sendQueueUrl]: queue('send'),
          [statefulOutputs.sendDeadLetterQueueUrl]: queue('send-dlq'),
          [statefulOutputs.scheduleDeadLetterQueueUrl]: queue('schedule-dlq'),
          [statefulOutputs.scheduleDeadLetterQueueArn]: `arn:aws:sqs:${region}:${account}:nashra-${stage}-schedule-dlq`,
          [statefulOutputs.streamDeadLetterQueueUrl]: queue('stream-dlq'),
          [statefulOutputs.feedbackDeadLetterQueueUrl]: queue('feedback-dlq'),
          [statefulOutputs.scheduleGroup]: `nashra-${stage}`,
          [statefulOutputs.linkSigningKeySecretArn]: secretArn,
          [statefulOutputs.configurationSet]: `nashra-${stage}`,
          [statefulOutputs.sendingDomain]: 'news.example.org',
          [statefulOutputs.staffUserPoolId]: pool.userPoolId,
          [statefulOutputs.staffClientId]: pool.clientId,
        },
      },
      [names.stateless]: {
        outputs: {
          [statelessOutputs.apiUrl]: `https://api-${stage}.example.org`,
          [statelessOutputs.digestFunctionArn]: `arn:aws:lambda:${region}:${account}:function:nashra-${stage}-digest-run`,
          [statelessOutputs.schedulerRoleArn]: `arn:aws:iam::${account}:role/nashra-${stage}-digest-scheduler`,
          [statelessOutputs.settings]: JSON.stringify({
            NASHRA_BASE_URL: 'https://news.example.org',
            NASHRA_TIME_ZONE: 'Asia/Baghdad',
          }),
        },
      },
    },
  });
  started.push(cloudformation);

  return {
    stage,
    tables,
    ...pool,
    env: {
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation.url,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
      AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbUrl'),
      AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.url,
    },
    close: async () => {
      for (const service of started.reverse()) await service.close();
    },
  };
}
