import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

export interface ChildEmulator {
  url: string;
  pid: number;
  /** CPU seconds (user + system) the process has used so far, from /proc. */
  cpuSeconds(): number;
  /** Resident memory now, in MB, from /proc. */
  rssMb(): number;
  stop(): Promise<void>;
}

/** A free loopback port: bound, read and released (a child process then binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const clockTicks = 100;

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
export function processCpuSeconds(pid: number): number {
  // /proc/<pid>/stat: fields 14 and 15 (utime, stime) in clock ticks, after the parenthesised name.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

function procRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function waitUntilAnswering(url: string, child: ChildProcess, name: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${name} did not answer on ${url} within 20 s`);
}

/** Children still running: killed when this process exits, however it exits, so none is left behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill();
});

/** Kills `child` if this process exits first. */
export function killOnExit(child: ChildProcess): void {
  running.add(child);
  child.once('exit', () => running.delete(child));
}

async function startChild(name: string, args: string[], port: number): Promise<ChildEmulator> {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  killOnExit(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(url, child, name);
  } catch (error) {
    child.kill();
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  const pid = child.pid as number;
  return {
    url,
    pid,
    cpuSeconds: () => processCpuSeconds(pid),
    rssMb: () => procRssMb(pid),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/**
 * dynalite in a process of its own (in memory), so that it gets its own CPU and its memory is not
 * counted as nashra's.
 */
export async function startDynalite(): Promise<ChildEmulator> {
  const port = await freePort();
  return startChild(
    'dynalite',
    ['node_modules/dynalite/cli.js', '--host', '127.0.0.1', '--port', String(port), '--createTableMs', '0'],
    port,
  );
}

/** aws-ses-v2-local in a process of its own. It keeps every mail in memory: clear it with `clearSesStore`. */
export async function startSesEmulator(): Promise<ChildEmulator> {
  const port = await freePort();
  return startChild(
    'aws-ses-v2-local',
    ['node_modules/aws-ses-v2-local/dist/cli.js', '--host', '127.0.0.1', '--port', String(port)],
    port,
  );
}

/** Drops the mail the SES emulator holds (it would otherwise grow by every message sent). */
export async function clearSesStore(sesUrl: string): Promise<void> {
  const response = await fetch(`${sesUrl}/clear-store`, { method: 'POST' });
  if (!response.ok) throw new Error(`the SES emulator refused /clear-store: ${response.status}`);
}
