import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { type OpenRuntime, openRuntime } from '../runtime/open-runtime';
import type { Target } from '../runtime/runtime';
import { logger, logSafeError } from '../shared/logger';

/** Thrown for a command's own refusals: printed as the message alone, exit code 1 (or the one given). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const stageName = /^[a-z][a-z0-9-]{0,20}$/;

/** The target of a command: `--stage NAME` (before or after the command), else NASHRA_STAGE, else local mode. */
export function targetOf(command: Command): Target {
  const given = (command.optsWithGlobals() as { stage?: string }).stage ?? process.env.NASHRA_STAGE;
  if (given === undefined || given === '') return 'local';
  if (!stageName.test(given))
    throw new CliError(`--stage must be a stage name (lower-case letters, digits, dashes), not "${given}"`);
  return { stage: given };
}

/** Refuses a command that only makes sense in local mode when a stage is named, saying why. */
export function localOnly(command: Command, why: string): void {
  if (targetOf(command) !== 'local') throw new CliError(`${command.name()} is local-only: ${why}`);
}

/**
 * The composition root of one staff command: opens the command's runtime (local mode, or the stage
 * `--stage` names), runs the command, waits until local mode has handled everything the command set
 * off (stream records, queued sends), then closes what it opened. With `staff`, local mode also reaches
 * the staff's identity service (joining `nashra dev`'s, or starting cognito-local for the command).
 */
export async function withRuntime<T>(
  command: Command,
  run: (runtime: OpenRuntime) => Promise<T>,
  options: { staff?: boolean } = {},
): Promise<T> {
  const runtime = await openRuntime(targetOf(command), { env: process.env, staff: options.staff });
  try {
    const result = await run(runtime);
    await runtime.local?.triggers.idle();
    return result;
  } finally {
    await runtime.close();
  }
}

/**
 * Asks staff a yes/no question on the terminal before something that cannot be taken back; anything
 * but yes refuses with `declined`. Off a terminal (a script, a pipe) nobody can answer, so it refuses
 * at once with the question and `offTerminal` (which names the `--yes` that skips asking).
 */
export async function confirm(
  question: string,
  words: { offTerminal: string; declined: string },
): Promise<void> {
  if (!process.stdin.isTTY) throw new CliError(`${question} ${words.offTerminal}`);
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question(`${question} [y/N] `);
  prompt.close();
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError(words.declined);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Refusals that are the user's to fix: said plainly, not logged as failures. */
const userErrors = new Set([
  'CliError',
  'ValidationError',
  'NotFoundError',
  'ConflictError',
  'ConfigError',
  'StageError',
  'RuntimeError',
  'KeyringError',
]);

/** Prints a failed command's reason on stderr in words and gives its exit code. */
export function reportFailure(error: unknown): number {
  if (error instanceof Error && userErrors.has(error.name)) {
    process.stderr.write(`nashra: ${error.message}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
  logger.error('command failed', { error: logSafeError(error) });
  return 1;
}
