import type { ScheduleDeps } from '../core/schedules';
import { topicsOf } from './readers';
import type { Runtime } from './runtime';

/**
 * What the schedule use cases need. `triggers` is EventBridge Scheduler where this process keeps it in
 * step (a staff process on a stage); locally there are none, whatever the environment says. A schedule
 * that names no zone takes the network's, and its topics must be among the topic map's.
 */
export function scheduleParts(runtime: Runtime): ScheduleDeps {
  return runtime.once('scheduling', () => ({
    schedules: runtime.repos.schedules,
    clock: runtime.clock,
    triggers: runtime.triggers,
    timeZone: runtime.config.timeZone,
    topics: topicsOf(runtime),
  }));
}
