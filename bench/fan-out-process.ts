// One digest's fan-out alone, in a process of its own so that its peak memory and CPU profile are the
// fan-out's: sendDigest → the send queue through local mode's SQS endpoint (the one `nashra dev`
// serves), with nothing consuming the queue. Started by fan-out.ts with the stack's environment;
// writes its figures to BENCH_RESULT_FILE. The jobs stay in the queue's journal for fan-out.ts to count.
import { subscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { pagesInFlight } from '../functions/core/send/fan-out';
import { sendDigest } from '../functions/core/send/send-digest';
import { mjmlCompiler } from '../functions/runtime/rendering';
import { fanOutParts } from '../functions/runtime/sending';
import { startBenchChild } from './child-process';
import { fixtureWindow } from './fixtures';
import { benchScheduleName } from './seed';

const { resultFile, runtime, stack, peakSampledRssMb } = await startBenchChild();
const queueName = stack.config.send.queueUrl.split('/').pop() ?? '';
const queue = stack.triggers.getQueue(queueName);
if (!queue) throw new Error(`local mode wired no send queue ${queueName}`);
// Nothing consumes the send queue: it takes and keeps every job (in its journal), hands out none.
queue.stop();
const parts = fanOutParts(runtime);
/** Time spent rendering the digest's variants (MJML, once each), which the fan-out waits for. */
let renderSeconds = 0;
const services = {
  ...parts,
  renderer: {
    ...parts.renderer,
    renderDigest: async (input: Parameters<typeof parts.renderer.renderDigest>[0]) => {
      const started = performance.now();
      try {
        return await parts.renderer.renderDigest(input);
      } finally {
        renderSeconds += (performance.now() - started) / 1000;
      }
    },
  },
};
const schedule = await services.schedules.get(benchScheduleName);
if (!schedule) throw new Error(`no schedule ${benchScheduleName}: fan-out.ts seeds it`);
// MJML's one-time import (about a second: a cold start's cost, not the fan-out's) before the clock.
await import('mjml');

/** The AWS API calls this process's local services answered (the DynamoDB tap and the SQS endpoint). */
const requests: Record<string, number> = {};
subscribe('http.server.request.start', (message) => {
  const target = (message as { request: IncomingMessage }).request.headers['x-amz-target'];
  const operation =
    String(target ?? 'other')
      .split('.')
      .pop() ?? 'other';
  requests[operation] = (requests[operation] ?? 0) + 1;
});

const cpuBefore = process.cpuUsage();
const startedAt = performance.now();
const outcome = await sendDigest(
  schedule,
  { since: fixtureWindow.start, until: fixtureWindow.end },
  services,
);
const seconds = (performance.now() - startedAt) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const peakRssMb = peakSampledRssMb();

if (!('issue' in outcome) || !('fanOut' in outcome))
  throw new Error(`the digest was not sent: ${outcome.status}`);
const issue = await services.issues.get(outcome.issue.id);
const result = {
  seconds,
  renderSeconds,
  recipients: outcome.fanOut.recipients,
  issueRecipients: issue?.recipients ?? 0,
  issueFannedOut: issue?.fannedOut ?? false,
  compiles: mjmlCompiler(runtime).compileCount,
  variants: issue?.variantKeys.length ?? 0,
  pageSize: services.pageSize,
  pagesInFlight,
  requests,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  peakSampledRssMb: peakRssMb,
  queueStore: stack.queueStore,
};
await runtime.close();
writeFileSync(resultFile, JSON.stringify(result));
