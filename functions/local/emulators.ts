import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { DynamoEngine } from '../shared/config';
import { makePrivateDir } from '../shared/private-files';
import { startDynamoDbLocal } from './dynamodb-local';
import { guardLoopbackServer } from './loopback-guard';

const require = createRequire(import.meta.url);

export interface RunningService {
  url: string;
  close(): Promise<void>;
}

export function serverUrl(server: Server): string {
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Where an engine keeps local mode's data under NASHRA_HOME: the two store it in different formats. */
export function dynamoDataFolder(home: string, engine: DynamoEngine): string {
  return join(home, engine === 'dynalite' ? 'dynamodb' : 'dynamodb-local');
}

/**
 * A DynamoDB API: dynalite on loopback behind the loopback guard (the default), or AWS's DynamoDB Local,
 * which needs Java 17+ and listens on every interface. With `path`, data lives in that folder and
 * survives a restart; without, in memory. Port 0 takes a free port.
 */
export async function startDynamoEmulator(options: {
  engine?: DynamoEngine;
  port: number;
  path?: string;
}): Promise<RunningService> {
  if (options.engine === 'dynamodb-local') return startDynamoDbLocal(options);
  // LevelDB creates the folder's files itself, with the process's umask (the CLI sets 077): the folder
  // is made first, owner-only, so that they are never readable by others whatever the umask.
  if (options.path) makePrivateDir(options.path);
  // Loaded here, not with the module: a command that joins `nashra dev` or a configured endpoint starts none.
  const { default: dynalite } = await import('dynalite');
  // dynalite answers any origin's CORS preflight and checks no signature: only local tools may call it.
  const server = guardLoopbackServer(
    dynalite({
      createTableMs: 0,
      deleteTableMs: 0,
      updateTableMs: 0,
      ...(options.path ? { path: options.path } : {}),
    }),
  );
  try {
    await listen(server, options.port);
  } catch (error) {
    throw new Error(
      `could not start the DynamoDB emulator on 127.0.0.1:${options.port}: ${(error as Error).message}`,
    );
  }
  return { url: serverUrl(server), close: () => closeServer(server) };
}

/**
 * The SES API on loopback (aws-ses-v2-local), with its web view of sent mail at `/`, behind the
 * loopback guard (the view's own page calls it from its own origin).
 */
export async function startSesEmulator(options: { port: number }): Promise<RunningService> {
  const start = require('aws-ses-v2-local').default as (config: {
    host: string;
    port: number;
  }) => Promise<Server>;
  let server: Server;
  try {
    // Its `/store` holds every mail sent, links and tokens included: only its own page may read it.
    server = guardLoopbackServer(await start({ host: '127.0.0.1', port: options.port }));
  } catch (error) {
    throw new Error(
      `could not start the SES emulator on 127.0.0.1:${options.port}: ${(error as Error).message}`,
    );
  }
  return { url: serverUrl(server), close: () => closeServer(server) };
}
