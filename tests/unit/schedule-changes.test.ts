import { describe, expect, it } from 'vitest';
import type { ScheduleTrigger, ScheduleTriggers } from '../../functions/core/ports';
import {
  addSchedule,
  cancelSkip,
  editSchedule,
  setEditorNote,
  setScheduleEnabled,
  skipNextFiring,
} from '../../functions/core/schedules';
import { MemorySchedules } from '../support/memory-schedules';

/** EventBridge Scheduler in memory: what each schedule's trigger says now. */
class MemoryTriggers implements ScheduleTriggers {
  readonly held = new Map<string, ScheduleTrigger>();
  refuse = false;
  async list() {
    return [...this.held.values()].map((trigger) => ({ ...trigger, targetDrifted: false }));
  }
  async put(trigger: ScheduleTrigger) {
    if (this.refuse) throw new Error('EventBridge is unreachable');
    this.held.set(trigger.name, trigger);
  }
  async remove(name: string) {
    this.held.delete(name);
  }
}

// Monday 30 November 2026, 12:00 in Baghdad.
let now = new Date('2026-11-30T09:00:00.000Z');
const deps = () => ({
  schedules: new MemorySchedules(),
  triggers: new MemoryTriggers(),
  clock: { now: () => now },
  timeZone: 'Asia/Baghdad',
  topics: ['basra', 'security', 'water'],
});
const weekly = { name: 'weekly', cron: '0 9 * * 4', cadence: 'weekly', topics: [] };

describe('changing a schedule', () => {
  it('writes its new timing, cadence and topics, checked as a new one is, and its trigger follows', async () => {
    const store = deps();
    await addSchedule(weekly, store);
    now = new Date('2026-11-30T09:05:00.000Z');
    const changed = await editSchedule(
      'weekly',
      { cron: '30 7 * * 0', cadence: 'Daily', topics: ['Water'] },
      store,
    );
    expect(changed).toMatchObject({
      cron: '30 7 * * 0',
      cadence: 'daily',
      topics: ['water'],
      timeZone: 'Asia/Baghdad',
    });
    expect(store.triggers.held.get('weekly')?.expression).toBe('cron(30 7 ? * 1 *)');
    const once = await editSchedule(
      'weekly',
      { at: '2026-12-31T18:00', cadence: 'weekly', topics: [] },
      store,
    );
    expect(once.cron).toBeUndefined();
    expect(once.at).toBe('2026-12-31T18:00');
    await expect(
      editSchedule('weekly', { cron: '0 8 * * *', cadence: 'weekly', topics: ['wter'] }, store),
    ).rejects.toThrow("'wter' is not a topic here");
    await expect(
      editSchedule('weekly', { at: '2026-11-01T08:00', cadence: 'weekly', topics: [] }, store),
    ).rejects.toThrow('which has passed');
  });

  it('is undone when its trigger cannot follow', async () => {
    const store = deps();
    await addSchedule(weekly, store);
    store.triggers.refuse = true;
    await expect(
      editSchedule('weekly', { cron: '0 7 * * *', cadence: 'weekly', topics: [] }, store),
    ).rejects.toThrow('unreachable');
    expect(store.schedules.items.get('weekly')?.cron).toBe('0 9 * * 4');
  });

  it('refuses to change a one-off that fired', async () => {
    const store = deps();
    await addSchedule({ ...weekly, cron: undefined, at: '2026-12-01T08:00' }, store);
    const schedule = store.schedules.items.get('weekly');
    if (!schedule) throw new Error('not stored');
    store.schedules.items.set('weekly', {
      ...schedule,
      enabled: false,
      completedAt: '2026-12-01T05:00:00.000Z',
    });
    await expect(
      editSchedule('weekly', { cron: '0 7 * * *', cadence: 'weekly', topics: [] }, store),
    ).rejects.toThrow('was a one-off and fired');
  });
});

describe('skipping the next firing', () => {
  it('names the firing that sends nothing, keeps the schedule enabled, and can be taken back', async () => {
    now = new Date('2026-11-30T09:00:00.000Z');
    const store = deps();
    await addSchedule(weekly, store);
    const skipped = await skipNextFiring('weekly', store);
    expect(skipped).toMatchObject({ enabled: true, skipFiring: '2026-12-03T06:00:00.000Z' });
    expect(store.triggers.held.get('weekly')?.enabled).toBe(true);
    // The skip outlives a change of topics, not a change of time that no longer has that firing.
    expect(
      (await editSchedule('weekly', { cron: '0 9 * * 4', cadence: 'weekly', topics: ['water'] }, store))
        .skipFiring,
    ).toBe('2026-12-03T06:00:00.000Z');
    expect(
      (await editSchedule('weekly', { cron: '0 10 * * 4', cadence: 'weekly', topics: [] }, store)).skipFiring,
    ).toBeUndefined();
    await skipNextFiring('weekly', store);
    expect((await cancelSkip('weekly', store)).skipFiring).toBeUndefined();
  });

  it('refuses a one-off and a paused schedule, saying what to do instead', async () => {
    const store = deps();
    await addSchedule({ ...weekly, name: 'once', cron: undefined, at: '2026-12-31T18:00' }, store);
    await expect(skipNextFiring('once', store)).rejects.toThrow(
      'is a one-off: pause or remove it rather than skip it',
    );
    await addSchedule(weekly, store);
    await setScheduleEnabled('weekly', false, store);
    await expect(skipNextFiring('weekly', store)).rejects.toThrow('is paused');
    await expect(skipNextFiring('nothing', store)).rejects.toThrow('no schedule named "nothing"');
  });
});

describe("the editor's note of the next issue", () => {
  it('is stored with when it was set, replaced by a newer one, and removed when blank', async () => {
    const store = deps();
    await addSchedule(weekly, store);
    const first = await setEditorNote('weekly', { ar: 'كلمة', en: 'A word: https://icssi.example/x' }, store);
    expect(first.note).toEqual({
      ar: 'كلمة',
      en: 'A word: https://icssi.example/x',
      setAt: now.toISOString(),
    });
    expect(await store.schedules.takeNote('weekly', '2020-01-01T00:00:00.000Z')).toBe(false);
    expect(store.schedules.items.get('weekly')?.note).toBeDefined();
    expect((await setEditorNote('weekly', { ar: '', en: '  ' }, store)).note).toBeUndefined();
    await expect(setEditorNote('weekly', { en: 'bad\u0000' }, store)).rejects.toThrow('control character');
  });
});
