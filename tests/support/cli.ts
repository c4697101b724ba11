import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const cli = join(import.meta.dirname, '../../bin/nashra.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The real `nashra` command, run as a process against the run's emulators with a NASHRA_HOME and a
 * table prefix of its own (one per call of this function, shared by the commands it runs).
 */
export function cliRunner(extraEnv: NodeJS.ProcessEnv = {}) {
  const env = {
    ...process.env,
    NASHRA_HOME: mkdtempSync(join(tmpdir(), 'nashra-cli-')),
    NASHRA_TABLE_PREFIX: `c${randomBytes(4).toString('hex')}-`,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbUrl'),
    AWS_ENDPOINT_URL_SES: inject('sesUrl'),
    POWERTOOLS_LOG_LEVEL: 'WARN',
    ...extraEnv,
  };
  const run = async (...args: string[]): Promise<CliRun> => {
    try {
      const { stdout, stderr } = await promisify(execFile)('node', [cli, ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };
  /** The same, with `input` written to the command's standard input (`--password-stdin`). */
  const runWithInput = (input: string, ...args: string[]): Promise<CliRun> =>
    new Promise((resolve, reject) => {
      const child = spawn('node', [cli, ...args], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      child.stdin.end(input);
    });
  return { env, run, runWithInput };
}
