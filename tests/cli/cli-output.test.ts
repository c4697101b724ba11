import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner } from '../support/cli';

const feeds = join(import.meta.dirname, '../fixtures/feeds');
const cli = join(import.meta.dirname, '../../bin/nashra.js');

describe("a staff command's output", { timeout: 180_000 }, () => {
  it('is words for people on stdout, never a log line, while the handlers it sets off log', async () => {
    const { run } = cliRunner({ POWERTOOLS_LOG_LEVEL: 'INFO' });
    const ingested = await run('ingest', join(feeds, 'icssi-en.atom.xml'), join(feeds, 'icssi-ar.rss.xml'));
    expect(ingested.code).toBe(0);
    expect(ingested.stdout).toMatch(/created/);
    expect(ingested.stdout.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
    expect(ingested.stderr.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
  });

  it('ends quietly, exit 0, when the reader of its output has gone (`| head`)', async () => {
    const { env } = cliRunner();
    // A real shell pipe whose reader is gone before nashra's first line (with pipefail, the pipeline
    // fails if nashra does): every write nashra makes meets a closed pipe.
    const child = spawn('bash', ['-o', 'pipefail', '-c', `node ${cli} status | true`], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
