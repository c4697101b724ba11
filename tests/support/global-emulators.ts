import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { strictTap } from '../../functions/local/aws-contract/strict-tap';
import { startDynamoEmulator, startSesEmulator } from '../../functions/local/emulators';
import { startServiceTap } from '../../functions/local/service-tap';
import { type DynamoEngine, loadConfig } from '../../functions/shared/config';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DynamoDB for the tests: the emulator behind the strict layer that refuses what AWS refuses. */
    dynamodbUrl: string;
    /** SES for the tests: the emulator behind the strict layer. */
    sesUrl: string;
    /** The DynamoDB emulator itself, for tests that show what it accepts and AWS would not. */
    rawDynamodbUrl: string;
    /** The SES emulator itself. */
    rawSesUrl: string;
    /** Which DynamoDB emulator the run uses (NASHRA_DYNAMODB_ENGINE). */
    dynamodbEngine: DynamoEngine;
  }
}

/**
 * Starts the real emulators once for the whole run, on free ports: the DynamoDB engine
 * NASHRA_DYNAMODB_ENGINE names (dynalite by default, in memory) and aws-ses-v2-local, each behind a
 * strict tap holding AWS's API contract, so every test's requests are judged as AWS would judge them.
 * Suites isolate themselves with their own table prefix.
 */
export default async function setup(project: TestProject) {
  const defaults = loadConfig({
    NASHRA_HOME: mkdtempSync(join(tmpdir(), 'nashra-setup-')),
    NASHRA_DYNAMODB_ENGINE: process.env.NASHRA_DYNAMODB_ENGINE,
  });
  const dynamodb = await startDynamoEmulator({ engine: defaults.dynamodbEngine, port: 0 });
  const ses = await startSesEmulator({ port: 0 });
  const strictDynamodb = await startServiceTap({
    port: 0,
    upstream: dynamodb.url,
    tap: strictTap('dynamodb'),
  });
  const strictSes = await startServiceTap({
    port: 0,
    upstream: ses.url,
    // The one configuration set that exists: the one local mode and the tests are configured with.
    tap: strictTap('ses', { configurationSets: [defaults.mail.configurationSet] }),
  });
  project.provide('dynamodbUrl', strictDynamodb.url);
  project.provide('sesUrl', strictSes.url);
  project.provide('rawDynamodbUrl', dynamodb.url);
  project.provide('rawSesUrl', ses.url);
  project.provide('dynamodbEngine', defaults.dynamodbEngine);
  return async () => {
    await strictSes.close();
    await strictDynamodb.close();
    await ses.close();
    await dynamodb.close();
  };
}
