import type { BundleResult, LibrariesFloor } from './bundles';
import type { ConsoleResult, PageLatency } from './console';
import type { Ceiling, SdkCallsFloor } from './emulator-ceiling';
import type { EndToEndResult } from './end-to-end';
import { type FanOutBenchResult, fanOutGoal, fanOutIsRight } from './fan-out';
import type { RenderResult } from './render';
import type { SenderResult } from './sender';

export interface BenchResults {
  date: string;
  mode: string;
  machine: { cpus: number; cpuModel: string; node: string; platform: string };
  render: RenderResult;
  fanOut: FanOutBenchResult;
  endToEnd: EndToEndResult;
  sender: SenderResult;
  /** `--full` only: the 100,000-reader run's peak memory against a 10,000-reader run's. */
  full?: { rssRatio: number; peakRssMb: Record<string, number>; tenThousand: EndToEndResult };
  pacing: EndToEndResult;
  ceilings: {
    digestBytes: number;
    dynamodb: Ceiling;
    dynamodbViaTap: Ceiling;
    ses: Ceiling;
    sesViaTap: Ceiling;
  };
  bundles: BundleResult[];
  /**
   * What the goals of the sender's CPU and of the readers' import time are read against: the same work
   * with nothing of nashra's in it (the sender's three AWS calls alone; the readers' libraries alone).
   */
  floors: { senderSdkCalls: SdkCallsFloor; readersLibraries: LibrariesFloor };
  console: ConsoleResult;
}

const verdict = (met: boolean) => (met ? 'met' : 'MISSED');
/** How a floor stands to its goal: at or above it, no code on top of that work can meet the goal here. */
const floorWords = (floor: number, goal: number) =>
  floor < goal ? `${Math.round((floor / goal) * 100)} % of the goal` : 'at or over the goal';

