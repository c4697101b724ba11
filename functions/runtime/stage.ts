import { createCloudFormationClient, readStackOutputs } from '../adapters/cloudformation-stacks';
import { createSecretsClient, readSecretString, SecretsManagerKeyringStore } from '../adapters/secrets';
import type { KeyringStore } from '../core/keys';
import { type Config, DEFAULT_TIME_ZONE, loadConfig } from '../shared/config';
import {
  requiredStatefulKeys,
  requiredStatelessKeys,
  sharedSettingNames,
  stackNamesOf,
  statefulOutputs,
  statelessOutputs,
  tableOutputKey,
} from '../shared/stage-outputs';
import { allTableNames, type TableNames } from '../shared/tables';

/** A staff process gives up on an AWS endpoint after this long: an unreachable stage is said at once. */
export const stageClientTimeouts = { connectMs: 3000, requestMs: 10_000 };

export class StageError extends Error {
  override name = 'StageError';
}

/** What the two stacks of a stage said, as they said it: a stack is absent when it does not exist. */
export interface StageStacks {
  stage: string;
  region: string;
  stateful?: { name: string; status: string; outputs: Record<string, string> };
  stateless?: { name: string; status: string; outputs: Record<string, string> };
}

/** Everything a staff process needs to find of a stage, read from its stacks' outputs. */
export interface StageResources {
  stage: string;
  region: string;
  tables: TableNames;
  sendQueueUrl: string;
  deadLetterQueues: { send: string; schedule: string; stream: string; feedback: string };
  scheduleGroup: string;
  scheduleDeadLetterArn: string;
  schedulerRoleArn: string;
  digestFunctionArn: string;
  apiUrl: string;
  linkSigningKeySecretArn: string;
  configurationSet: string;
  sendingDomain: string;
  /** The staff's user pool and the console's app client. */
  staffUserPoolId: string;
  staffClientId: string;
  /** The NASHRA_* settings every function of the stage runs with. */
  settings: Record<string, string>;
}

/** The endpoints a staff process uses in place of AWS's (`AWS_ENDPOINT_URL_<SERVICE>`), from its environment. */
function endpointSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('AWS_ENDPOINT_URL_') && Boolean(entry[1]),
    ),
  );
}

/**
 * Reads both stacks of a stage with the staff member's own credentials (the SDK's default chain, so
 * `AWS_PROFILE` works) in the region of `AWS_REGION` or the profile. Fails within seconds, in words
 * naming the stage, when CloudFormation cannot be reached or the credentials are refused.
 */
export async function readStageStacks(stage: string, env: NodeJS.ProcessEnv): Promise<StageStacks> {
  const client = createCloudFormationClient({
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(env.AWS_ENDPOINT_URL_CLOUDFORMATION ? { endpoint: env.AWS_ENDPOINT_URL_CLOUDFORMATION } : {}),
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: stageClientTimeouts.connectMs,
      requestTimeout: stageClientTimeouts.requestMs,
    },
  });
  try {
    const region = await client.config.region().catch(() => {
      throw new StageError(
        `cannot reach stage "${stage}": no AWS region (set AWS_REGION or a profile with a region)`,
      );
    });
    const names = stackNamesOf(stage);
    const [stateful, stateless] = await Promise.all([
      readStackOutputs(client, names.stateful),
      readStackOutputs(client, names.stateless),
    ]).catch((error: Error) => {
      if (error.name === 'CredentialsProviderError')
        throw new StageError(
          `cannot reach stage "${stage}": no AWS credentials were found (set AWS_PROFILE, or sign in with \`aws sso login\`)`,
        );
      const where = `CloudFormation in ${region}${env.AWS_ENDPOINT_URL_CLOUDFORMATION ? ` at ${env.AWS_ENDPOINT_URL_CLOUDFORMATION}` : ''}`;
      throw new StageError(`cannot reach stage "${stage}": ${where} answered ${reasonOf(error)}`);
    });
    return {
      stage,
      region,
      ...(stateful ? { stateful: { name: names.stateful, ...stateful } } : {}),
      ...(stateless ? { stateless: { name: names.stateless, ...stateless } } : {}),
    };
  } finally {
    client.destroy();
  }
}

/** An SDK failure in a few words: its code and message, or what the network said. */
export function reasonOf(error: Error): string {
  const code = (error as { code?: string }).code;
  if (error.name === 'CredentialsProviderError') return 'that no AWS credentials were found';
  if (code && /^E[A-Z]+$/.test(code)) return `nothing (${code})`;
  if (error.name === 'TimeoutError' || /timed? ?out/i.test(error.message)) return 'nothing within seconds';
  return `${error.name}: ${error.message}`;
}

/** The output keys a stage's stacks lack (a stack that does not exist lacks them all). */
export function missingOutputs(stacks: StageStacks): string[] {
  const names = stackNamesOf(stacks.stage);
  const missing: string[] = [];
  const { stateful, stateless } = stacks;
  if (!stateful) missing.push(`stack ${names.stateful}`);
  else missing.push(...requiredStatefulKeys.filter((key) => !(key in stateful.outputs)));
  if (!stateless) missing.push(`stack ${names.stateless}`);
  else missing.push(...requiredStatelessKeys.filter((key) => !(key in stateless.outputs)));
  return missing;
}

