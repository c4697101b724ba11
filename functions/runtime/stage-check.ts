import type { AwsClientOptions } from '../adapters/aws-client-options';
import { dynamoClientWith } from '../adapters/dynamodb/client';
import { describeTable } from '../adapters/dynamodb/table-admin';
import { describeScheduleGroup, schedulerClientWith } from '../adapters/scheduler';
import { createSecretsClient, describeSecret } from '../adapters/secrets';
import { createSesAccountClient, readSendingAccount, readSendingIdentity } from '../adapters/ses-account';
import { queueDepth, sqsClientWith } from '../adapters/sqs-queue';
import { stackNamesOf, statefulOutputs, statelessOutputs, tableOutputKey } from '../shared/stage-outputs';
import { allTableNames } from '../shared/tables';
import { missingOutputs, readStageStacks, reasonOf, type StageStacks, stageClientTimeouts } from './stage';

/** One line of the pre-flight: `ok`, `warning` (works, but look), `missing` or `error` (it will not work). */
export interface StageFinding {
  check: string;
  status: 'ok' | 'warning' | 'missing' | 'error';
  detail: string;
}

export interface StageCheckReport {
  stage: string;
  region: string;
  /** False when anything is missing or failing: the stage cannot do its work until it is fixed. */
  ready: boolean;
  findings: StageFinding[];
}

/**
 * `nashra stage check`: what a stage has and lacks, found with the staff member's own credentials:
 * both stacks and their outputs, each table, the send queue and its dead-letter queue's depths, the
 * scheduler group and its schedules, the SES identity (verified, DKIM), sandbox or production access
 * with the quota and rate, the link-signing key's secret (whether it exists, never its value), and
 * the API answering `/health`. Every check runs even when others fail; each says why in words.
 */
