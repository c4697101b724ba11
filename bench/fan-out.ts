import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { QueueJournal } from '../functions/local/queue-journal';
import { type ChildEmulator, killOnExit } from './emulators';
import { benchRun, seedDigestRun } from './seed';
import { round } from './stats';

/** The fan-out figure's goal, from issue 18: readers enqueued a second. */
export const fanOutGoal = 5_000;

export interface FanOutBenchResult {
  readers: number;
  /** From the start of sendDigest to its return: every page enqueued and counted, the issue settled. */
  seconds: number;
  readersPerSecond: number;
  /** Jobs the send queue holds: one per reader when right. */
  jobs: number;
  /** Readers with a job. */
  readersWithJob: number;
  /** Jobs beyond the first for one reader. */
  duplicates: number;
  peakRssMb: number;
  detail: {
    pageSize: number;
    pagesInFlight: number;
    /** Of `seconds`, rendering the variants (each once), which the fan-out waits for. */
    renderSeconds: number;
    /** AWS API calls the local services answered during the run, by operation. */
    requests: Record<string, number>;
    variants: number;
    compiles: number;
    /** The recipients the issue counted (the fan-out position's conditional writes). */
    issueRecipients: number;
    issueFannedOut: boolean;
    seedSeconds: number;
    /**
     * CPU used over the run, in cores (1 = one core busy the whole time): the fan-out process (with
     * local mode's SQS endpoint and DynamoDB tap in it) and dynalite (from the process's start to its end).
     */
    cpuCores: { fanOut: number; dynalite: number };
  };
}

interface ProcessResult {
  seconds: number;
  renderSeconds: number;
  recipients: number;
  issueRecipients: number;
  issueFannedOut: boolean;
  compiles: number;
  variants: number;
  pageSize: number;
  pagesInFlight: number;
  requests: Record<string, number>;
  cpuSeconds: number;
  maxRssMb: number;
  peakSampledRssMb: number;
}

const root = join(import.meta.dirname, '..');

/**
 * Seeds `readers` readers across the four variants and fans one digest out to them through local
 * mode's real path (the runtime's fan-out parts, the SQS endpoint `nashra dev` serves, the send queue
 * and its journal), nashra in a child process against the given dynalite, with nothing consuming the
 * queue. Then reads the queue's journal (what it would hand the senders, even after a restart) and
 * counts the jobs by reader.
 */
export async function measureFanOut(options: {
  readers: number;
  dynalite: ChildEmulator;
  ses: ChildEmulator;
  /** Writes a CPU profile of the fan-out process (node --cpu-prof) into this folder. */
  profileDir?: string;
}): Promise<FanOutBenchResult> {
  const { home, runTag, resultFile, env } = benchRun('benchfan', options);
  try {
    const seedStart = Date.now();
    await seedDigestRun(env, options.readers, runTag);
    const seedSeconds = (Date.now() - seedStart) / 1000;

    const dynaliteCpuBefore = options.dynalite.cpuSeconds();
    const profile = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/fan-out-process.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit(child);
    const output: string[] = [];
    const keep = (line: string) => output.push(line);
    createInterface({ input: child.stdout }).on('line', keep);
    createInterface({ input: child.stderr }).on('line', keep);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exit) => resolve(exit)));
    if (code !== 0)
      throw new Error(`the fan-out process exited with ${code}:\n${output.slice(-20).join('\n')}`);
    const dynaliteCpu = options.dynalite.cpuSeconds() - dynaliteCpuBefore;
    const run = JSON.parse(readFileSync(resultFile, 'utf8')) as ProcessResult;

    // Where local mode keeps the send queue (functions/local/wiring.ts): every job not yet handled.
    const kept = new QueueJournal<{ messageId: string; sentAt: number; body: string }>(
      join(home, 'queues', 'nashra-send'),
    ).recover();
    const perReader = new Map<string, number>();
    for (const message of kept) {
      const { subscriberId } = JSON.parse(message.body) as { subscriberId: string };
      perReader.set(subscriberId, (perReader.get(subscriberId) ?? 0) + 1);
    }
    const duplicates = [...perReader.values()].reduce((sum, count) => sum + count - 1, 0);
    return {
      readers: options.readers,
      seconds: round(run.seconds, 3),
      readersPerSecond: Math.round(options.readers / run.seconds),
      jobs: kept.length,
      readersWithJob: perReader.size,
      duplicates,
      peakRssMb: round(Math.max(run.maxRssMb, run.peakSampledRssMb)),
      detail: {
        pageSize: run.pageSize,
        pagesInFlight: run.pagesInFlight,
        renderSeconds: round(run.renderSeconds, 3),
        requests: run.requests,
        variants: run.variants,
        compiles: run.compiles,
        issueRecipients: run.issueRecipients,
        issueFannedOut: run.issueFannedOut,
        seedSeconds: round(seedSeconds),
        cpuCores: {
          fanOut: round(run.cpuSeconds / run.seconds, 2),
          dynalite: round(dynaliteCpu / run.seconds, 2),
        },
      },
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** Right when every reader has exactly one job and the issue counted each once. */
export function fanOutIsRight(run: FanOutBenchResult): boolean {
  return (
    run.jobs === run.readers &&
    run.readersWithJob === run.readers &&
    run.duplicates === 0 &&
    run.detail.issueRecipients === run.readers
  );
}
