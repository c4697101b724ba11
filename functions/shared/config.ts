import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { type TableNames, tableNamesFor } from './tables';

const port = z.coerce.number().int().min(1).max(65535);

/**
 * Every setting nashra reads, with the defaults of local mode. On AWS the stateless stack sets each of
 * these on the function; `NASHRA_MODE=aws` turns off the local defaults that would be wrong there.
 */
const environmentSchema = z
  .object({
    NASHRA_MODE: z.enum(['local', 'aws']).default('local'),
    NASHRA_HOME: z.string().min(1).default('.nashra'),
    AWS_REGION: z.string().min(1).default('eu-west-1'),
    AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
    AWS_ENDPOINT_URL_SES: z.url().optional(),
    NASHRA_TABLE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.-]*$/)
      .default('nashra-local-'),
    NASHRA_FROM_ADDRESS: z.string().min(3).default('ICSSI نشرة <bulletin@nashra.example>'),
    NASHRA_UNSUBSCRIBE_MAILTO: z.email().default('unsubscribe@nashra.example'),
    NASHRA_LIST_ID: z.string().min(3).default('bulletin.nashra.example'),
    NASHRA_BASE_URL: z.url().optional(),
    NASHRA_LINK_SIGNING_KEY: z.string().min(32).optional(),
    NASHRA_SES_CONFIGURATION_SET: z.string().min(1).default('nashra'),
    NASHRA_SEND_RATE: z.coerce.number().positive().default(50),
    NASHRA_TIME_ZONE: z.string().min(1).default('Asia/Baghdad'),
    NASHRA_API_PORT: port.default(8787),
    NASHRA_DYNAMODB_PORT: port.default(8788),
    NASHRA_SES_PORT: port.default(8789),
    NASHRA_INGEST_KEY: z.string().min(16).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.NASHRA_MODE !== 'aws') return;
    for (const name of ['NASHRA_BASE_URL', 'NASHRA_LINK_SIGNING_KEY'] as const) {
      if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: `${name} is required on AWS` });
    }
  });

export interface Config {
  mode: 'local' | 'aws';
  /** Absolute path of the folder that holds all local state. */
  home: string;
  region: string;
  endpoints: { dynamodb?: string; ses?: string };
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
  baseUrl: string;
  linkSigningKey: string;
  timeZone: string;
  ports: { api: number; dynamodb: number; ses: number };
  /** Key for the staff ingest endpoint in local mode; on AWS that endpoint is IAM-authorised. */
  ingestKey?: string;
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
    home,
    region: e.AWS_REGION,
    endpoints: { dynamodb: e.AWS_ENDPOINT_URL_DYNAMODB, ses: e.AWS_ENDPOINT_URL_SES },
    tables: tableNamesFor(e.NASHRA_TABLE_PREFIX),
    tablePrefix: e.NASHRA_TABLE_PREFIX,
    mail: {
      from: e.NASHRA_FROM_ADDRESS,
      unsubscribeMailto: e.NASHRA_UNSUBSCRIBE_MAILTO,
      listId: e.NASHRA_LIST_ID,
      configurationSet: e.NASHRA_SES_CONFIGURATION_SET,
      sendRate: e.NASHRA_SEND_RATE,
    },
    baseUrl: (e.NASHRA_BASE_URL ?? `http://127.0.0.1:${e.NASHRA_API_PORT}`).replace(/\/$/, ''),
    linkSigningKey: e.NASHRA_LINK_SIGNING_KEY ?? localSecret(home, 'link-signing.key'),
    timeZone: e.NASHRA_TIME_ZONE,
    ports: { api: e.NASHRA_API_PORT, dynamodb: e.NASHRA_DYNAMODB_PORT, ses: e.NASHRA_SES_PORT },
    ingestKey:
      e.NASHRA_INGEST_KEY ?? (e.NASHRA_MODE === 'local' ? localSecret(home, 'ingest.key') : undefined),
  };
}

function localSecret(home: string, file: string): string {
  const path = join(home, file);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(home, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  try {
    writeFileSync(path, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    // Another process created it first: theirs is the one every link is signed with.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8').trim();
    throw error;
  }
}

let cached: Config | undefined;

/** The process's configuration, validated on first use (a Lambda's cold start) and kept. */
export function config(): Config {
  cached ??= loadConfig(process.env);
  return cached;
}
