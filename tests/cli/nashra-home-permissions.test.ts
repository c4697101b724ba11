import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { dynamoDataFolder } from '../../functions/local/emulators';
import { cliRunner } from '../support/cli';

const cli = join(import.meta.dirname, '../../bin/nashra.js');
/** The local database's folder under NASHRA_HOME for the run's engine (the CLI inherits the setting). */
const database = dynamoDataFolder('', inject('dynamodbEngine'));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Every folder and file under `root` (itself included) with its permission bits, as `path: 0700`. */
function modesUnder(root: string): Record<string, string> {
  const modes: Record<string, string> = {};
  const visit = (path: string) => {
    const stat = statSync(path);
    modes[relative(root, path) || '.'] = (stat.mode & 0o777).toString(8).padStart(4, '0');
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
  };
  visit(root);
  return modes;
}

/** What is not owner-only: folders other than 0700, files other than 0600. */
function notOwnerOnly(root: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(modesUnder(root)).filter(([path, mode]) =>
      statSync(join(root, path)).isDirectory() ? mode !== '0700' : mode !== '0600',
    ),
  );
}

describe('NASHRA_HOME', () => {
  it('is created owner-only by a CLI command: the folder, its keys and the local database', async () => {
    const home = join(mkdtempSync(join(tmpdir(), 'nashra-perm-')), 'home');
    const { run } = cliRunner({ NASHRA_HOME: home, AWS_ENDPOINT_URL_DYNAMODB: undefined });
    // `status` starts a database of its own: on DynamoDB Local a JVM, ~20 s on two busy cores.
    expect((await run('status')).code).toBe(0);
    const modes = modesUnder(home);
    expect(Object.keys(modes)).toEqual(expect.arrayContaining(['.', 'link-signing.key', database]));
    expect(notOwnerOnly(home)).toEqual({});
  }, 90_000);

  it('holds only owner-only folders and files while `nashra dev` runs: stack, demo marker, outbox, queues', async () => {
    const home = join(mkdtempSync(join(tmpdir(), 'nashra-perm-')), 'home');
    const env = {
      ...process.env,
      NASHRA_HOME: home,
      NASHRA_API_PORT: String(await freePort()),
      NASHRA_DYNAMODB_PORT: String(await freePort()),
      NASHRA_SES_PORT: String(await freePort()),
      POWERTOOLS_LOG_LEVEL: 'WARN',
    };
    const dev = spawn('node', [cli, 'dev'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => dev.once('exit', resolve));
    let output = '';
    dev.stdout.on('data', (chunk) => {
      output += chunk;
    });
    try {
      // Generous: on DynamoDB Local a cold JVM serves the demo load, ~40 s on two busy cores.
      await expect.poll(() => output, { timeout: 90_000, interval: 200 }).toContain('Press Ctrl-C to stop.');
      // The demo digests go out through the queues: wait for mail in the outbox.
      await expect
        .poll(() => readdirSync(join(home, 'outbox')).length, { timeout: 40_000, interval: 200 })
        .toBeGreaterThan(0);
      expect(Object.keys(modesUnder(home))).toEqual(
        expect.arrayContaining(['stack.json', 'demo-loaded', 'ingest.key', 'outbox', 'queues', database]),
      );
      expect(notOwnerOnly(home)).toEqual({});
    } finally {
      dev.kill('SIGINT');
      await exited;
    }
  }, 180_000);
});
