import { existsSync, readFileSync } from 'node:fs';
import { ensureTables } from '../adapters/dynamodb/table-admin';
import type { Clock } from '../core/ports';
import type { LocalStack } from '../local/stack';
import type { LocalWiring } from '../local/wiring';
import { localKeyringPath } from '../shared/config';
import { mjmlMailRenderer } from './rendering';
import { createRuntime, type Runtime, type Target } from './runtime';
import type { StageResources } from './stage';

export interface OpenOptions {
  /** The process environment: the composition root is the one place that reads it. */
  env: NodeJS.ProcessEnv;
  /** `nashra dev`: the long-running local stack on the configured ports, recorded for other commands. */
  dev?: boolean;
  /** What the local triggers run besides the stream and the send queue (`nashra dev`: all of it). */
  wiring?: LocalWiring;
  /** Tests freeze time. */
  clock?: Clock;
  /** Local mode: reach the staff's identity service too (`nashra staff`; `dev` always does). */
  staff?: boolean;
}

/** A runtime opened by a staff process: local mode carries its stack, a stage its resources. */
export interface OpenRuntime extends Runtime {
  readonly local?: LocalStack;
  readonly stage?: StageResources;
}

/**
 * The composition root of every process but a Lambda function: a CLI command, `nashra dev`, a test
 * stack, the benchmark. For `local`, joins the running `nashra dev` or starts the emulators it needs,
 * creates the tables from the shared definitions and wires the local triggers to the same handlers
 * Lambda runs; it never touches AWS. For a stage, finds the stage from its stacks' outputs and wires
 * the same use cases to its tables, queue and EventBridge Scheduler group: nothing starts locally and
 * nothing is written under NASHRA_HOME. `close()` stops what was started and destroys every client.
 * Each target loads its own modules when opened: a local command never loads the clients that find a
 * stage, a stage command never the emulators (a staff command starts faster).
 */
export async function openRuntime(target: Target, options: OpenOptions): Promise<OpenRuntime> {
  if (target === 'local') return openLocal(options);
  const [
    { readStageStacks, stageConfig, stageResources },
    { createSchedulerClient, EventBridgeScheduleTriggers },
  ] = await Promise.all([import('./stage'), import('../adapters/scheduler')]);
  const resources = stageResources(await readStageStacks(target.stage, options.env));
  const config = await stageConfig(resources, options.env);
  const scheduler = createSchedulerClient(config);
  const runtime = createRuntime(target, config, {
    renderer: mjmlMailRenderer,
    triggers: new EventBridgeScheduleTriggers(
      scheduler,
      config.scheduler as NonNullable<typeof config.scheduler>,
    ),
    clock: options.clock,
    onClose: async () => scheduler.destroy(),
  });
  return Object.assign(runtime, { stage: resources });
}

async function openLocal(options: OpenOptions): Promise<OpenRuntime> {
  const [{ openLocalStack }, { wireLocalTriggers }] = await Promise.all([
    import('../local/stack'),
    import('../local/wiring'),
  ]);
  const local = await openLocalStack({ dev: options.dev, staff: options.staff, env: options.env });
  const keyFile = localKeyringPath(local.config.home);
  const runtime = createRuntime('local', local.config, {
    renderer: mjmlMailRenderer,
    clock: options.clock,
    // A keyring from the key file is read again when a link names a key added since (`nashra keys rotate`).
    ...(options.env.NASHRA_LINK_SIGNING_KEY
      ? {}
      : { reloadKeys: () => (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined) }),
    onClose: () => local.close(),
  });
  try {
    await ensureTables(runtime.dynamodb, local.config.tables);
    wireLocalTriggers(local.triggers, runtime, { ...options.wiring, queueStore: local.queueStore });
  } catch (error) {
    await runtime.close();
    throw error;
  }
  return Object.assign(runtime, { local });
}
