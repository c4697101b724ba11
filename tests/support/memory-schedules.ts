import { ConflictError, NotFoundError } from '../../functions/core/errors';
import type { ScheduleRepo } from '../../functions/core/ports';
import type { Schedule } from '../../functions/core/schedule';

/**
 * The schedules table in memory, with the adapter's contract (conditional creates, updates of what
 * exists, the window and definition written only over the version read): for unit tests of the
 * schedule rules. DynamoScheduleRepo is tested against the emulator.
 */
export class MemorySchedules implements ScheduleRepo {
  readonly items: Map<string, Schedule>;

  constructor(schedules: Schedule[] = []) {
    this.items = new Map(schedules.map((schedule) => [schedule.name, schedule]));
  }

  async create(schedule: Schedule) {
    if (this.items.has(schedule.name)) throw new ConflictError(`schedule ${schedule.name} exists`);
    this.items.set(schedule.name, schedule);
  }

  async get(name: string) {
    return this.items.get(name);
  }

  async list() {
    return [...this.items.values()];
  }

  async update(schedule: Schedule) {
    this.stored(schedule.name);
    this.items.set(schedule.name, schedule);
  }

  async remove(name: string) {
    this.items.delete(name);
  }

  async advanceWindow(name: string, expected: string | undefined, windowEnd: string, now: string) {
    const schedule = this.items.get(name);
    if (!schedule || schedule.lastWindowEnd !== expected) return false;
    this.items.set(name, { ...schedule, lastWindowEnd: windowEnd, updatedAt: now });
    return true;
  }

  async replaceDefinition(
    name: string,
    definition: Pick<Schedule, 'cron' | 'at' | 'timeZone' | 'cadence' | 'topics' | 'skipFiring'>,
    seenUpdatedAt: string,
    now: string,
  ) {
    const schedule = this.stored(name);
    if (schedule.updatedAt !== seenUpdatedAt) throw new ConflictError(`schedule ${name} changed meanwhile`);
    const { cron: _cron, at: _at, skipFiring: _skip, ...rest } = schedule;
    return this.put({ ...rest, ...definition, updatedAt: now });
  }

  async setNote(name: string, note: Schedule['note'], now: string) {
    const { note: _old, ...rest } = this.stored(name);
    return this.put({ ...rest, ...(note ? { note } : {}), updatedAt: now });
  }

  async takeNote(name: string, setAt: string) {
    const schedule = this.items.get(name);
    if (schedule?.note?.setAt !== setAt) return false;
    const { note: _taken, ...rest } = schedule;
    this.items.set(name, rest);
    return true;
  }

  async setSkip(name: string, skipFiring: string | undefined, now: string) {
    const { skipFiring: _old, ...rest } = this.stored(name);
    return this.put({ ...rest, ...(skipFiring ? { skipFiring } : {}), updatedAt: now });
  }

  private stored(name: string): Schedule {
    const schedule = this.items.get(name);
    if (!schedule) throw new NotFoundError(`no schedule named "${name}"`);
    return schedule;
  }

  private put(schedule: Schedule): Schedule {
    this.items.set(schedule.name, schedule);
    return schedule;
  }
}
