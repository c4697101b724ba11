import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { createDynamoClient, documentClient } from '../../functions/adapters/dynamodb/client';
import { ensureTables } from '../../functions/adapters/dynamodb/table-admin';
import { dynamoStreamTap } from '../../functions/local/dynamodb-stream-tap';
import { startServiceTap } from '../../functions/local/service-tap';
import type { LocalTriggers } from '../../functions/local/triggers';
import { mjmlMailRenderer } from '../../functions/runtime/rendering';
import { createRuntime, type Runtime, type RuntimeParts } from '../../functions/runtime/runtime';
import { type Config, loadConfig } from '../../functions/shared/config';

/**
 * A configuration for one test suite: the run's emulators, a table prefix of its own (tables are
 * created per suite), and a NASHRA_HOME in a fresh temporary folder.
 */
export function suiteConfig(env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({
    NASHRA_HOME: mkdtempSync(join(tmpdir(), 'nashra-test-')),
    NASHRA_TABLE_PREFIX: `t${randomBytes(4).toString('hex')}-`,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbUrl'),
    AWS_ENDPOINT_URL_SES: inject('sesUrl'),
    NASHRA_LINK_SIGNING_KEY: 'test-signing-key-0123456789abcdef0123456789',
    ...env,
  });
}

/**
 * A runtime for one suite (the test's composition root) on `config`, with its tables created from
 * the shared definitions: what a Lambda builds at cold start, against the run's emulators.
 */
export async function suiteRuntime(
  config: Config = suiteConfig(),
  parts: RuntimeParts = {},
): Promise<Runtime> {
  const runtime = createRuntime('local', config, { renderer: mjmlMailRenderer, ...parts });
  await ensureTables(runtime.dynamodb, config.tables);
  return runtime;
}

/** The suite's tables, created from the shared definitions, and a document client on them. */
export async function suiteDatabase(config: Config) {
  const client = createDynamoClient(config);
  await ensureTables(client, config.tables);
  return { client, db: documentClient(client) };
}

export interface StoredMail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
  at: number;
}

/** Mail the SES emulator received, as its `/store` reports it. */
export async function sesStore(sesUrl = inject('sesUrl')): Promise<StoredMail[]> {
  const response = await fetch(`${sesUrl}/store`);
  return ((await response.json()) as { emails: StoredMail[] }).emails;
}

/**
 * A suite's tables behind the DynamoDB stream tap, as local mode wires them: every write to a
 * stream-enabled table reaches `runtime` as a stream record.
 */
export async function suiteDatabaseWithStream(runtime: LocalTriggers) {
  const base = suiteConfig();
  const tap = await startServiceTap({
    port: 0,
    upstream: inject('dynamodbUrl'),
    tap: dynamoStreamTap({
      upstream: inject('dynamodbUrl'),
      region: base.region,
      emit: (table, records) => runtime.emitStream(table, records),
    }),
  });
  const config = { ...base, endpoints: { ...base.endpoints, dynamodb: tap.url } };
  const { client, db } = await suiteDatabase(config);
  return {
    config,
    db,
    close: async () => {
      client.destroy();
      await tap.close();
    },
  };
}
