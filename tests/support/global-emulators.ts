import type { TestProject } from 'vitest/node';
import { startDynamoEmulator, startSesEmulator } from '../../functions/local/emulators';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbUrl: string;
    sesUrl: string;
  }
}

/**
 * Starts the real emulators once for the whole run, on free loopback ports: dynalite (in memory) and
 * aws-ses-v2-local. Suites isolate themselves with their own table prefix.
 */
export default async function setup(project: TestProject) {
  const dynamodb = await startDynamoEmulator({ port: 0 });
  const ses = await startSesEmulator({ port: 0 });
  project.provide('dynamodbUrl', dynamodb.url);
  project.provide('sesUrl', ses.url);
  return async () => {
    await ses.close();
    await dynamodb.close();
  };
}
