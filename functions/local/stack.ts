import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { createCognitoClient } from '../adapters/cognito-staff';
import { type Config, loadConfig } from '../shared/config';
import { makePrivateDir, writePrivateFile } from '../shared/private-files';
import { strictTap } from './aws-contract/strict-tap';
import { ensureLocalStaffPool, startCognitoLocal } from './cognito-local';
import { dynamoStreamTap } from './dynamodb-stream-tap';
import { dynamoDataFolder, type RunningService, startDynamoEmulator, startSesEmulator } from './emulators';
import { startServiceTap } from './service-tap';
import { sesOutboxTap } from './ses-outbox-tap';
import { startSqsEndpoint } from './sqs-endpoint';
import { LocalTriggers } from './triggers';

export type Origin = 'started' | 'dev' | 'external';

export interface StackUrls {
  /** The HTTP API (subscribe, confirm, preferences, unsubscribe, archive, preview). */
  api: string;
  /** The SES emulator's web view of sent mail. */
  mail: string;
  /** The DynamoDB endpoint to point tools at (writes through it reach the local stream). */
  dynamodb: string;
  /** The SES endpoint mail is sent to. */
  ses: string;
  /** The staff console (served by the HTTP API's server). */
  console: string;
}

export interface LocalStack {
  /** Configuration with the endpoints this stack serves: what this process's runtime is built from. */
  config: Config;
  urls: StackUrls;
  origin: { dynamodb: Origin; ses: Origin; api: Origin | 'not running' };
  /**
   * The staff's identity service, when this process asked for it (`nashra dev`, `nashra staff`): its
   * endpoint (cognito-local behind the loopback guard), who runs it, and local mode's staff pool.
   */
  staff?: { url: string; origin: Origin; userPoolId: string; clientId: string; poolCreated: boolean };
  outbox: string;
  /**
   * Where this process keeps its queues' messages until they are handled; absent when it joined a
   * running `nashra dev`, whose senders take every job.
   */
  queueStore?: string;
  /** What stands in for AWS's event sources in this process: stream, queues and clocks. */
  triggers: LocalTriggers;
  /** Stops what this process started, in reverse order. */
  close(): Promise<void>;
}

const stackFileSchema = z.object({
  pid: z.number().int(),
  startedAt: z.string(),
  urls: z.object({ api: z.string(), mail: z.string(), dynamodb: z.string(), ses: z.string() }),
  clientEndpoints: z.object({
    dynamodb: z.string(),
    ses: z.string(),
    sqs: z.string(),
    cognito: z.string().optional(),
  }),
});
type StackFile = z.infer<typeof stackFileSchema>;

const stackFilePath = (home: string) => join(home, 'stack.json');

/** The running `nashra dev` of this NASHRA_HOME, if one is up and answering. */
export async function findRunningDev(home: string): Promise<StackFile | undefined> {
  const path = stackFilePath(home);
  if (!existsSync(path)) return undefined;
  const parsed = stackFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) return undefined;
  try {
    process.kill(parsed.data.pid, 0);
    await fetch(parsed.data.clientEndpoints.dynamodb, { signal: AbortSignal.timeout(2000) });
    return parsed.data;
  } catch {
    return undefined;
  }
}

/**
 * Opens local mode for this process. With `dev`, starts the long-running stack on the configured
 * ports and records it in NASHRA_HOME/stack.json. Otherwise joins the `nashra dev` that is up, or
 * starts what the command needs on free ports for its own duration (never a second process on one
 * LevelDB while dev runs). `AWS_ENDPOINT_URL_DYNAMODB` / `AWS_ENDPOINT_URL_SES` replace the emulator
 * of that service; the stream and outbox taps still sit in front of whichever endpoint is used.
 */
