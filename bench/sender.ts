import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type ChildEmulator, clearSesStore, killOnExit } from './emulators';
import { benchRun, seedDigestRun } from './seed';
import { round } from './stats';

export interface SenderResult {
  mails: number;
  /** The sender process's CPU (user + system) over the send, per mail sent, in milliseconds. */
  cpuMsPerMail: number;
  /** Mails the lone sender sent per second, nothing paced (the send rate set far above it). */
  mailsPerSecond: number;
  concurrency: number;
  eventLoopUtilization: number;
  failed: number;
  retried: number;
}

const root = join(import.meta.dirname, '..');

/**
 * The sender's own CPU per mail: `subscribers` readers seeded, one digest fanned out into memory and
 * then sent by the send worker's handler in a process that runs nothing else (sender-process.ts),
 * straight to the emulators (no local taps). The rate is set far above what the process can do, so
 * it sends as fast as its CPU and the emulators let it.
 */
export async function measureSender(options: {
  subscribers: number;
  dynalite: ChildEmulator;
  ses: ChildEmulator;
  /** Writes a CPU profile of the sender process (node --cpu-prof) into this folder. */
  profileDir?: string;
}): Promise<SenderResult> {
  const { home, runTag, resultFile, env } = benchRun('benchsend', options, {
    NASHRA_SEND_RATE: '100000',
    NASHRA_SENDER_CONCURRENCY: '10',
  });
  try {
    await seedDigestRun(env, options.subscribers, runTag);
    const profile = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/sender-process.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    killOnExit(child);
    const stderr: string[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    // The SES emulator keeps every mail in memory: emptied as the run goes, so it stays small.
    const clearing = setInterval(() => void clearSesStore(options.ses.url).catch(() => undefined), 2000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearInterval(clearing);
    await clearSesStore(options.ses.url);
    if (code !== 0)
      throw new Error(`the sender process exited with ${code}:\n${stderr.join('').slice(-2000)}`);
    const run = JSON.parse(readFileSync(resultFile, 'utf8')) as {
      jobs: number;
      sent: number;
      failed: number;
      retried: number;
      concurrency: number;
      seconds: number;
      cpuSeconds: number;
      eventLoopUtilization: number;
    };
    return {
      mails: run.sent,
      cpuMsPerMail: round((run.cpuSeconds * 1000) / Math.max(run.sent, 1), 2),
      mailsPerSecond: round(run.sent / run.seconds),
      concurrency: run.concurrency,
      eventLoopUtilization: round(run.eventLoopUtilization, 2),
      failed: run.failed,
      retried: run.retried,
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
