// One digest through the real local path, in a process of its own so that its peak memory is
// nashra's alone: fan-out → the local send queue → the sender → SES (the emulator, through the
// outbox tap). Started by end-to-end.ts with the stack's environment; writes its figures to
// BENCH_RESULT_FILE. Its logs (JSON lines on stdout) are read by end-to-end.ts.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { sendDigest } from '../functions/core/send/send-digest';
import { mjmlCompiler } from '../functions/runtime/rendering';
import { sendingParts } from '../functions/runtime/sending';
import { startBenchChild } from './child-process';
import { fixtureWindow } from './fixtures';

const scheduleName = process.env.BENCH_SCHEDULE ?? 'bench';
const { resultFile, runtime, stack, peakSampledRssMb } = await startBenchChild();
const services = sendingParts(runtime);
const schedule = await services.schedules.get(scheduleName);
if (!schedule) throw new Error(`no schedule ${scheduleName}: end-to-end.ts seeds it`);

const cpuBefore = process.cpuUsage();
const eluBefore = performance.eventLoopUtilization();
const startedAt = Date.now();
const outcome = await sendDigest(
  schedule,
  { since: fixtureWindow.start, until: fixtureWindow.end },
  services,
);
const fannedOutAt = Date.now();
await stack.triggers.idle();
const finishedAt = Date.now();
const cpu = process.cpuUsage(cpuBefore);
const elu = performance.eventLoopUtilization(eluBefore);
const peakRssMb = peakSampledRssMb();

if (!('issue' in outcome)) throw new Error(`the digest was not sent: ${outcome.status}`);
const issue = await services.issues.get(outcome.issue.id);
const queue = stack.triggers.getQueue(stack.config.send.queueUrl.split('/').pop() ?? '');
const result = {
  status: issue?.status,
  recipients: issue?.recipients ?? 0,
  sent: issue?.sent ?? 0,
  skipped: issue?.skipped ?? 0,
  failed: issue?.failed ?? 0,
  compiles: mjmlCompiler(runtime).compileCount,
  variants: issue?.variantKeys.length ?? 0,
  deadLetters: queue?.deadLetters.length ?? 0,
  startedAt,
  fannedOutAt,
  finishedAt,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  eventLoopUtilization: elu.utilization,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  peakSampledRssMb: peakRssMb,
  senderConcurrency: stack.config.send.maxConcurrency,
};
await runtime.close();
writeFileSync(resultFile, JSON.stringify(result));
