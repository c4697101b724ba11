import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import addressparser from 'nodemailer/lib/addressparser';
import * as z from 'zod';
import { type DeadLetterKind, deadLetterKinds, localDeadLetterQueueName } from '../core/dead-letters';
import { parseQuietHours, type QuietHours } from '../core/send/quiet-hours';
import { senderConcurrencyFor } from '../core/send/rate-limit';
import { type Limit, parseLimits } from '../core/subscribers/rate-limit';
import { type UnsubscribeNotice, unsubscribeNoticeSchema } from '../core/subscribers/reader-flows';
import { isTimeZone } from '../core/time';
import { makePrivateDir, writePrivateFile } from './private-files';
import { type TableNames, tableNamesFor } from './tables';

const port = z.coerce.number().int().min(1).max(65535);

/**
 * The From setting: one mailbox, `Name <address>` or a bare address. The name may be any text (the
 * message's From header carries it RFC 2047-encoded); the address must be 7-bit ASCII, a Unicode domain
 * in Punycode, because SES does not support SMTPUTF8
 * (https://docs.aws.amazon.com/ses/latest/APIReference/API_SendRawEmail.html).
 */
const fromSetting = z
  .string()
  .min(3)
  .refine((value) => {
    const mailboxes = addressparser(value, { flatten: true });
    return (
      mailboxes.length === 1 &&
      /^[\x21-\x7E]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(mailboxes[0]?.address ?? '')
    );
  }, 'one address, as "Name <address@domain>" or "address@domain", the address in 7-bit ASCII (a Unicode domain in Punycode)');

/** The DynamoDB emulators local mode and the integration tests can run on. */
const dynamoEngines = ['dynalite', 'dynamodb-local'] as const;
export type DynamoEngine = (typeof dynamoEngines)[number];
const dynamoEngineSetting = z.enum(dynamoEngines).default('dynalite');

const feedLanguage = z.enum(['ar', 'en']);
const feedEntrySchema = z
  .object({ url: z.url({ protocol: /^https?$/ }), lang: feedLanguage.optional() })
  .strict();

/** `[{"url": "…", "lang": "ar"}]`, or a comma list of URLs each optionally prefixed `ar=` / `en=`. */
const feedsSetting = z
  .string()
  .transform((value, ctx) => {
    const text = value.trim();
    if (text === '') return [];
    if (text.startsWith('[')) {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
        return z.NEVER;
      }
    }
    return text.split(',').map((entry) => {
      const match = /^\s*(?:(ar|en)=)?(.+?)\s*$/.exec(entry);
      return { url: match?.[2] ?? '', ...(match?.[1] ? { lang: match[1] } : {}) };
    });
  })
  .pipe(z.array(feedEntrySchema));

/** A JSON object of category → topic slug; keys are matched case-blind. */
const topicMapSetting = z
  .string()
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not valid JSON' });
      return z.NEVER;
    }
  })
  .pipe(
    z.record(
      z.string().min(1),
      z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'topic slugs are a-z, 0-9 and -'),
    ),
  );

/** `ar=host,en=host`: the host name of each language's site. */
const sitesSetting = z
  .string()
  .transform((value) =>
    Object.fromEntries(
      value
        .split(',')
        .map((entry) => entry.trim().split('='))
        .filter((pair) => pair.length === 2)
        .map(([lang, host]) => [lang?.trim(), host?.trim().toLowerCase()]),
    ),
  )
  .pipe(
    z
      .object({
        ar: z
          .string()
          .regex(/^[a-z0-9.-]+$/)
          .optional(),
        en: z
          .string()
          .regex(/^[a-z0-9.-]+$/)
          .optional(),
      })
      .strict(),
  );

/** A comma list of IP addresses and CIDR ranges (`127.0.0.1, ::1, 10.0.0.0/8`). */
const addressesSetting = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(
      z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()], {
        error: (issue) => `${String(issue.input)} is not an IP address or a CIDR range`,
      }),
    ),
  );

