import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import * as z from 'zod';
import { createStaffPool, staffPoolExists } from '../adapters/cognito-staff';
import { makePrivateDir, writePrivateFile } from '../shared/private-files';
import { strictTap } from './aws-contract/strict-tap';
import type { RunningService } from './emulators';
import { startServiceTap } from './service-tap';

const require = createRequire(import.meta.url);
const childPreload = fileURLToPath(new URL('./cognito-local-child.cjs', import.meta.url));

/** Where cognito-local keeps its data and its socket, and local mode its pool's ids: owner-only. */
export const cognitoHomeOf = (home: string) => join(home, 'cognito');

// A Unix socket's path is at most 107 bytes on Linux (104 on macOS).
const MAX_SOCKET_PATH = 100;

/** Asks the socket's /health; true when cognito-local answers there. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = request({ socketPath, path: '/health', timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    probe.on('error', () => resolve(false));
    probe.on('timeout', () => {
      probe.destroy();
      resolve(false);
    });
    probe.end();
  });
}

async function waitUntilAnswering(socketPath: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`cognito-local stopped at start (exit ${child.exitCode}); see ${log}`);
    if (await answers(socketPath)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`cognito-local did not answer within 20 s; see ${log}`);
}

/**
 * The Cognito user-pool API on loopback: cognito-local (npm, local mode only; it carries the AWS SDK
 * v2 and is never bundled into a function) as a child process of this one. It listens on a Unix socket
 * inside NASHRA_HOME/cognito (0700), which no other user of the machine and no web page can reach; the
 * one way in is a loopback proxy behind the loopback guard and the strict layer (AWS's answers where
 * cognito-local's differ). Its issuer is that proxy's URL, so the tokens it signs name the address
 * their JWKS is fetched from. Its data stays in that folder across restarts. `close` stops both; the
 * child also stops when this process ends, however it ends (its IPC channel closes).
 */
export async function startCognitoLocal(options: { home: string; port: number }): Promise<RunningService> {
  const folder = cognitoHomeOf(options.home);
  makePrivateDir(join(folder, '.cognito'));
  const socketPath = join(folder, 'cognito.sock');
  if (socketPath.length > MAX_SOCKET_PATH)
    throw new Error(
      `NASHRA_HOME is too deep for cognito-local's socket (${socketPath.length} bytes; at most ${MAX_SOCKET_PATH}): use a shorter NASHRA_HOME`,
    );
  if (await answers(socketPath))
    throw new Error(
      `another nashra process runs cognito-local for ${options.home}: start \`nashra dev\` to share one stack between commands`,
    );
  rmSync(socketPath, { force: true });

  const proxy = await startServiceTap({
    port: options.port,
    upstream: 'http://cognito-local',
    socketPath,
    tap: strictTap('cognito'),
  });
  writePrivateFile(
    join(folder, '.cognito', 'config.json'),
    `${JSON.stringify({ ServerConfig: { port: socketPath, hostname: '127.0.0.1' }, TokenConfig: { IssuerDomain: proxy.url } }, null, 2)}\n`,
  );
  const logPath = join(folder, 'cognito-local.log');
  const log = openSync(logPath, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(
      process.execPath,
      ['--require', childPreload, require.resolve('cognito-local/lib/bin/start.js')],
      {
        cwd: folder,
        stdio: ['ignore', log, log, 'ipc'],
        // Nothing of this process's settings reaches it (cognito-local reads PORT, HOST, CODE, DEBUG).
        env: { PATH: process.env.PATH, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: '1' },
      },
    );
  } finally {
    closeSync(log);
  }
  child.unref();
  child.channel?.unref();
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Unref'd while it runs; waited for now, or a process with nothing else left would end while
      // awaiting it (exit code 13, an unsettled top-level await).
      child.ref();
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(socketPath, { force: true });
  };
  try {
    await waitUntilAnswering(socketPath, child, logPath);
    // Owner-only like every file under NASHRA_HOME (its folder already keeps others out).
    chmodSync(socketPath, 0o600);
  } catch (error) {
    await stop();
    await proxy.close();
    throw error;
  }
  return {
    url: proxy.url,
    close: async () => {
      await proxy.close();
      await stop();
    },
  };
}

const poolFileSchema = z.object({ userPoolId: z.string(), clientId: z.string() });

/**
 * Local mode's staff pool and console app client on `client`'s service: made once, kept in
 * NASHRA_HOME/cognito/pool.json, made again if the service no longer has it. `created` says whether
 * it was made now (a fresh pool has no staff account yet).
 */
export async function ensureLocalStaffPool(
  client: CognitoIdentityProviderClient,
  home: string,
): Promise<{ userPoolId: string; clientId: string; created: boolean }> {
  const folder = cognitoHomeOf(home);
  makePrivateDir(folder);
  const file = join(folder, 'pool.json');
  if (existsSync(file)) {
    const kept = poolFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (kept.success && (await staffPoolExists(client, kept.data.userPoolId)))
      return { ...kept.data, created: false };
  }
  const made = await createStaffPool(client, { name: 'nashra-local-staff', mfa: 'OFF' });
  writePrivateFile(file, `${JSON.stringify(made, null, 2)}\n`);
  return { ...made, created: true };
}
