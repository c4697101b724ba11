import type { ScheduleDeps } from '../core/schedules';
import type { Runtime } from './runtime';

/**
 * What the schedule use cases need. `triggers` is EventBridge Scheduler where this process keeps it in
 * step (a staff process on a stage); locally there are none, whatever the environment says.
 */
export function scheduleParts(runtime: Runtime): ScheduleDeps {
  return runtime.once('scheduling', () => ({
    schedules: runtime.repos.schedules,
    clock: runtime.clock,
    triggers: runtime.triggers,
  }));
}
