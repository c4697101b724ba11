import { type LocalStack, openLocalStack } from '../local/stack';
import { wireLocalRuntime } from '../local/wiring';
import { logger } from '../shared/logger';

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

/**
 * Runs a staff command against local mode: joins the `nashra dev` that is up or starts what the
 * command needs, waits until the local runtime has handled everything the command set off (stream
 * records, queued sends), then stops what it started.
 */
export async function withLocalStack<T>(run: (stack: LocalStack) => Promise<T>): Promise<T> {
  const stack = await openLocalStack();
  wireLocalRuntime(stack.runtime, stack.config, { queueStore: stack.queueStore });
  try {
    const result = await run(stack);
    await stack.runtime.idle();
    return result;
  } finally {
    await stack.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Refusals of the core that are the user's to fix: said plainly, not logged as failures. */
const userErrors = new Set(['ValidationError', 'NotFoundError', 'ConflictError', 'ConfigError']);

export function reportFailure(error: unknown): number {
  if (error instanceof CliError) {
    process.stderr.write(`nashra: ${error.message}\n`);
    return error.exitCode;
  }
  if (error instanceof Error && userErrors.has(error.name)) {
    process.stderr.write(`nashra: ${error.message}\n`);
    return 1;
  }
  logger.error('command failed', { error });
  process.stderr.write(`nashra: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}
