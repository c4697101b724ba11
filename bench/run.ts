// npm run bench [-- --quick | --full] [--rate R] [--subscribers N] [--pace-rate P] [--profile] [--only console]
// The send path's figures: render cost per recipient, a digest's fan-out alone (10,000 readers, nothing
// consuming the queue), a digest end to end against the emulators, the sender alone,
// the emulators' own ceilings, each Lambda bundle's size and import time, and the staff console's page
// latency with 10,000 readers and 500 issues. Prints a table and writes bench/results.json. Times are
// reported, never asserted; only a wrong delivery (a mail missing or sent twice, a reader with no send
// job or two) or a console page
// answering something other than its page fails the run. `--only console` measures the console alone
// (printed, no results.json written).
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { measureBundles, measureReadersLibraries } from './bundles';
import { measureConsole } from './console';
import {
  digestSizedMessage,
  measureDynamoCeiling,
  measureSdkCallsFloor,
  measureSesCeiling,
} from './emulator-ceiling';
import { type ChildEmulator, startDynalite, startSesEmulator } from './emulators';
import { measureEndToEnd } from './end-to-end';
import { fanOutIsRight, measureFanOut } from './fan-out';
import { measureRender } from './render';
import { consoleTable, printReport } from './report';
import { measureSender } from './sender';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    rate: { type: 'string', default: '500' },
    subscribers: { type: 'string' },
    'pace-rate': { type: 'string', default: '50' },
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
if (values.quick && values.full) throw new Error('give --quick or --full, not both');
if (values.only !== undefined && values.only !== 'console')
  throw new Error(`--only takes "console", not "${values.only}"`);
const positive = (name: string, value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new Error(`--${name} must be a positive whole number`);
  return number;
};
const mode = values.quick ? 'quick' : values.full ? 'full' : 'default';
const rate = positive('rate', values.rate);
const paceRate = positive('pace-rate', values['pace-rate']);
const subscribers = values.subscribers
  ? positive('subscribers', values.subscribers)
  : { quick: 2_000, default: 10_000, full: 100_000 }[mode];
const scale = {
  quick: {
    recipients: 2_000,
    naive: 8,
    importRuns: 1,
    ceilingMails: 300,
    senderMails: 500,
    paced: 200,
    consoleRequests: 30,
    consoleDeliveredIssues: 1,
  },
  default: {
    recipients: 20_000,
    naive: 40,
    importRuns: 5,
    ceilingMails: 2_000,
    senderMails: 4_000,
    paced: 1_000,
    consoleRequests: 100,
    consoleDeliveredIssues: 10,
  },
  full: {
    recipients: 20_000,
    naive: 40,
    importRuns: 5,
    ceilingMails: 3_000,
    senderMails: 4_000,
    paced: 2_000,
    consoleRequests: 100,
    consoleDeliveredIssues: 10,
  },
}[mode];
const outDir = join(import.meta.dirname, 'out');

const emulators: ChildEmulator[] = [];
const stopEmulators = () => Promise.all(emulators.splice(0).map((emulator) => emulator.stop()));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stopEmulators().finally(() => process.exit(130));
  });
}

const step = (text: string) => process.stderr.write(`bench: ${text}\n`);

/** The console's pages with 10,000 readers and 500 issues. */
function measureConsolePages(dynalite: ChildEmulator, ses: ChildEmulator) {
  step(
    `console: 10,000 readers, 500 issues (the latest ${scale.consoleDeliveredIssues} delivered to every reader), ${scale.consoleRequests} requests of each page`,
  );
  return measureConsole({
    readers: 10_000,
    issues: 500,
    deliveredIssues: scale.consoleDeliveredIssues,
    requests: scale.consoleRequests,
    dynalite,
    ses,
  });
}