/** The stage's resources, or a StageError naming every output that is missing. */
export function stageResources(stacks: StageStacks): StageResources {
  const missing = missingOutputs(stacks);
  if (missing.length > 0)
    throw new StageError(
      `stage "${stacks.stage}" in ${stacks.region} is not complete: missing ${missing.join(', ')} (deploy it, or see \`nashra stage check --stage ${stacks.stage}\`)`,
    );
  const stateful = stacks.stateful?.outputs ?? {};
  const stateless = stacks.stateless?.outputs ?? {};
  const of = (outputs: Record<string, string>, key: string) => outputs[key] as string;
  let settings: Record<string, string>;
  try {
    settings = JSON.parse(of(stateless, statelessOutputs.settings)) as Record<string, string>;
  } catch {
    throw new StageError(`stage "${stacks.stage}": its Settings output is not JSON`);
  }
  return {
    stage: stacks.stage,
    region: stacks.region,
    tables: Object.fromEntries(
      allTableNames.map((table) => [table, of(stateful, tableOutputKey(table))]),
    ) as TableNames,
    sendQueueUrl: of(stateful, statefulOutputs.sendQueueUrl),
    deadLetterQueues: {
      send: of(stateful, statefulOutputs.sendDeadLetterQueueUrl),
      schedule: of(stateful, statefulOutputs.scheduleDeadLetterQueueUrl),
      stream: of(stateful, statefulOutputs.streamDeadLetterQueueUrl),
      feedback: of(stateful, statefulOutputs.feedbackDeadLetterQueueUrl),
    },
    scheduleGroup: of(stateful, statefulOutputs.scheduleGroup),
    scheduleDeadLetterArn: of(stateful, statefulOutputs.scheduleDeadLetterQueueArn),
    schedulerRoleArn: of(stateless, statelessOutputs.schedulerRoleArn),
    digestFunctionArn: of(stateless, statelessOutputs.digestFunctionArn),
    apiUrl: of(stateless, statelessOutputs.apiUrl),
    linkSigningKeySecretArn: of(stateful, statefulOutputs.linkSigningKeySecretArn),
    configurationSet: of(stateful, statefulOutputs.configurationSet),
    sendingDomain: of(stateful, statefulOutputs.sendingDomain),
    staffUserPoolId: of(stateful, statefulOutputs.staffUserPoolId),
    staffClientId: of(stateful, statefulOutputs.staffClientId),
    settings,
  };
}

/**
 * The configuration of a staff process on a stage: the functions' own settings (so a test mail is
 * built exactly as the sender builds it), the stage's tables and queue, EventBridge Scheduler's group
 * and target, and short client timeouts. Nothing of the staff member's local settings leaks in but the
 * endpoints they point at. The link-signing key is read from the stage's secret: staff commands mail
 * readers links (confirmations, test sends) and find their rate-limit counters by it.
 */
export async function stageConfig(resources: StageResources, env: NodeJS.ProcessEnv): Promise<Config> {
  const shared = Object.fromEntries(
    sharedSettingNames
      .filter((name) => resources.settings[name] !== undefined)
      .map((name) => [name, resources.settings[name]]),
  );
  const base = loadConfig({
    ...endpointSettings(env),
    ...shared,
    NASHRA_MODE: 'aws',
    NASHRA_HOME: env.NASHRA_HOME,
    AWS_REGION: resources.region,
    NASHRA_SEND_QUEUE_URL: resources.sendQueueUrl,
    NASHRA_SES_CONFIGURATION_SET: resources.configurationSet,
    NASHRA_STAFF_USER_POOL_ID: resources.staffUserPoolId,
    NASHRA_STAFF_CLIENT_ID: resources.staffClientId,
  });
  const config: Config = {
    ...base,
    tables: resources.tables,
    deadLetterQueues: resources.deadLetterQueues,
    clientTimeouts: stageClientTimeouts,
    scheduler: {
      group: resources.scheduleGroup,
      targetArn: resources.digestFunctionArn,
      roleArn: resources.schedulerRoleArn,
      deadLetterArn: resources.scheduleDeadLetterArn,
    },
  };
  const secrets = createSecretsClient({
    region: resources.region,
    ...(config.endpoints.secretsManager ? { endpoint: config.endpoints.secretsManager } : {}),
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: stageClientTimeouts.connectMs,
      requestTimeout: stageClientTimeouts.requestMs,
    },
  });
  try {
    return { ...config, linkSigningKey: await readSecretString(secrets, resources.linkSigningKeySecretArn) };
  } catch (error) {
    throw new StageError(
      `cannot read the link-signing key of stage "${resources.stage}": ${reasonOf(error as Error)}`,
    );
  } finally {
    secrets.destroy();
  }
}

/**
 * The keyring of a stage, in its Secrets Manager secret (found from the stacks' outputs), for
 * `nashra keys`: read and replaced with the staff member's own credentials, and the stage's time zone
 * to word its times in. `close` destroys the client.
 */
export async function stageKeyringStore(
  stage: string,
  env: NodeJS.ProcessEnv,
): Promise<{ store: KeyringStore; timeZone: string; close: () => void }> {
  const resources = stageResources(await readStageStacks(stage, env));
  const secrets = createSecretsClient({
    region: resources.region,
    ...(env.AWS_ENDPOINT_URL_SECRETS_MANAGER ? { endpoint: env.AWS_ENDPOINT_URL_SECRETS_MANAGER } : {}),
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: stageClientTimeouts.connectMs,
      requestTimeout: stageClientTimeouts.requestMs,
    },
  });
  return {
    store: new SecretsManagerKeyringStore(secrets, resources.linkSigningKeySecretArn),
    timeZone: resources.settings.NASHRA_TIME_ZONE ?? DEFAULT_TIME_ZONE,
    close: () => secrets.destroy(),
  };
}
