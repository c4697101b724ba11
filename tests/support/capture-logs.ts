import { appendFileSync } from 'node:fs';
import { logCaptureFile } from './log-scan';

/**
 * In each test process: everything written to stdout and stderr (the structured logger writes there
 * directly, not through console) is also appended to the run's log capture, which the run scans for
 * addresses when it ends (log-privacy.ts). A process that runs several test files wraps only once.
 */
const captured = Symbol.for('nashra.test.logCapture');
const file = logCaptureFile();
for (const stream of [process.stdout, process.stderr] as Array<NodeJS.WriteStream & { [captured]?: true }>) {
  if (stream[captured]) continue;
  stream[captured] = true;
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    appendFileSync(file, typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}
