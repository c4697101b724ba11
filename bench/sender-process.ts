// The sender alone, in a process of its own: what the send-worker function does per mail (claim the
// delivery, fill the variant's MIME, SendRawEmail, record the outcome), with no local stack in the
// process (no taps, no queue endpoint, no emulator: those run elsewhere), so its CPU is the sender's.
// Started by sender.ts with the environment of a seeded table set; writes its figures to
// BENCH_RESULT_FILE. The digest is fanned out first, into memory and untimed; then its jobs go to the
// send worker's own handler (createSendWorker) in SQS-sized batches of 10, as many batches side by
// side as the stage's sender concurrency, as the send queue's event source would hand them out. The
// first BENCH_WARM_UP_MAILS jobs are sent before the clocks start.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { SendJob } from '../functions/core/ports';
import { sendDigest } from '../functions/core/send/send-digest';
import { createSendWorker } from '../functions/handlers/send-worker';
import { mjmlMailRenderer } from '../functions/runtime/rendering';
import { createRuntime } from '../functions/runtime/runtime';
import { senderParts, sendingParts } from '../functions/runtime/sending';
import { loadConfig } from '../functions/shared/config';
import { fixtureWindow } from './fixtures';

const resultFile = process.env.BENCH_RESULT_FILE;
if (!resultFile) throw new Error('BENCH_RESULT_FILE is not set');

const config = loadConfig(process.env);
const runtime = createRuntime('local', config, { renderer: mjmlMailRenderer });
const schedule = await runtime.repos.schedules.get('bench');
if (!schedule) throw new Error('no schedule bench: sender.ts seeds it');

const jobs: SendJob[] = [];
const inMemoryQueue = {
  enqueue: async (batch: SendJob[]) => {
    jobs.push(...batch);
  },
};
const outcome = await sendDigest(
  schedule,
  { since: fixtureWindow.start, until: fixtureWindow.end },
  { ...sendingParts(runtime), queue: inMemoryQueue },
);
if (!('issue' in outcome)) throw new Error(`the digest was not fanned out: ${outcome.status}`);

const worker = createSendWorker(senderParts(runtime));
const batches: SQSEvent[] = [];
for (let start = 0; start < jobs.length; start += 10)
  batches.push({
    Records: jobs.slice(start, start + 10).map(
      (job, index) =>
        ({
          messageId: `m${start + index}`,
          body: JSON.stringify(job),
          attributes: { ApproximateReceiveCount: '1' },
        }) as unknown as SQSRecord,
    ),
  });

const concurrency = config.send.maxConcurrency;
let retried = 0;
/** Sends the batches from `next` up to `end`, `concurrency` of them side by side. */
let next = 0;
const sendUpTo = (end: number) =>
  Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < end) {
        const batch = batches[next++] as SQSEvent;
        const response = await worker(batch);
        retried += response.batchItemFailures.length;
      }
    }),
  );
const warmUpBatches = Math.ceil(Number(process.env.BENCH_WARM_UP_MAILS ?? 0) / 10);
await sendUpTo(warmUpBatches);
const measured = jobs.length - Math.min(warmUpBatches * 10, jobs.length);
const cpuBefore = process.cpuUsage();
const eluBefore = performance.eventLoopUtilization();
const startedAt = performance.now();
await sendUpTo(batches.length);
const seconds = (performance.now() - startedAt) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const elu = performance.eventLoopUtilization(eluBefore);
const issue = await runtime.repos.issues.get(outcome.issue.id);
await runtime.close();
writeFileSync(
  resultFile,
  JSON.stringify({
    jobs: jobs.length,
    sent: issue?.sent ?? 0,
    measured,
    failed: issue?.failed ?? 0,
    retried,
    concurrency,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    eventLoopUtilization: elu.utilization,
  }),
);
