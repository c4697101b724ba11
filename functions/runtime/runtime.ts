import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createCognitoClient } from '../adapters/cognito-staff';
import { DynamoArticleRepo } from '../adapters/dynamodb/article-repo';
import { DynamoAuditRepo } from '../adapters/dynamodb/audit-repo';
import { createDynamoClient, documentClient } from '../adapters/dynamodb/client';
import { DynamoCounterRepo } from '../adapters/dynamodb/counter-repo';
import { DynamoDeliveryRepo } from '../adapters/dynamodb/delivery-repo';
import { DynamoIssueRepo } from '../adapters/dynamodb/issue-repo';
import { DynamoScheduleRepo } from '../adapters/dynamodb/schedule-repo';
import { DynamoStaffSessionRepo } from '../adapters/dynamodb/staff-session-repo';
import { DynamoSubscriberRepo } from '../adapters/dynamodb/subscriber-repo';
import { createSesClient, SesMailer } from '../adapters/ses-mailer';
import { createSqsClient, SqsSendQueue } from '../adapters/sqs-queue';
import { LinkSigner } from '../core/link-token';
import {
  type Clock,
  type Mailer,
  type MailRenderer,
  type ScheduleTriggers,
  type SendQueue,
  systemClock,
} from '../core/ports';
import type { Config } from '../shared/config';

/** Where a process runs against: local mode on loopback, or a deployed stage by its name. */
export type Target = 'local' | { stage: string };

/** Says which target a process is wired for, in the words staff read. */
export function describeTarget(target: Target | 'lambda'): string {
  if (target === 'lambda') return 'this Lambda function';
  return target === 'local' ? 'local mode' : `stage "${target.stage}"`;
}

export interface Repositories {
  articles: DynamoArticleRepo;
  subscribers: DynamoSubscriberRepo;
  schedules: DynamoScheduleRepo;
  issues: DynamoIssueRepo;
  deliveries: DynamoDeliveryRepo;
  counters: DynamoCounterRepo;
  staffSessions: DynamoStaffSessionRepo;
  audit: DynamoAuditRepo;
}

/**
 * What the process's composition root adds beyond config and clients. Each is optional because not
 * every process has it: the sender renders no mail (its bundle carries no MJML), and only a staff
 * process on a stage keeps EventBridge Scheduler in step.
 */
export interface RuntimeParts {
  /** How this process renders mail; built on first use from the runtime itself. */
  renderer?: (runtime: Runtime) => MailRenderer;
  /** EventBridge Scheduler, where this process keeps digest schedules in step (a stage). */
  triggers?: ScheduleTriggers;
  /** The clock of every use case; tests freeze it. */
  clock?: Clock;
  /** Stopped by `close()` after the clients: what the composition root started for this process. */
  onClose?: () => Promise<void>;
}

/**
 * One process, wired once: its validated configuration, one client per AWS service (made on first
 * use, destroyed by `close`), the repositories and the ports the use cases take. Lambda entry points
 * build it at cold start (functions/runtime/lambda.ts), the CLI per command and `nashra dev` once
 * (functions/runtime/open-runtime.ts). Nothing below it reads `process.env` or makes a client.
 */
export interface Runtime {
  readonly target: Target | 'lambda';
  readonly config: Config;
  readonly clock: Clock;
  readonly dynamodb: DynamoDBClient;
  readonly db: DynamoDBDocumentClient;
  readonly repos: Repositories;
  readonly mailer: Mailer;
  readonly queue: SendQueue;
  /** The staff's identity service (Cognito; cognito-local locally): the console's sign-in, `nashra staff`. */
  readonly cognito: CognitoIdentityProviderClient;
  /** The link-signing key; a staff process on a stage loads it only for commands that sign. */
  readonly linkSigningKey: string;
  /** Signs and verifies reader links with that key. */
  readonly signer: LinkSigner;
  /** Throws when this process renders no mail. */
  readonly renderer: MailRenderer;
  readonly triggers?: ScheduleTriggers;
  /** Builds a part once per runtime under `key` (the wiring of one group of use cases) and keeps it. */
  once<T>(key: string, build: () => T): T;
  close(): Promise<void>;
}

export class RuntimeError extends Error {
  override name = 'RuntimeError';
}

/** The runtime of one process for `config`: everything is built on first use and kept. */
export function createRuntime(target: Target | 'lambda', config: Config, parts: RuntimeParts = {}): Runtime {
  const built = new Map<string, unknown>();
  const destroyers: Array<() => void> = [];
  const once = <T>(key: string, build: () => T): T => {
    if (!built.has(key)) built.set(key, build());
    return built.get(key) as T;
  };
  const client = <T extends { destroy(): void }>(key: string, make: () => T): T =>
    once(key, () => {
      const made = make();
      destroyers.push(() => made.destroy());
      return made;
    });

  const runtime: Runtime = {
    target,
    config,
    clock: parts.clock ?? systemClock,
    triggers: parts.triggers,
    once,
    get dynamodb() {
      return client('client:dynamodb', () => createDynamoClient(config));
    },
    get db() {
      return once('client:dynamodb-document', () => documentClient(runtime.dynamodb));
    },
    get repos() {
      return once('repos', (): Repositories => {
        const { db } = runtime;
        const { tables } = config;
        return {
          articles: new DynamoArticleRepo(db, tables.articles),
          subscribers: new DynamoSubscriberRepo(db, tables.subscribers),
          schedules: new DynamoScheduleRepo(db, tables.schedules),
          issues: new DynamoIssueRepo(db, tables.issues),
          deliveries: new DynamoDeliveryRepo(db, tables.deliveries),
          counters: new DynamoCounterRepo(db, tables.counters),
          staffSessions: new DynamoStaffSessionRepo(db, tables.staffSessions),
          audit: new DynamoAuditRepo(db, tables.audit),
        };
      });
    },
    get mailer() {
      return once(
        'mailer',
        () =>
          new SesMailer(
            client('client:ses', () => createSesClient(config)),
            config.mail.configurationSet,
          ),
      );
    },
    get queue() {
      return once(
        'queue',
        () =>
          new SqsSendQueue(
            client('client:sqs', () => createSqsClient(config)),
            config.send.queueUrl,
          ),
      );
    },
    get cognito() {
      return client('client:cognito', () => createCognitoClient(config));
    },
    get linkSigningKey() {
      if (!config.linkSigningKey)
        throw new RuntimeError(
          `the link-signing key of ${describeTarget(target)} is not loaded: this command cannot sign reader links`,
        );
      return config.linkSigningKey;
    },
    get signer() {
      return once('signer', () => new LinkSigner(runtime.linkSigningKey));
    },
    get renderer() {
      return once('renderer', () => {
        if (!parts.renderer) throw new RuntimeError('this process renders no mail');
        return parts.renderer(runtime);
      });
    },
    async close() {
      for (const destroy of destroyers.splice(0)) destroy();
      built.clear();
      await parts.onClose?.();
    },
  };
  return runtime;
}