/** Every figure, written to bench/results.json and printed. */
async function measureEverything() {
  step('render: real path against an MJML compile per recipient');
  const render = await measureRender({ recipients: scale.recipients, naiveRecipients: scale.naive });

  step('bundles: each handler built as CDK builds it, imported in a fresh node');
  const bundles = await measureBundles({ runs: scale.importRuns, outDir: join(outDir, 'bundles') });
  const readersLibraries = await measureReadersLibraries({
    runs: scale.importRuns,
    outDir: join(outDir, 'bundles'),
  });

  step('starting dynalite and aws-ses-v2-local as child processes');
  const [dynalite, ses] = await Promise.all([startDynalite(), startSesEmulator()]);
  emulators.push(dynalite, ses);
  try {
    step('emulator ceilings: each emulator alone, straight and through the local taps');
    const raw = await digestSizedMessage();
    const ceilings = {
      digestBytes: raw.length,
      dynamodb: await measureDynamoCeiling({
        dynalite,
        mails: scale.ceilingMails,
        concurrency: 100,
        viaTap: false,
      }),
      dynamodbViaTap: await measureDynamoCeiling({
        dynalite,
        mails: scale.ceilingMails,
        concurrency: 100,
        viaTap: true,
      }),
      ses: await measureSesCeiling({ ses, raw, mails: scale.ceilingMails, concurrency: 20, viaTap: false }),
      sesViaTap: await measureSesCeiling({
        ses,
        raw,
        mails: scale.ceilingMails,
        concurrency: 20,
        viaTap: true,
      }),
    };

    step("the sender's floor: its three AWS calls alone, 10, 30 and 100 in flight");
    const senderSdkCalls = await measureSdkCallsFloor({
      dynalite,
      ses,
      raw,
      mails: scale.ceilingMails,
      inFlight: [10, 30, 100],
    });

    step('fan-out: 10,000 readers, nothing consuming the send queue');
    const fanOut = await measureFanOut({
      readers: 10_000,
      dynalite,
      ses,
      ...(values.profile ? { profileDir: join(outDir, 'profile-fan-out') } : {}),
    });

    step(`end to end: ${subscribers} readers at ${rate}/s`);
    const endToEnd = await measureEndToEnd({
      subscribers,
      rate,
      dynalite,
      ses,
      ...(values.profile ? { profileDir: join(outDir, 'profile') } : {}),
    });

    step(`the sender alone: ${scale.senderMails} mails, its own CPU per mail`);
    const sender = await measureSender({
      subscribers: scale.senderMails,
      dynalite,
      ses,
      ...(values.profile ? { profileDir: join(outDir, 'profile-sender') } : {}),
    });
    const slowestCeiling = Math.min(
      ceilings.dynamodbViaTap.mailsPerSecond,
      ceilings.sesViaTap.mailsPerSecond,
    );
    endToEnd.ratioToCeiling = Math.round((endToEnd.achievedRate / slowestCeiling) * 1000) / 1000;
    endToEnd.detail.senderCpuMsPerMail = sender.cpuMsPerMail;

    // --full: the peak memory of the 100,000-reader run against a 10,000-reader run of the same path.
    const full =
      mode === 'full'
        ? await (async () => {
            step('full: 10,000 readers at R, for the peak memory the 100,000-reader run is read against');
            const tenThousand = await measureEndToEnd({ subscribers: 10_000, rate, dynalite, ses });
            return {
              rssRatio: Math.round((endToEnd.peakRssMb / tenThousand.peakRssMb) * 100) / 100,
              peakRssMb: { [endToEnd.subscribers]: endToEnd.peakRssMb, 10000: tenThousand.peakRssMb },
              tenThousand,
            };
          })()
        : undefined;

    step(`pacing: ${scale.paced} readers at ${paceRate}/s, under every ceiling`);
    const pacing = await measureEndToEnd({ subscribers: scale.paced, rate: paceRate, dynalite, ses });

    const consoleLatency = await measureConsolePages(dynalite, ses);

    const results = {
      date: new Date().toISOString(),
      mode,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
      },
      render,
      fanOut,
      endToEnd,
      sender,
      ...(full ? { full } : {}),
      pacing,
      ceilings,
      bundles,
      floors: { senderSdkCalls, readersLibraries },
      console: consoleLatency,
    };
    writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    printReport(results);

    const wrong = [endToEnd, pacing, ...(full ? [full.tenThousand] : [])].filter(
      (run) => run.duplicates > 0 || run.delivered !== run.subscribers,
    );
    if (wrong.length > 0 || sender.mails !== scale.senderMails || sender.failed > 0) {
      process.stderr.write('bench: a reader got no mail or more than one: the send path is wrong\n');
      process.exitCode = 1;
    }
    if (!fanOutIsRight(fanOut)) {
      process.stderr.write(
        `bench: fan-out enqueued ${fanOut.jobs} jobs for ${fanOut.readersWithJob} of ${fanOut.readers} readers (${fanOut.duplicates} duplicates, ${fanOut.detail.issueRecipients} counted): every reader must get exactly one\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    await stopEmulators();
  }
}

if (values.only === 'console') {
  step('starting dynalite and aws-ses-v2-local as child processes');
  const [dynalite, ses] = await Promise.all([startDynalite(), startSesEmulator()]);
  emulators.push(dynalite, ses);
  try {
    process.stdout.write(`${consoleTable(await measureConsolePages(dynalite, ses))}\n`);
  } finally {
    await stopEmulators();
  }
} else await measureEverything();
