import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoArticleRepo } from '../adapters/dynamodb/article-repo';
import { DynamoAuditRepo } from '../adapters/dynamodb/audit-repo';
import { createDynamoClient, createSendPathDynamoClient, documentClient } from '../adapters/dynamodb/client';
import { DynamoCounterRepo } from '../adapters/dynamodb/counter-repo';
import { DynamoDeliveryRepo } from '../adapters/dynamodb/delivery-repo';
import { DynamoIssueRepo } from '../adapters/dynamodb/issue-repo';
import { DynamoScheduleRepo } from '../adapters/dynamodb/schedule-repo';
import { DynamoStaffSessionRepo } from '../adapters/dynamodb/staff-session-repo';
import { DynamoSubscriberRepo } from '../adapters/dynamodb/subscriber-repo';
import { createSesClient, SesMailer } from '../adapters/ses-mailer';
import { createSqsClient, SqsDeadLetterQueue, SqsSendQueue } from '../adapters/sqs-queue';
import type { DeadLetterKind, DeadLetterQueue } from '../core/dead-letters';
import { type Keyring, parseKeyring } from '../core/link-keys';
import { LinkSigner } from '../core/link-token';
import { type Metrics, noMetrics } from '../core/metrics';
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
  /** Where this process publishes its counts (CloudWatch on Lambda); none elsewhere. */
  metrics?: Metrics;
  /**
   * Reads the keyring's secret value again (local mode: the key file `nashra keys rotate` rewrites), so
   * a process that stays up verifies links of a key added after it started.
   */
  reloadKeys?: () => string | undefined;
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
  /** One of the stage's (or local mode's) dead-letter queues, as staff read and redrive it. */
  deadLetters(kind: DeadLetterKind): DeadLetterQueue;
  /**
   * The link-signing keyring (functions/core/link-keys.ts), as this process last read it. Throws a
   * RuntimeError where no key is loaded: a function that signs no link is never given one.
   */
  readonly keyring: Keyring;
  /** Signs reader links with the keyring's current key, verifies them with any of its keys. */
  readonly signer: LinkSigner;
  /** A newer keyring (a warm Lambda function re-reads its secret every few minutes). */
  useKeys(secretValue: string): void;
  readonly metrics: Metrics;
  /** Throws when this process renders no mail. */
  readonly renderer: MailRenderer;
  readonly triggers?: ScheduleTriggers;
  /** Builds a part once per runtime under `key` (the wiring of one group of use cases) and keeps it. */
  once<T>(key: string, build: () => T): T;
  /**
   * Builds an AWS SDK client once per runtime under `key` and destroys it on close: for the clients
   * only some processes use (Cognito: the console and `nashra staff`), built by their own wiring so
   * that no other function's bundle carries them.
   */
  client<T extends { destroy(): void }>(key: string, make: () => T): T;
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
    client,
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
          subscribers: new DynamoSubscriberRepo(db, tables.subscribers, runtime.clock),
          schedules: new DynamoScheduleRepo(db, tables.schedules),
          issues: new DynamoIssueRepo(db, tables.issues),
          deliveries: new DynamoDeliveryRepo(
            db,
            () => client('client:dynamodb-send-path', () => createSendPathDynamoClient(config)),
            tables.deliveries,
            config.send.deliveryRetentionDays,
          ),
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
    deadLetters(kind: DeadLetterKind) {
      return once(
        `dead-letters:${kind}`,
        () =>
          new SqsDeadLetterQueue(
            client('client:sqs', () => createSqsClient(config)),
            config.deadLetterQueues[kind],
          ),
      );
    },
    get keyring() {
      return once('keyring', () => {
        if (!config.linkSigningKey)
          throw new RuntimeError(
            `the link-signing key of ${describeTarget(target)} is not loaded: this process cannot sign or verify reader links`,
          );
        return parseKeyring(config.linkSigningKey);
      });
    },
    get signer() {
      return once('signer', () => {
        const reload = parts.reloadKeys;
        return new LinkSigner(runtime.keyring, {
          ...(reload
            ? {
                reload: () => {
                  const value = reload();
                  return value === undefined ? undefined : parseKeyring(value);
                },
              }
            : {}),
        });
      });
    },
    useKeys(secretValue: string) {
      const ring = parseKeyring(secretValue);
      built.set('keyring', ring);
      if (built.has('signer')) runtime.signer.use(ring);
    },
    metrics: parts.metrics ?? noMetrics,
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
