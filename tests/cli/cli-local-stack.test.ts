import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '../../bin/nashra.js');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function status(env: NodeJS.ProcessEnv) {
  const { stdout } = await run('node', [cli, 'status', '--json'], { env: { ...process.env, ...env } });
  return JSON.parse(stdout);
}

describe('the nashra CLI in local mode', () => {
  it('reports the SES endpoint given by AWS_ENDPOINT_URL_SES and starts only DynamoDB itself', async () => {
    const home = mkdtempSync(join(tmpdir(), 'nashra-cli-'));
    const report = await status({ NASHRA_HOME: home, AWS_ENDPOINT_URL_SES: 'http://127.0.0.1:9' });
    expect(report.ses).toBe('http://127.0.0.1:9');
    expect(report.running).toEqual({ dynamodb: 'started', ses: 'external', api: 'not running' });
    expect(Object.keys(report.tables).sort()).toEqual([
      'articles',
      'audit',
      'counters',
      'deliveries',
      'issues',
      'schedules',
      'staffSessions',
      'subscribers',
    ]);
  });

  it('runs `nashra dev` with demo data, shares it with other commands, keeps data across restarts and leaves no port open', async () => {
    const home = mkdtempSync(join(tmpdir(), 'nashra-dev-'));
    const ports = {
      NASHRA_API_PORT: await freePort(),
      NASHRA_DYNAMODB_PORT: await freePort(),
      NASHRA_SES_PORT: await freePort(),
    };
    const env = {
      ...process.env,
      NASHRA_HOME: home,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    };

    const startDev = async () => {
      const dev = spawn('node', [cli, 'dev'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      dev.stdout.on('data', (chunk) => {
        output += chunk;
      });
      // Generous: on DynamoDB Local a cold JVM serves the demo load, ~40 s on two busy cores.
      await expect.poll(() => output, { timeout: 90_000, interval: 100 }).toContain('Press Ctrl-C to stop.');
      return { dev, output: () => output };
    };
    const stop = async (dev: ReturnType<typeof spawn>) => {
      const exited = new Promise((resolve) => dev.once('exit', resolve));
      dev.kill('SIGINT');
      return exited;
    };

    const first = await startDev();
    expect(first.output()).toContain('demo data loaded');
    expect(first.output()).toContain(`http://127.0.0.1:${ports.NASHRA_SES_PORT}/`);
    const shared = await status(env);
    expect(shared.running).toEqual({ dynamodb: 'dev', ses: 'dev', api: 'dev' });
    expect(shared.tables.articles).toBe(3);
    const health = await fetch(`http://127.0.0.1:${ports.NASHRA_API_PORT}/health`);
    expect(await health.json()).toEqual({ ok: true });
    // The console on the same server, and the demo staff account's password, shown this once.
    expect(first.output()).toMatch(
      new RegExp(
        `Console +http://127\\.0\\.0\\.1:${ports.NASHRA_API_PORT}/console +staff sign-in: staff@nashra\\.example, password \\S{20} +\\(shown this once\\)`,
      ),
    );
    expect(shared.console).toBe(`http://127.0.0.1:${ports.NASHRA_API_PORT}/console`);
    const signIn = await fetch(`http://127.0.0.1:${ports.NASHRA_API_PORT}/console/sign-in`);
    expect(signIn.status).toBe(200);
    // The staff ingest route on the same server too (on AWS it is a function of its own).
    const ingestKey = readFileSync(join(home, 'ingest.key'), 'utf8').trim();
    const ingested = await fetch(`http://127.0.0.1:${ports.NASHRA_API_PORT}/api/articles`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          title: 'Statement from the dev server',
          url: 'https://www.example.org/dev-server-statement/',
          lang: 'en',
          bodyHtml: '<p>The statement.</p>',
        },
      ]),
    });
    expect(ingested.status).toBe(200);
    expect((await status(env)).tables.articles).toBe(4);
    expect(await stop(first.dev)).toBe(0);
    for (const port of Object.values(ports)) expect(await portIsFree(port)).toBe(true);

    const second = await startDev();
    expect(second.output()).not.toContain('demo data loaded');
    expect(second.output()).toContain('its password was shown when it was made');
    expect((await status(env)).tables.articles).toBe(4);
    expect(await stop(second.dev)).toBe(0);
    for (const port of Object.values(ports)) expect(await portIsFree(port)).toBe(true);
  }, 240_000);
});