/** Rate limits as `COUNT/SECONDS[,COUNT/SECONDS…]`: `1/600,4/86400` is one per 10 minutes and four a day. */
const limitsSetting = z.string().transform((value, ctx) => {
  try {
    return parseLimits(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** The network's usual WordPress categories in both languages; override with NASHRA_TOPIC_MAP. */
const defaultTopicMap: Record<string, string> = {
  security: 'security',
  أمن: 'security',
  الأمن: 'security',
  basra: 'basra',
  البصرة: 'basra',
  water: 'water',
  المياه: 'water',
  مياه: 'water',
  campaigns: 'campaigns',
  حملات: 'campaigns',
  'human rights': 'human-rights',
  'حقوق الإنسان': 'human-rights',
};

/** The network's time zone where NASHRA_TIME_ZONE names none: staff read every time in it. */
export const DEFAULT_TIME_ZONE = 'Asia/Baghdad';

/**
 * Every setting nashra reads, with the defaults of local mode. On AWS the stateless stack sets each of
 * these on the function; `NASHRA_MODE=aws` turns off the local defaults that would be wrong there.
 */
const environmentSchema = z
  .object({
    NASHRA_MODE: z.enum(['local', 'aws']).default('local'),
    /** The stage a function belongs to (set by the stack): the `stage` dimension of its metrics. */
    NASHRA_STAGE: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,20}$/)
      .optional(),
    NASHRA_HOME: z.string().min(1).default('.nashra'),
    AWS_REGION: z.string().min(1).default('eu-west-1'),
    AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
    AWS_ENDPOINT_URL_SES: z.url().optional(),
    AWS_ENDPOINT_URL_SQS: z.url().optional(),
    AWS_ENDPOINT_URL_SCHEDULER: z.url().optional(),
    AWS_ENDPOINT_URL_CLOUDFORMATION: z.url().optional(),
    AWS_ENDPOINT_URL_SECRETS_MANAGER: z.url().optional(),
    AWS_ENDPOINT_URL_SESV2: z.url().optional(),
    NASHRA_TABLE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.-]*$/)
      .default('nashra-local-'),
    NASHRA_FROM_ADDRESS: fromSetting.default('ICSSI نشرة <bulletin@nashra.example>'),
    NASHRA_UNSUBSCRIBE_MAILTO: z.email().default('unsubscribe@nashra.example'),
    NASHRA_LIST_ID: z.string().min(3).default('bulletin.nashra.example'),
    NASHRA_BASE_URL: z.url().optional(),
    NASHRA_LINK_SIGNING_KEY: z.string().min(32).optional(),
    NASHRA_SES_CONFIGURATION_SET: z.string().min(1).default('nashra'),
    NASHRA_SEND_RATE: z.coerce.number().positive().default(50),
    NASHRA_SEND_QUEUE_URL: z.url().optional(),
    NASHRA_SENDER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).optional(),
    NASHRA_SENDER_TIMEOUT_SECONDS: z.coerce.number().int().min(3).max(900).default(60),
    NASHRA_TRANSIENT_BOUNCE_LIMIT: z.coerce.number().int().min(1).default(3),
    NASHRA_DELIVERY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    NASHRA_TIME_ZONE: z
      .string()
      .refine(isTimeZone, 'an IANA time zone the runtime knows, such as Asia/Baghdad')
      .default(DEFAULT_TIME_ZONE),
    NASHRA_QUIET_HOURS: z
      .string()
      .regex(/^(off|([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d)$/i, 'HH:MM-HH:MM, or off')
      .default('23:00-07:00'),
    NASHRA_API_PORT: port.default(8787),
    NASHRA_DYNAMODB_PORT: port.default(8788),
    NASHRA_SES_PORT: port.default(8789),
    NASHRA_DYNAMODB_ENGINE: dynamoEngineSetting,
    NASHRA_INGEST_KEY: z.string().min(16).optional(),
    NASHRA_FEEDS: feedsSetting.default([]),
    NASHRA_FEED_POLL_CRON: z.string().min(9).default('*/15 * * * *'),
    NASHRA_FEED_FAILURE_POLLS: z.coerce.number().int().min(1).max(100).default(4),
    NASHRA_TOPIC_MAP: topicMapSetting.default(defaultTopicMap),
    NASHRA_URGENT_CATEGORY: z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean),
      )
      .default(['urgent', 'عاجل']),
    NASHRA_SITES: sitesSetting.optional(),
    NASHRA_FEED_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(20 * 1024 * 1024),
    NASHRA_ITEM_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(2 * 1024 * 1024),
    NASHRA_FEED_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
    NASHRA_FEED_ALLOW_ADDRESSES: addressesSetting.default([]),
    NASHRA_SUBSCRIBE_LIMIT_CLIENT: limitsSetting.default(parseLimits('20/600,200/86400')),
    NASHRA_SUBSCRIBE_LIMIT_ADDRESS: limitsSetting.default(parseLimits('1/600,4/86400')),
    NASHRA_UNSUBSCRIBE_NOTICE: unsubscribeNoticeSchema.default('never'),
    NASHRA_PENDING_EXPIRY_DAYS: z.coerce.number().int().min(1).max(365).default(7),
    // The staff console and staff accounts (functions/console, `nashra staff`).
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: z.url().optional(),
    NASHRA_STAFF_USER_POOL_ID: z
      .string()
      .regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'a Cognito user pool id (REGION_ID)')
      .optional(),
    NASHRA_STAFF_CLIENT_ID: z
      .string()
      .regex(/^[\w+]+$/, 'a Cognito app client id')
      .optional(),
    NASHRA_CONSOLE_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
    NASHRA_CONSOLE_SESSION_HOURS: z.coerce.number().int().min(1).max(168).default(12),
    NASHRA_CONSOLE_SIGN_IN_LIMIT_CLIENT: limitsSetting.default(parseLimits('20/900,100/86400')),
    NASHRA_CONSOLE_SIGN_IN_LIMIT_ACCOUNT: limitsSetting.default(parseLimits('5/900,20/86400')),
    NASHRA_DEMO_STAFF_PASSWORD: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    try {
      parseQuietHours(env.NASHRA_QUIET_HOURS, env.NASHRA_TIME_ZONE);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['NASHRA_QUIET_HOURS'], message: (error as Error).message });
    }
    if (env.NASHRA_MODE !== 'aws') return;
    if (env.NASHRA_FEED_ALLOW_ADDRESSES.length > 0)
      ctx.addIssue({
        code: 'custom',
        path: ['NASHRA_FEED_ALLOW_ADDRESSES'],
        message: 'is for local mode only: on AWS, feeds are fetched from public addresses only',
      });
    for (const name of ['NASHRA_BASE_URL', 'NASHRA_SEND_QUEUE_URL'] as const) {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: `${name} is required on AWS` });
    }
  });

