import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type ChildEmulator, clearSesStore, killOnExit } from './emulators';
import { benchRun, seedDigestRun } from './seed';
import { round } from './stats';

export interface SenderResult {
  /** Mails sent while measured (the warm-up's are sent before, and not counted). */
  mails: number;
  /** Mails sent first, unmeasured: the JIT's and the SDK clients' first calls, a cold start's cost. */
  warmUpMails: number;
  /** The sender process's CPU (user + system) over the measured send, per mail, in milliseconds. */
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
 * Mails a sender sends before it is measured. A send worker's container lives for thousands of mails;
 * its first hundred or so pay for compiling the code and the SDK clients' first calls (a cold start's
 * cost, measured by the bundles' import times), which in a 500-mail run would be a third of the figure.
 */
export const senderWarmUpMails = 200;

/**
 * The sender's own CPU per mail: `subscribers` readers seeded (and `senderWarmUpMails` more), one
 * digest fanned out into memory and then sent by the send worker's handler in a process that runs
 * nothing else (sender-process.ts), straight to the emulators (no local taps): the warm-up's mails
 * first, unmeasured, then the rest, measured. The rate is set far above what the process can do, so it
 * sends as fast as its CPU and the emulators let it.
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
    BENCH_WARM_UP_MAILS: String(senderWarmUpMails),
  });
  try {
    await seedDigestRun(env, options.subscribers + senderWarmUpMails, runTag);
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
      measured: number;
      failed: number;
      retried: number;
      concurrency: number;
      seconds: number;
      cpuSeconds: number;
      eventLoopUtilization: number;
    };
    return {
      mails: run.sent - (run.jobs - run.measured),
      warmUpMails: senderWarmUpMails,
      cpuMsPerMail: round((run.cpuSeconds * 1000) / Math.max(run.measured, 1), 2),
      mailsPerSecond: round(run.measured / run.seconds),
      concurrency: run.concurrency,
      eventLoopUtilization: round(run.eventLoopUtilization, 2),
      failed: run.failed,
      retried: run.retried,
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