export async function checkStage(stage: string, env: NodeJS.ProcessEnv): Promise<StageCheckReport> {
  const stacks = await readStageStacks(stage, env);
  const findings: StageFinding[] = [...stackFindings(stacks)];
  const options = (endpoint: string | undefined): AwsClientOptions => ({
    region: stacks.region,
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: stageClientTimeouts.connectMs,
      requestTimeout: stageClientTimeouts.requestMs,
    },
  });
  const stateful = stacks.stateful?.outputs ?? {};
  const stateless = stacks.stateless?.outputs ?? {};
  const dynamodb = dynamoClientWith(options(env.AWS_ENDPOINT_URL_DYNAMODB));
  const sqs = sqsClientWith(options(env.AWS_ENDPOINT_URL_SQS));
  const scheduler = schedulerClientWith(options(env.AWS_ENDPOINT_URL_SCHEDULER));
  const ses = createSesAccountClient(options(env.AWS_ENDPOINT_URL_SESV2));
  const secrets = createSecretsClient(options(env.AWS_ENDPOINT_URL_SECRETS_MANAGER));
  try {
    const probes: Array<Promise<StageFinding[]>> = [
      ...allTableNames.map((table) =>
        probe(`table ${table}`, stateful[tableOutputKey(table)], async (name) => {
          const found = await describeTable(dynamodb, name);
          if (!found) return [{ status: 'missing', detail: `${name} does not exist` }];
          const count = found.itemCount === undefined ? '' : `, about ${found.itemCount} items`;
          return [
            {
              status: found.status === 'ACTIVE' ? 'ok' : 'warning',
              detail: `${name}, ${found.status}${count}`,
            },
          ];
        }),
      ),
      probe('send queue', stateful[statefulOutputs.sendQueueUrl], async (url) => {
        const depth = await queueDepth(sqs, url);
        return [{ status: 'ok', detail: `${depth.waiting} waiting, ${depth.inFlight} being sent` }];
      }),
      probe('send dead-letter queue', stateful[statefulOutputs.sendDeadLetterQueueUrl], async (url) => {
        const depth = await queueDepth(sqs, url);
        const held = depth.waiting + depth.inFlight;
        return [
          held === 0
            ? { status: 'ok', detail: 'empty' }
            : {
                status: 'warning',
                detail: `${held} send jobs failed every try: read them before they expire`,
              },
        ];
      }),
      probe('scheduler group', stateful[statefulOutputs.scheduleGroup], async (group) => {
        const found = await describeScheduleGroup(scheduler, group);
        if (!found) return [{ status: 'missing', detail: `${group} does not exist` }];
        return [
          {
            status: found.state === 'ACTIVE' ? 'ok' : 'warning',
            detail: `${group}, ${found.state}, ${found.schedules} digest schedule${found.schedules === 1 ? '' : 's'}`,
          },
        ];
      }),
      probe('SES identity', stateful[statefulOutputs.sendingDomain], async (domain) => {
        const found = await readSendingIdentity(ses, domain);
        if (!found) return [{ status: 'missing', detail: `SES does not know ${domain}` }];
        const dkimOk = found.dkim === 'SUCCESS';
        return [
          {
            status: found.verified && dkimOk ? 'ok' : 'error',
            detail: `${domain}: ${found.verified ? 'verified' : 'not verified (publish the DNS records of the stateful stack)'}, DKIM ${found.dkim}`,
          },
        ];
      }),
      probe('SES account', 'this account', async () => {
        const account = await readSendingAccount(ses);
        const quota = `${account.max24HourSend} a day at ${account.maxSendRate}/s, ${account.sentLast24Hours} sent in the last 24 hours`;
        if (!account.sendingEnabled)
          return [{ status: 'error', detail: `sending is paused for the account (${quota})` }];
        return [
          account.productionAccess
            ? { status: 'ok', detail: `production access, ${quota}` }
            : {
                status: 'warning',
                detail: `sandbox: mail reaches verified addresses only (${quota}); request production access before the first real send`,
              },
        ];
      }),
      probe('link-signing key', stateful[statefulOutputs.linkSigningKeySecretArn], async (arn) => {
        const found = await describeSecret(secrets, arn);
        if (!found) return [{ status: 'missing', detail: 'the secret does not exist' }];
        return [
          { status: 'ok', detail: `exists${found.lastChanged ? `, last changed ${found.lastChanged}` : ''}` },
        ];
      }),
      probe('API', stateless[statelessOutputs.apiUrl], async (url) => {
        const health = `${url.replace(/\/$/, '')}/health`;
        const response = await fetch(health, { signal: AbortSignal.timeout(stageClientTimeouts.requestMs) });
        return [
          response.ok
            ? { status: 'ok', detail: `${health} answered ${response.status}` }
            : { status: 'error', detail: `${health} answered ${response.status}` },
        ];
      }),
    ];
    for (const found of await Promise.all(probes)) findings.push(...found);
  } finally {
    for (const client of [dynamodb, sqs, scheduler, ses, secrets]) client.destroy();
  }
  return {
    stage,
    region: stacks.region,
    ready: findings.every((finding) => finding.status === 'ok' || finding.status === 'warning'),
    findings,
  };

  /** Runs one check on an output's value: missing when the output is, an error in words when AWS refuses. */
  async function probe(
    check: string,
    value: string | undefined,
    run: (value: string) => Promise<Array<Omit<StageFinding, 'check'>>>,
  ): Promise<StageFinding[]> {
    if (value === undefined) return [{ check, status: 'missing', detail: 'its stack output is missing' }];
    try {
      return (await run(value)).map((finding) => ({ check, ...finding }));
    } catch (error) {
      return [{ check, status: 'error', detail: `could not check: ${reasonOf(error as Error)}` }];
    }
  }
}

function stackFindings(stacks: StageStacks): StageFinding[] {
  const names = stackNamesOf(stacks.stage);
  const missing = missingOutputs(stacks);
  return (['stateful', 'stateless'] as const).map((kind) => {
    const stack = stacks[kind];
    const check = `stack ${names[kind]}`;
    if (!stack) return { check, status: 'missing', detail: 'not deployed in this account and region' };
    const lacking = missing.filter((key) => !key.startsWith('stack '));
    const own = lacking.filter((key) => isOutputOf(kind, key));
    const healthy = /_COMPLETE$/.test(stack.status) && !/ROLLBACK|DELETE/.test(stack.status);
    if (own.length > 0)
      return { check, status: 'missing', detail: `${stack.status}; lacks outputs ${own.join(', ')}` };
    return {
      check,
      status: healthy ? 'ok' : 'error',
      detail: `${stack.status}, ${Object.keys(stack.outputs).length} outputs`,
    };
  });
}

function isOutputOf(kind: 'stateful' | 'stateless', key: string): boolean {
  const keys: string[] =
    kind === 'stateful'
      ? [...allTableNames.map(tableOutputKey), ...Object.values(statefulOutputs)]
      : Object.values(statelessOutputs);
  return keys.includes(key);
}
