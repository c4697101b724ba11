import * as z from 'zod';
import { CloudWatchMetrics } from '../adapters/cloudwatch-metrics';
import { createSchedulerClient, EventBridgeScheduleTriggers } from '../adapters/scheduler';
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
  /** This function keeps the stage's digest schedules in EventBridge Scheduler (the staff console). */
  schedules?: boolean;
}

let runtime: Runtime | undefined;
let keysReadAt = Date.now();

/**
 * Where the function keeps digest schedules in step, as the stack gives it (NASHRA_SCHEDULER, JSON):
 * the staff console's function only, which manages the stage's schedules as `nashra schedule --stage`
 * does. The other functions never write EventBridge Scheduler.
 */
const schedulerSettingSchema = z.object({
  group: z.string().min(1),
  targetArn: z.string().startsWith('arn:'),
  roleArn: z.string().startsWith('arn:'),
  deadLetterArn: z.string().startsWith('arn:'),
});

function schedulerSettingsOf(value: string | undefined) {
  try {
    return schedulerSettingSchema.parse(JSON.parse(value ?? ''));
  } catch {
    throw new ConfigError(
      'NASHRA_SCHEDULER must be the JSON {group, targetArn, roleArn, deadLetterArn} the stack sets on this function',
    );
  }
}

/**
 * The composition root of a Lambda function: its runtime, built at cold start from the function's
 * environment (set by the stateless stack; the keyring filled in by infra/runtime/lambda-entry.ts
 * before the handler module loads) and kept for the life of the execution environment. Metrics go to
 * CloudWatch (EMF), published after each invocation by `aroundInvocation`. With `schedules`, the
 * function also keeps the stage's digest schedules in EventBridge Scheduler.
 */
export function lambdaRuntime(options: LambdaRuntimeOptions = {}): Runtime {
  if (!runtime) {
    const { signsLinks, schedules, ...parts } = options;
    let config = loadConfig(process.env);
    if (signsLinks && !config.linkSigningKey)
      throw new ConfigError(
        'NASHRA_LINK_SIGNING_KEY is required: this function signs or verifies reader links',
      );
    let triggers = parts.triggers;
    if (schedules) {
      config = { ...config, scheduler: schedulerSettingsOf(process.env.NASHRA_SCHEDULER) };
      triggers = new EventBridgeScheduleTriggers(
        createSchedulerClient(config),
        config.scheduler as NonNullable<typeof config.scheduler>,
      );
    }
    const built = createRuntime('lambda', config, {
      metrics: new CloudWatchMetrics(config.stage ?? 'unknown'),
      ...parts,
      ...(triggers ? { triggers } : {}),
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
