import { spawn } from 'node:child_process';
import {
  closeSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type ChildEmulator, clearSesStore, killOnExit, processCpuSeconds } from './emulators';
import { smallDigestArticles } from './fixtures';
import { benchRun, seedDigestRun } from './seed';
import { round } from './stats';

export interface EndToEndResult {
  subscribers: number;
  targetRate: number;
  /** Mails SES accepted per second, from the first acceptance to the last. */
  achievedRate: number;
  ratio: number;
  /**
   * The achieved rate ÷ the slowest emulator's ceiling through the local taps, measured in the same run
   * (bench/run.ts sets it once the ceilings are known): how near the whole local path gets to the
   * limit of the machine's stand-ins for AWS.
   */
  ratioToCeiling?: number;
  /** Distinct recipients whose mail SES accepted (read from the outbox). */
  delivered: number;
  /** Mails beyond the first to one recipient. */
  duplicates: number;
  /** Peak resident memory of the nashra process (the emulators run in processes of their own). */
  peakRssMb: number;
  detail: {
    articles: number;
    variants: number;
    compiles: number;
    senderConcurrency: number;
    seedSeconds: number;
    /** From the first mail SES accepted to the last. */
    sendSeconds: number;
    /** From the start of the digest to its last page enqueued. */
    fanOutSeconds: number;
    issueStatus: string | undefined;
    issueSent: number;
    issueFailed: number;
    /** Sends retried in an invocation after a transient SES error (throttling, 5xx, dropped connection). */
    sesRetries: number;
    /** Jobs handed back to the queue for a later try. */
    requeued: number;
    deadLetters: number;
    errorLogs: number;
    /** Seeded readers whose mail never reached SES. */
    missing: number;
    /** CPU used over the send phase, in cores (1 = one core busy the whole time). */
    cpuCores: { nashra: number; dynalite: number; ses: number };
    nashraEventLoopUtilization: number;
    /** The sender's own CPU per mail, from the run of the sender alone (bench/sender.ts); set by bench/run.ts. */
    senderCpuMsPerMail?: number;
  };
}

interface ProcessResult {
  status?: string;
  recipients: number;
  sent: number;
  failed: number;
  compiles: number;
  variants: number;
  deadLetters: number;
  startedAt: number;
  fannedOutAt: number;
  finishedAt: number;
  eventLoopUtilization: number;
  maxRssMb: number;
  peakSampledRssMb: number;
  senderConcurrency: number;
}

const root = join(import.meta.dirname, '..');

/** Reads the recipient and time of every mail in the outbox, then deletes the file: the disk stays small. */
class OutboxCounter {
  readonly perRecipient = new Map<string, number>();
  first = Number.POSITIVE_INFINITY;
  last = 0;
  accepted = 0;
  private readonly head = Buffer.alloc(4096);

  constructor(private readonly dir: string) {}

  /** `final`: the sender has exited, so every file is complete. Before that a file may be half written. */
  sweep(final = false): void {
    let files: string[];
    try {
      files = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const file of files) {
      if (!file.endsWith('.eml')) continue;
      const path = join(this.dir, file);
      const modified = statSync(path).mtimeMs;
      const fd = openSync(path, 'r');
      const length = readSync(fd, this.head, 0, this.head.length, 0);
      closeSync(fd);
      const to = /\r\nTo: ([^\r\n]+)/.exec(this.head.toString('latin1', 0, length))?.[1];
      if (!to) {
        if (final) throw new Error(`no To header in the outbox's ${file}`);
        continue;
      }
      unlinkSync(path);
      this.perRecipient.set(to, (this.perRecipient.get(to) ?? 0) + 1);
      this.accepted += 1;
      this.first = Math.min(this.first, modified);
      this.last = Math.max(this.last, modified);
    }
  }
}

interface CpuSample {
  at: number;
  nashra: number;
  dynalite: number;
  ses: number;
}

/** CPU cores each process used between two instants, from the samples nearest to them. */
function cpuBetween(samples: CpuSample[], from: number, to: number) {
  const nearest = (at: number) =>
    samples.reduce((best, sample) => (Math.abs(sample.at - at) < Math.abs(best.at - at) ? sample : best));
  const a = nearest(from);
  const b = nearest(to);
  const seconds = (b.at - a.at) / 1000;
  const cores = (key: 'nashra' | 'dynalite' | 'ses') =>
    seconds > 0 ? round((b[key] - a[key]) / seconds, 2) : 0;
  return { nashra: cores('nashra'), dynalite: cores('dynalite'), ses: cores('ses') };
}

