import { openRuntime } from '../functions/runtime/open-runtime';

/**
 * The start of a bench child process that opens local mode as `nashra dev` does: the file its figures
 * go to (BENCH_RESULT_FILE), its resident memory sampled every 100 ms from now on, and the local
 * runtime with its stack.
 */
export async function startBenchChild() {
  const resultFile = process.env.BENCH_RESULT_FILE;
  if (!resultFile) throw new Error('BENCH_RESULT_FILE is not set');
  let peakSampledRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakSampledRss = Math.max(peakSampledRss, process.memoryUsage.rss());
  }, 100);
  const runtime = await openRuntime('local', { env: process.env });
  const stack = runtime.local;
  if (!stack) throw new Error('local mode opened without its stack');
  return {
    resultFile,
    runtime,
    stack,
    /** Stops sampling and gives the highest resident memory seen, in MB. */
    peakSampledRssMb: () => {
      clearInterval(sampler);
      return peakSampledRss / 1024 / 1024;
    },
  };
}