export async function openLocalStack(options: {
  dev?: boolean;
  /** Reach the staff's identity service too (always with `dev`): join dev's, or start cognito-local. */
  staff?: boolean;
  env: NodeJS.ProcessEnv;
}): Promise<LocalStack> {
  const { env } = options;
  const base = loadConfig(env);
  const home = base.home;
  const outbox = join(home, 'outbox');
  makePrivateDir(home);
  const started: RunningService[] = [];
  const triggers = new LocalTriggers(base.region);
  const closeAll = async () => {
    triggers.stop();
    for (const service of started.reverse()) await service.close().catch(() => undefined);
  };

  // cognito-local takes seconds to start (it loads the AWS SDK v2): it starts beside the others, and
  // a failure elsewhere waits for it so that closeAll stops it too.
  let cognitoStarting: Promise<RunningService> | undefined;

  try {
    const dev = options.dev ? undefined : await findRunningDev(home);
    if (options.dev && (await findRunningDev(home))) {
      throw new Error(`nashra dev is already running for ${home}`);
    }
    const port = (configured: number) => (options.dev ? configured : 0);
    if ((options.dev || options.staff) && !base.endpoints.cognito && !dev?.clientEndpoints.cognito) {
      cognitoStarting = start(startCognitoLocal({ home, port: 0 }));
      // Its failure is reported where it is awaited, not as an unhandled rejection meanwhile.
      cognitoStarting.catch(() => undefined);
    }

    let dynamodb: { client: string; shown: string; origin: Origin };
    if (base.endpoints.dynamodb || !dev) {
      const engine = base.dynamodbEngine;
      const upstream =
        base.endpoints.dynamodb ??
        (await start(startDynamoEmulator({ engine, port: 0, path: dynamoDataFolder(home, engine) }))).url;
      const tap = await start(
        startServiceTap({
          port: port(base.ports.dynamodb),
          upstream,
          // AWS's contract first: what DynamoDB would refuse never reaches the emulator or the stream.
          tap: strictTap('dynamodb', {
            inner: dynamoStreamTap({
              upstream,
              region: base.region,
              emit: (table, records) => triggers.emitStream(table, records),
            }),
          }),
        }),
      );
      dynamodb = {
        client: tap.url,
        shown: base.endpoints.dynamodb ?? tap.url,
        origin: base.endpoints.dynamodb ? 'external' : 'started',
      };
    } else {
      dynamodb = { client: dev.clientEndpoints.dynamodb, shown: dev.urls.dynamodb, origin: 'dev' };
    }

    let ses: { client: string; shown: string; mail: string; origin: Origin };
    if (base.endpoints.ses || !dev) {
      const upstream =
        base.endpoints.ses ?? (await start(startSesEmulator({ port: port(base.ports.ses) }))).url;
      const tap = await start(
        startServiceTap({
          port: 0,
          upstream,
          tap: strictTap('ses', {
            configurationSets: [base.mail.configurationSet],
            inner: sesOutboxTap(outbox),
          }),
        }),
      );
      ses = {
        client: tap.url,
        shown: upstream,
        mail: `${upstream}/`,
        origin: base.endpoints.ses ? 'external' : 'started',
      };
    } else {
      ses = { client: dev.clientEndpoints.ses, shown: dev.urls.ses, mail: dev.urls.mail, origin: 'dev' };
    }

    // Jobs enqueued by this process go to the queues of the process that runs the senders.
    const sqs = dev ? dev.clientEndpoints.sqs : (await start(startSqsEndpoint(triggers))).url;

    let cognito: { client: string; origin: Origin } | undefined;
    if (options.dev || options.staff) {
      if (base.endpoints.cognito) cognito = { client: base.endpoints.cognito, origin: 'external' };
      else if (dev?.clientEndpoints.cognito) cognito = { client: dev.clientEndpoints.cognito, origin: 'dev' };
      else if (cognitoStarting) cognito = { client: (await cognitoStarting).url, origin: 'started' };
    }

    const endpoints = {
      ...env,
      AWS_ENDPOINT_URL_DYNAMODB: dynamodb.client,
      AWS_ENDPOINT_URL_SES: ses.client,
      AWS_ENDPOINT_URL_SQS: sqs,
      ...(cognito ? { AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: cognito.client } : {}),
    };
    let config = loadConfig(endpoints);
    let staff: LocalStack['staff'];
    if (cognito) {
      const { userPoolId, clientId } = config.staff;
      let pool = userPoolId && clientId ? { userPoolId, clientId, created: false } : undefined;
      if (!pool) {
        const client = createCognitoClient(config);
        try {
          pool = await ensureLocalStaffPool(client, home);
        } finally {
          client.destroy();
        }
        config = loadConfig({
          ...endpoints,
          NASHRA_STAFF_USER_POOL_ID: pool.userPoolId,
          NASHRA_STAFF_CLIENT_ID: pool.clientId,
        });
      }
      staff = {
        url: cognito.client,
        origin: cognito.origin,
        userPoolId: pool.userPoolId,
        clientId: pool.clientId,
        poolCreated: pool.created,
      };
    }

    const api = dev?.urls.api ?? config.baseUrl;
    const stack: LocalStack = {
      config,
      urls: {
        api,
        mail: ses.mail,
        dynamodb: dynamodb.shown,
        ses: ses.shown,
        console: `${api}/console`,
      },
      origin: {
        dynamodb: dynamodb.origin,
        ses: ses.origin,
        api: dev ? 'dev' : options.dev ? 'started' : 'not running',
      },
      ...(staff ? { staff } : {}),
      outbox,
      ...(dev ? {} : { queueStore: join(home, 'queues') }),
      triggers,
      close: async () => {
        await closeAll();
        if (options.dev) rmSync(stackFilePath(home), { force: true });
      },
    };
    if (options.dev) {
      const file: StackFile = {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        urls: stack.urls,
        clientEndpoints: { dynamodb: dynamodb.client, ses: ses.client, sqs, cognito: cognito?.client },
      };
      writePrivateFile(stackFilePath(home), `${JSON.stringify(file, null, 2)}\n`);
    }
    return stack;
  } catch (error) {
    await cognitoStarting?.catch(() => undefined);
    await closeAll();
    if (/lock/i.test(String((error as Error).message))) {
      throw new Error(
        `another nashra process holds the local database in ${home}. Start \`nashra dev\` to share one stack between commands.`,
      );
    }
    throw error;
  }

  async function start(service: Promise<RunningService>): Promise<RunningService> {
    const running = await service;
    started.push(running);
    return running;
  }
}