function table(title: string, header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return [
    title,
    line(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...cells.slice(1).map(line),
    '',
  ].join('\n');
}

/** The figures as tables, each beside its goal. */
export function printReport(results: BenchResults): void {
  const { render, endToEnd, pacing, ceilings } = results;
  const out: string[] = [];
  out.push(
    `nashra bench (${results.mode}) · ${results.date} · ${results.machine.cpus} × ${results.machine.cpuModel} · Node ${results.machine.node}\n`,
  );
  out.push(
    table(
      `Render: ${render.detail.articles}-article bilingual digest, per recipient (medians)`,
      ['figure', 'value', 'goal', ''],
      [
        ['real path (sign + fill + MIME)', `${render.perRecipientMicros} µs`, '', ''],
        [`sign the links (${render.detail.linksSigned})`, `${render.detail.signMicros} µs`, '', ''],
        [
          'fill + MIME',
          `${render.detail.fillAndMimeMicros} µs`,
          '≤ 20 µs',
          verdict(render.detail.fillAndMimeMicros <= 20),
        ],
        ['MJML compile per recipient', `${render.naivePerRecipientMicros} µs`, '', ''],
        ['speedup', `${render.speedup}×`, '≥ 800×', verdict(render.speedup >= 800)],
        [
          'compiles per digest',
          render.compilesPerDigest,
          '1 per variant',
          verdict(render.compilesPerDigest === 4),
        ],
      ],
    ),
  );
  const { fanOut } = results;
  const count = (n: number) => n.toLocaleString('en');
  out.push(
    table(
      `Fan-out alone: one digest to ${count(fanOut.readers)} readers through local mode's SQS endpoint, pages of ${count(fanOut.detail.pageSize)}, ${fanOut.detail.pagesInFlight} in flight`,
      ['figure', 'value', 'goal', ''],
      [
        [
          `fan-out, ${count(fanOut.readers)} readers, nothing consuming`,
          `${count(fanOut.readersPerSecond)}/s (${fanOut.seconds} s)`,
          `≥ ${count(fanOutGoal)}/s`,
          verdict(fanOut.readersPerSecond >= fanOutGoal),
        ],
        [
          'jobs in the queue',
          `${count(fanOut.jobs)} for ${count(fanOut.readersWithJob)} readers, ${fanOut.duplicates} dupes; ${count(fanOut.detail.issueRecipients)} counted`,
          'one per reader',
          verdict(fanOutIsRight(fanOut)),
        ],
        [
          `of the time, rendering ${fanOut.detail.variants} variants`,
          `${fanOut.detail.renderSeconds} s`,
          '',
          '',
        ],
        [
          'requests',
          Object.entries(fanOut.detail.requests)
            .sort(([, a], [, b]) => b - a)
            .map(([operation, n]) => `${operation} ${count(n)}`)
            .join(', '),
          '',
          '',
        ],
        [
          'peak RSS; CPU cores fan-out / dynalite',
          `${fanOut.peakRssMb} MB; ${fanOut.detail.cpuCores.fanOut} / ${fanOut.detail.cpuCores.dynalite}`,
          '',
          '',
        ],
      ],
    ),
  );
  const e2eRow = (name: string, run: EndToEndResult) => [
    name,
    run.subscribers,
    `${run.targetRate}/s`,
    `${run.achievedRate}/s`,
    run.ratio,
    run.delivered,
    run.duplicates,
    run.detail.sesRetries + run.detail.requeued,
    `${run.peakRssMb} MB`,
    `${run.detail.cpuCores.nashra} / ${run.detail.cpuCores.dynalite} / ${run.detail.cpuCores.ses}`,
  ];
  out.push(
    table(
      'End to end: fan-out → queue → sender → SES emulator (goal: ratio ≥ 0.95, every mail once, no retries)',
      [
        'run',
        'readers',
        'R',
        'achieved',
        'ratio',
        'delivered',
        'dupes',
        'retries',
        'peak RSS',
        'CPU cores nashra/dynalite/ses',
      ],
      [e2eRow('at R', endToEnd), e2eRow('pacing', pacing)],
    ),
  );
  const { sender, full, floors } = results;
  const slowest = Math.min(ceilings.dynamodbViaTap.mailsPerSecond, ceilings.sesViaTap.mailsPerSecond);
  out.push(
    table(
      'Send path against its limits',
      ['figure', 'value', 'goal', ''],
      [
        [
          `the sender's own CPU per mail (the sender alone, ${sender.mails} mails after ${sender.warmUpMails} to warm up, ${sender.mailsPerSecond}/s)`,
          `${sender.cpuMsPerMail} ms`,
          '≤ 2.0 ms',
          verdict(sender.cpuMsPerMail <= 2),
        ],
        [
          `  its floor: the three AWS calls alone, client CPU per mail, the least of ${Object.keys(floors.senderSdkCalls.byCallsInFlight).join(' / ')} in flight (${Object.values(floors.senderSdkCalls.byCallsInFlight).join(' / ')} ms)`,
          `${floors.senderSdkCalls.msPerMail} ms`,
          '',
          floorWords(floors.senderSdkCalls.msPerMail, 2),
        ],
        [
          `end to end at R ÷ the slowest emulator through the taps (${endToEnd.achievedRate}/s ÷ ${slowest}/s)`,
          endToEnd.ratioToCeiling ?? '',
          '≥ 0.85',
          verdict((endToEnd.ratioToCeiling ?? 0) >= 0.85),
        ],
        ...(full
          ? [
              [
                `peak RSS, ${endToEnd.subscribers.toLocaleString('en')} readers ÷ 10,000 (${endToEnd.peakRssMb} MB ÷ ${full.tenThousand.peakRssMb} MB)`,
                full.rssRatio,
                '≤ 1.25',
                verdict(full.rssRatio <= 1.25),
              ],
            ]
          : []),
      ],
    ),
  );
  const ceilingRow = (name: string, ceiling: Ceiling) => [
    name,
    ceiling.viaTap ? 'through the local tap' : 'straight',
    `${ceiling.mailsPerSecond}/s`,
    `${ceiling.emulatorCpuMsPerMail} ms`,
    `${ceiling.clientCpuMsPerMail} ms`,
  ];
  out.push(
    table(
      `Emulators alone (a mail = claim PutItem + mark UpdateItem; SendRawEmail of ${ceilings.digestBytes} bytes)`,
      ['emulator', 'path', 'ceiling', 'emulator CPU/mail', 'client CPU/mail'],
      [
        ceilingRow('dynalite', ceilings.dynamodb),
        ceilingRow('dynalite', ceilings.dynamodbViaTap),
        ceilingRow('aws-ses-v2-local', ceilings.ses),
        ceilingRow('aws-ses-v2-local', ceilings.sesViaTap),
      ],
    ),
  );
  out.push(
    table(
      "Cold start: Lambda bundles (goal for handlers that do not render, the readers' http-api first: ≤ 150 ms to import; ≤ 500 KB, which the bundled AWS SDK alone exceeds)",
      ['handler', 'renders', 'mjml inside', 'size', 'import', ''],
      [
        ...results.bundles.map((bundle) => [
          bundle.handler,
          bundle.renders ? 'yes' : 'no',
          bundle.containsMjml ? 'yes' : 'no',
          `${Math.round(bundle.bytes / 1024)} KB`,
          `${bundle.importMs} ms`,
          bundle.renders
            ? ''
            : `${verdict(bundle.importMs <= 150)} (import)${bundle.bytes <= 500 * 1024 ? '' : ', size over'}`,
        ]),
        [
          `floor of ${floors.readersLibraries.handler}: the libraries it needs, alone`,
          '',
          '',
          `${Math.round(floors.readersLibraries.bytes / 1024)} KB`,
          `${floors.readersLibraries.importMs} ms`,
          floorWords(floors.readersLibraries.importMs, 150),
        ],
      ],
    ),
  );
  out.push(consoleTable(results.console));
  process.stdout.write(`${out.join('\n')}\n`);
}

/** The console's page latencies beside their goal. */
export function consoleTable(result: ConsoleResult): string {
  const pages = result.detail;
  const pageRow = (name: string, page: PageLatency) => [
    name,
    page.requests,
    `${page.p50Ms} ms`,
    `${page.p95Ms} ms`,
    `${page.maxMs} ms`,
    '≤ 200 ms',
    verdict(page.p95Ms <= 200),
  ];
  return table(
    `Console: ${pages.readers.toLocaleString('en')} readers, ${pages.issues} issues, the latest ${pages.deliveredIssues} delivered to every reader (${pages.deliveries.toLocaleString('en')} records); requests through the app in-process, one staff member, one at a time`,
    ['page', 'requests', 'p50', 'p95', 'max', 'goal (p95)', ''],
    [
      pageRow('overview (GET /console/overview)', pages.overview),
      pageRow('reader search (find by address + reader page)', pages.readerSearch),
    ],
  );
}