/**
 * Seeds `subscribers` readers across the four variants and sends one digest to them through the real
 * local path at `rate`, nashra in a child process against the given emulators. Counts every mail SES
 * accepted from the outbox (deleting each file once read) and clears the SES emulator's store as it
 * goes, so neither the disk nor the emulator's memory grows with the run.
 */
export async function measureEndToEnd(options: {
  subscribers: number;
  rate: number;
  dynalite: ChildEmulator;
  ses: ChildEmulator;
  /** Writes a CPU profile of the nashra process (node --cpu-prof) into this folder. */
  profileDir?: string;
}): Promise<EndToEndResult> {
  const { home, runTag, resultFile, env } = benchRun('bench', options, {
    NASHRA_SEND_RATE: String(options.rate),
    POWERTOOLS_LOG_LEVEL: 'INFO',
  });
  try {
    const seedStart = Date.now();
    await seedDigestRun(env, options.subscribers, runTag);
    const seedSeconds = (Date.now() - seedStart) / 1000;

    const outbox = new OutboxCounter(join(home, 'outbox'));
    const profile = options.profileDir ? ['--cpu-prof', '--cpu-prof-dir', options.profileDir] : [];
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/end-to-end-process.ts'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit(child);
    const logs = { sesRetries: 0, requeued: 0, errors: 0 };
    const stderr: string[] = [];
    const readLogs = (line: string) => {
      let entry: { level?: string; message?: string; retries?: number; retry?: number };
      try {
        entry = JSON.parse(line);
      } catch {
        stderr.push(line);
        return;
      }
      if (entry.message === 'send batch done') {
        logs.sesRetries += entry.retries ?? 0;
        logs.requeued += entry.retry ?? 0;
      }
      if (entry.level === 'ERROR' || entry.level === 'CRITICAL') {
        logs.errors += 1;
        stderr.push(line);
      }
    };
    createInterface({ input: child.stdout }).on('line', readLogs);
    createInterface({ input: child.stderr }).on('line', readLogs);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    const samples: CpuSample[] = [];
    const sample = () =>
      samples.push({
        at: Date.now(),
        nashra: processCpuSeconds(child.pid as number),
        dynalite: options.dynalite.cpuSeconds(),
        ses: options.ses.cpuSeconds(),
      });
    let ticks = 0;
    const timer = setInterval(() => {
      if (child.exitCode === null) sample();
      outbox.sweep();
      if (++ticks % 4 === 0) void clearSesStore(options.ses.url).catch(() => undefined);
    }, 500);
    const code = await exited;
    clearInterval(timer);
    outbox.sweep(true);
    await clearSesStore(options.ses.url);
    if (code !== 0)
      throw new Error(`the end-to-end process exited with ${code}:\n${stderr.slice(-20).join('\n')}`);

    const run = JSON.parse(readFileSync(resultFile, 'utf8')) as ProcessResult;
    const duplicates = [...outbox.perRecipient.values()].reduce((sum, count) => sum + count - 1, 0);
    const sendSeconds = (outbox.last - outbox.first) / 1000;
    const achievedRate = sendSeconds > 0 ? (outbox.accepted - 1) / sendSeconds : 0;
    return {
      subscribers: options.subscribers,
      targetRate: options.rate,
      achievedRate: round(achievedRate),
      ratio: round(achievedRate / options.rate, 3),
      delivered: outbox.perRecipient.size,
      duplicates,
      peakRssMb: round(Math.max(run.maxRssMb, run.peakSampledRssMb)),
      detail: {
        articles: smallDigestArticles.length,
        variants: run.variants,
        compiles: run.compiles,
        senderConcurrency: run.senderConcurrency,
        seedSeconds: round(seedSeconds),
        sendSeconds: round(sendSeconds),
        fanOutSeconds: round((run.fannedOutAt - run.startedAt) / 1000),
        issueStatus: run.status,
        issueSent: run.sent,
        issueFailed: run.failed,
        sesRetries: logs.sesRetries,
        requeued: logs.requeued,
        deadLetters: run.deadLetters,
        errorLogs: logs.errors,
        missing: options.subscribers - outbox.perRecipient.size,
        cpuCores: cpuBetween(samples, outbox.first, outbox.last),
        nashraEventLoopUtilization: round(run.eventLoopUtilization, 2),
      },
    };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}
