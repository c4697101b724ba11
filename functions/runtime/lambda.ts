import { z } from 'zod';
import { createSchedulerClient, EventBridgeScheduleTriggers } from '../adapters/scheduler';
import { ConfigError, loadConfig } from '../shared/config';
import { createRuntime, type Runtime, type RuntimeParts } from './runtime';

let runtime: Runtime | undefined;

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
 * environment (set by the stateless stack; the link-signing key filled in by infra/runtime/
 * lambda-entry.ts before the handler module loads) and kept for the life of the execution environment.
 * With `schedules`, the function also keeps the stage's digest schedules in EventBridge Scheduler.
 */
export function lambdaRuntime(parts: RuntimeParts = {}, options: { schedules?: boolean } = {}): Runtime {
  if (!runtime) {
    let config = loadConfig(process.env);
    if (!config.linkSigningKey) throw new ConfigError('NASHRA_LINK_SIGNING_KEY is required on AWS');
    let triggers = parts.triggers;
    if (options.schedules) {
      config = { ...config, scheduler: schedulerSettingsOf(process.env.NASHRA_SCHEDULER) };
      triggers = new EventBridgeScheduleTriggers(
        createSchedulerClient(config),
        config.scheduler as NonNullable<typeof config.scheduler>,
      );
    }
    runtime = createRuntime('lambda', config, { ...parts, triggers });
  }
  return runtime;
}