export interface Config {
  mode: 'local' | 'aws';
  /** The deployed stage this process belongs to, when it is one of its functions. */
  stage?: string;
  /** Absolute path of the folder that holds all local state. */
  home: string;
  region: string;
  /** Endpoints in place of AWS's own (`AWS_ENDPOINT_URL_<SERVICE>`, as every SDK reads them). */
  endpoints: {
    dynamodb?: string;
    ses?: string;
    sqs?: string;
    scheduler?: string;
    cloudformation?: string;
    secretsManager?: string;
    sesv2?: string;
    cognito?: string;
  };
  /** A staff process on a stage gives up on an endpoint after these (Lambda functions keep the SDK's). */
  clientTimeouts?: { connectMs: number; requestMs: number };
  tables: TableNames;
  tablePrefix: string;
  mail: {
    from: string;
    unsubscribeMailto: string;
    listId: string;
    configurationSet: string;
    /** SES maximum send rate (messages per second) across all senders. */
    sendRate: number;
  };
  send: {
    /** The send queue; locally the runtime's stand-in serves it. */
    queueUrl: string;
    /** The send queue's maximum concurrency: the account rate is split across this many senders. */
    maxConcurrency: number;
    batchSize: number;
    /** A delivery claim's lease: longer than a sender invocation can run. */
    leaseMs: number;
    timeoutSeconds: number;
    /** Transient bounces after which a reader is suppressed. */
    transientBounceLimit: number;
    /** Days a delivery record is kept after its last change (the deliveries table's TTL). */
    deliveryRetentionDays: number;
  };
  /**
   * The dead-letter queues staff read and redrive (`nashra dlq`): a stage's from its outputs; locally
   * the local SQS endpoint's, named as the local queues are.
   */
  deadLetterQueues: Record<DeadLetterKind, string>;
  baseUrl: string;
  /**
   * The key of every link token. Locally created once under NASHRA_HOME; on AWS filled in from the
   * stage's secret (a function at cold start, a staff command when it opens the stage).
   */
  linkSigningKey?: string;
  timeZone: string;
  /** Alerts arriving inside these are held until they end (urgent ones excepted); undefined: off. */
  quietHours?: QuietHours;
  /**
   * Where digest schedules live on EventBridge Scheduler, when this process manages them: a staff
   * process on a stage, from the stage's outputs (functions/runtime/stage.ts). Never set locally,
   * whatever the environment holds: `nashra dev` reads the schedules table itself.
   */
  scheduler?: {
    group: string;
    /** The digest function every schedule invokes. */
    targetArn: string;
    /** The role EventBridge Scheduler invokes it as. */
    roleArn: string;
    /** Where an invocation that failed every retry goes. */
    deadLetterArn: string;
  };
  ports: { api: number; dynamodb: number; ses: number };
  /** The DynamoDB emulator local mode starts when no DynamoDB endpoint is configured. */
  dynamodbEngine: DynamoEngine;
  /** Key for the staff ingest endpoint in local mode; on AWS that endpoint is IAM-authorised. */
  ingestKey?: string;
  ingest: {
    /** Feeds the poller reads, each with the language of its items when the feed does not say. */
    feeds: Array<{ url: string; lang?: 'ar' | 'en' }>;
    /** When the poller runs (cron, in the configured time zone). */
    pollCron: string;
    /** Polls in a row a feed may fail before it counts as failing (and the alarm rings). */
    feedFailurePolls: number;
    /** Category (any case) → topic slug. */
    topicMap: Record<string, string>;
    /** Categories that make an article urgent. */
    urgentCategories: string[];
    /** Host name of each language's site, for pairing by a body link from one to the other. */
    sites: { ar?: string; en?: string };
    maxFeedBytes: number;
    maxItemBytes: number;
    fetchTimeoutMs: number;
    /**
     * Addresses and ranges inside the network that feeds may still be fetched from (local mode only:
     * feeds served on loopback); every other loopback, private, link-local or reserved one is refused.
     */
    allowedAddresses: string[];
  };
  subscribe: {
    /** Subscribe requests per client (IPv4 address or IPv6 /64), and mails per reader address. */
    limits: { client: Limit[]; address: Limit[] };
    /** Whether an unsubscribe sends the `unsubscribed` mail: never, after the page's button only, or always. */
    unsubscribeNotice: UnsubscribeNotice;
    /** Days a reader who never confirms is kept after their last confirmation mail. */
    pendingExpiryDays: number;
  };
  /** The staff console and staff accounts (functions/console, `nashra staff`). */
  staff: {
    /**
     * The staff's Cognito user pool and the console's app client: a stage's outputs (the console
     * function's environment), or local mode's own pool on cognito-local. Unset: no staff sign-in here.
     */
    userPoolId?: string;
    clientId?: string;
    /** A console session ends after this many minutes without a request… */
    idleMinutes: number;
    /** …and this many hours after sign-in in any case. */
    maxHours: number;
    /** Failed sign-ins allowed per client (IPv4, IPv6 /64) and per staff account. */
    signInLimits: { client: Limit[]; account: Limit[] };
    /** Local mode: the demo staff account's password (`nashra dev` makes one up when unset). */
    demoPassword?: string;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads and validates configuration from an environment. Pure but for local mode's secrets, which are
 * created once under NASHRA_HOME so that links signed yesterday still verify today.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const home = resolve(e.NASHRA_HOME);
  return {
    mode: e.NASHRA_MODE,
    ...(e.NASHRA_STAGE ? { stage: e.NASHRA_STAGE } : {}),
    home,
    region: e.AWS_REGION,
    endpoints: {
      dynamodb: e.AWS_ENDPOINT_URL_DYNAMODB,
      ses: e.AWS_ENDPOINT_URL_SES,
      sqs: e.AWS_ENDPOINT_URL_SQS,
      scheduler: e.AWS_ENDPOINT_URL_SCHEDULER,
      cloudformation: e.AWS_ENDPOINT_URL_CLOUDFORMATION,
      secretsManager: e.AWS_ENDPOINT_URL_SECRETS_MANAGER,
      sesv2: e.AWS_ENDPOINT_URL_SESV2,
      cognito: e.AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER,
    },
    tables: tableNamesFor(e.NASHRA_TABLE_PREFIX),
    tablePrefix: e.NASHRA_TABLE_PREFIX,
    mail: {
      from: e.NASHRA_FROM_ADDRESS,
      unsubscribeMailto: e.NASHRA_UNSUBSCRIBE_MAILTO,
      listId: e.NASHRA_LIST_ID,
      configurationSet: e.NASHRA_SES_CONFIGURATION_SET,
      sendRate: e.NASHRA_SEND_RATE,
    },
    send: {
      queueUrl: e.NASHRA_SEND_QUEUE_URL ?? 'http://127.0.0.1/000000000000/nashra-send',
      maxConcurrency: e.NASHRA_SENDER_CONCURRENCY ?? senderConcurrencyFor(e.NASHRA_SEND_RATE),
      batchSize: 10,
      leaseMs: 2 * e.NASHRA_SENDER_TIMEOUT_SECONDS * 1000,
      timeoutSeconds: e.NASHRA_SENDER_TIMEOUT_SECONDS,
      transientBounceLimit: e.NASHRA_TRANSIENT_BOUNCE_LIMIT,
      deliveryRetentionDays: e.NASHRA_DELIVERY_RETENTION_DAYS,
    },
    deadLetterQueues: Object.fromEntries(
      deadLetterKinds.map((kind) => [
        kind,
        `http://127.0.0.1/000000000000/${localDeadLetterQueueName(kind)}`,
      ]),
    ) as Record<DeadLetterKind, string>,
    baseUrl: (e.NASHRA_BASE_URL ?? `http://127.0.0.1:${e.NASHRA_API_PORT}`).replace(/\/$/, ''),
    linkSigningKey:
      e.NASHRA_LINK_SIGNING_KEY ??
      (e.NASHRA_MODE === 'local' ? localSecret(home, LOCAL_KEYRING_FILE) : undefined),
    timeZone: e.NASHRA_TIME_ZONE,
    quietHours: parseQuietHours(e.NASHRA_QUIET_HOURS, e.NASHRA_TIME_ZONE),
    ports: { api: e.NASHRA_API_PORT, dynamodb: e.NASHRA_DYNAMODB_PORT, ses: e.NASHRA_SES_PORT },
    dynamodbEngine: e.NASHRA_DYNAMODB_ENGINE,
    ingestKey:
      e.NASHRA_INGEST_KEY ?? (e.NASHRA_MODE === 'local' ? localSecret(home, 'ingest.key') : undefined),
    ingest: {
      feeds: e.NASHRA_FEEDS,
      pollCron: e.NASHRA_FEED_POLL_CRON,
      feedFailurePolls: e.NASHRA_FEED_FAILURE_POLLS,
      topicMap: e.NASHRA_TOPIC_MAP,
      urgentCategories: e.NASHRA_URGENT_CATEGORY,
      // The demo sites locally, so that the demo's English article pairs with its Arabic original.
      sites:
        e.NASHRA_SITES ??
        (e.NASHRA_MODE === 'local'
          ? { ar: 'ar.iraqicivilsociety.example', en: 'www.iraqicivilsociety.example' }
          : {}),
      maxFeedBytes: e.NASHRA_FEED_MAX_BYTES,
      maxItemBytes: e.NASHRA_ITEM_MAX_BYTES,
      fetchTimeoutMs: e.NASHRA_FEED_TIMEOUT_MS,
      allowedAddresses: e.NASHRA_FEED_ALLOW_ADDRESSES,
    },
    subscribe: {
      limits: { client: e.NASHRA_SUBSCRIBE_LIMIT_CLIENT, address: e.NASHRA_SUBSCRIBE_LIMIT_ADDRESS },
      unsubscribeNotice: e.NASHRA_UNSUBSCRIBE_NOTICE,
      pendingExpiryDays: e.NASHRA_PENDING_EXPIRY_DAYS,
    },
    staff: {
      userPoolId: e.NASHRA_STAFF_USER_POOL_ID,
      clientId: e.NASHRA_STAFF_CLIENT_ID,
      idleMinutes: e.NASHRA_CONSOLE_IDLE_MINUTES,
      maxHours: e.NASHRA_CONSOLE_SESSION_HOURS,
      signInLimits: {
        client: e.NASHRA_CONSOLE_SIGN_IN_LIMIT_CLIENT,
        account: e.NASHRA_CONSOLE_SIGN_IN_LIMIT_ACCOUNT,
      },
      demoPassword: e.NASHRA_DEMO_STAFF_PASSWORD,
    },
  };
}

/** Local mode's link-signing keyring (or single key), under NASHRA_HOME unless NASHRA_LINK_SIGNING_KEY is set. */
export const LOCAL_KEYRING_FILE = 'link-signing.key';

/** The path of local mode's keyring file in a NASHRA_HOME. */
export const localKeyringPath = (home: string) => join(home, LOCAL_KEYRING_FILE);

function localSecret(home: string, file: string): string {
  const path = join(home, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  makePrivateDir(home);
  const secret = randomBytes(32).toString('base64url');
  try {
    writePrivateFile(path, secret, 'wx');
    return secret;
  } catch (error) {
    // Another process created it first: theirs is the one every link is signed with.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw error;
  }
}
