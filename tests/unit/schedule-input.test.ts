import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/core/errors';
import { addSchedule, type NewSchedule } from '../../functions/core/schedules';
import { MemorySchedules } from '../support/memory-schedules';

const now = new Date('2026-11-30T09:00:00.000Z');
const deps = () => ({
  schedules: new MemorySchedules(),
  clock: { now: () => now },
  timeZone: 'Asia/Baghdad',
  topics: ['basra', 'security', 'water'],
});
const weekly: NewSchedule = { name: 'weekly', cron: '0 8 * * 5', cadence: 'weekly', topics: [] };

describe('adding a schedule', () => {
  it('reads it in the network’s time zone unless given one, and takes cadence and topics in any case', async () => {
    const added = await addSchedule({ ...weekly, cadence: 'Weekly', topics: ['Water', 'security'] }, deps());
    expect(added).toMatchObject({
      timeZone: 'Asia/Baghdad',
      cadence: 'weekly',
      topics: ['water', 'security'],
    });
    const london = await addSchedule({ ...weekly, timeZone: 'Europe/London' }, deps());
    expect(london.timeZone).toBe('Europe/London');
  });

  it('refuses a topic no article can carry, naming the topics there are', async () => {
    await expect(addSchedule({ ...weekly, topics: ['wter'] }, deps())).rejects.toThrow(
      "--topics: 'wter' is not a topic here: the topics are basra, security, water",
    );
    await expect(addSchedule({ ...weekly, cadence: 'instant' }, deps())).rejects.toThrow(
      "--cadence: 'instant' is not one of daily, weekly",
    );
  });

  it('stores a one-off as the zone’s wall clock, and refuses one in the past or at an impossible time', async () => {
    const store = deps();
    const once = await addSchedule({ ...weekly, cron: undefined, at: '2026-12-31T15:00Z' }, store);
    expect(once.at).toBe('2026-12-31T18:00');
    await expect(
      addSchedule({ ...weekly, name: 'late', cron: undefined, at: '2026-11-30T11:59' }, store),
    ).rejects.toThrow(
      '--at 2026-11-30T11:59 is 2026-11-30 11:59 Baghdad, which has passed (it is now 2026-11-30 12:00 Baghdad): a one-off fires once, at a time still to come',
    );
    for (const at of ['2026-02-30T08:00', '2027-13-01T08:00', '2026-12-01T24:00', '2026-12-01'])
      await expect(addSchedule({ ...weekly, name: 'bad', cron: undefined, at }, store)).rejects.toThrow(
        ValidationError,
      );
    await expect(
      addSchedule(
        { ...weekly, name: 'gap', cron: undefined, at: '2027-03-28T01:30', timeZone: 'Europe/London' },
        store,
      ),
    ).rejects.toThrow('does not exist in Europe/London');
    expect([...store.schedules.items.keys()]).toEqual(['weekly']);
  });
});
