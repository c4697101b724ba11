import { CloudWatchMetrics } from '../adapters/cloudwatch-metrics';
import { ConfigError, loadConfig } from '../shared/config';
import { logger, logSafeError } from '../shared/logger';
import { createRuntime, type Runtime, type RuntimeParts } from './runtime';

/** A warm function reads its link-signing keyring again after this long: rotations arrive within minutes. */
export const KEY_REFRESH_MS = 2 * 60 * 1000;

export interface LambdaRuntimeOptions extends RuntimeParts {
  /**
   * This function signs or verifies reader links (the HTTP API, the sender): its keyring is required
   * and read at cold start. The stack gives the key to these functions only.
   */
  signsLinks?: boolean;
}

let runtime: Runtime | undefined;
let keysReadAt = Date.now();

/**
 * The composition root of a Lambda function: its runtime, built at cold start from the function's
 * environment (set by the stateless stack; the keyring filled in by infra/runtime/lambda-entry.ts
 * before the handler module loads) and kept for the life of the execution environment. Metrics go to
 * CloudWatch (EMF), published after each invocation by `aroundInvocation`.
 */
export function lambdaRuntime(options: LambdaRuntimeOptions = {}): Runtime {
  if (!runtime) {
    const { signsLinks, ...parts } = options;
    const config = loadConfig(process.env);
    if (signsLinks && !config.linkSigningKey)
      throw new ConfigError(
        'NASHRA_LINK_SIGNING_KEY is required: this function signs or verifies reader links',
      );
    const built = createRuntime('lambda', config, {
      metrics: new CloudWatchMetrics(config.stage ?? 'unknown'),
      ...parts,
    });
    // A malformed keyring fails the cold start, not the first reader's click.
    if (signsLinks) void built.keyring;
    runtime = built;
  }
  return runtime;
}

/**
 * Runs one invocation of the function's handler. Before it, when the keyring was read more than
 * KEY_REFRESH_MS ago, reads it again through `readKeys` (the Parameters and Secrets extension), so a
 * `nashra keys rotate` reaches warm functions within minutes; a failed re-read keeps the keyring held
 * and is logged. After it, publishes the invocation's metrics.
 */
export async function aroundInvocation<T>(
  invoke: () => Promise<T>,
  readKeys?: () => Promise<string>,
): Promise<T> {
  if (runtime && readKeys && Date.now() - keysReadAt >= KEY_REFRESH_MS) {
    keysReadAt = Date.now();
    try {
      runtime.useKeys(await readKeys());
    } catch (error) {
      logger.warn('could not read the link-signing keyring again; keeping the one held', {
        error: logSafeError(error),
      });
    }
  }
  try {
    return await invoke();
  } finally {
    runtime?.metrics.flush();
  }
}
