import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Schedule } from '../../functions/core/schedule';
import type { DigestRunEvent } from '../../functions/handlers/digest-run';
import { LocalDigestClock } from '../../functions/local/local-digest-clock';
import { LocalScheduler } from '../../functions/local/local-scheduler';
import { MemorySchedules } from '../support/memory-schedules';

const schedule = (changes: Partial<Schedule> & Pick<Schedule, 'name'>): Schedule => ({
  cron: '0 8 * * *',
  timeZone: 'Europe/London',
  cadence: 'daily',
  topics: [],
  enabled: true,
  createdAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
  ...changes,
});

let scheduler: LocalScheduler;
let fired: DigestRunEvent[];
const clock = { now: () => new Date() };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  scheduler = new LocalScheduler();
  fired = [];
});
afterEach(() => {
  scheduler.stop();
  vi.useRealTimers();
});

const fire = async (event: DigestRunEvent) => {
  fired.push(event);
};

describe('the local digest clock', () => {
  it('fires each schedule at its local time with the time it was due, across a daylight-saving change', async () => {
    vi.setSystemTime(new Date('2026-03-28T06:00:00.000Z'));
    const repo = new MemorySchedules([
      schedule({ name: 'london', lastWindowEnd: '2026-03-27T08:00:00.000Z' }),
      schedule({ name: 'baghdad', timeZone: 'Asia/Baghdad', lastWindowEnd: '2026-03-28T05:00:00.000Z' }),
    ]);
    const digests = new LocalDigestClock(scheduler, { schedules: repo, clock, fire });
    expect(await digests.start()).toEqual({ caughtUp: [] });
    expect(digests.names().sort()).toEqual(['baghdad', 'london']);

    await vi.advanceTimersByTimeAsync(26 * 60 * 60 * 1000);
    expect(fired.filter((event) => event.scheduleName === 'london').map((e) => e.scheduledTime)).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
    ]);
    expect(fired.filter((event) => event.scheduleName === 'baghdad').map((e) => e.scheduledTime)).toEqual([
      '2026-03-29T05:00:00.000Z',
    ]);
  });

  it('picks up schedules added, paused, changed and removed in the table within 30 seconds', async () => {
    vi.setSystemTime(new Date('2026-11-02T09:00:00.000Z'));
    const createdAt = '2026-11-02T08:30:00.000Z';
    const repo = new MemorySchedules([
      schedule({ name: 'daily', createdAt }),
      schedule({ name: 'weekly', cron: '0 8 * * 5', createdAt }),
    ]);
    const digests = new LocalDigestClock(scheduler, { schedules: repo, clock, fire });
    await digests.start();
    expect(digests.names().sort()).toEqual(['daily', 'weekly']);

    repo.items.set('daily', schedule({ name: 'daily', enabled: false }));
    repo.items.delete('weekly');
    repo.items.set('added', schedule({ name: 'added', cron: '15 9 * * *', timeZone: 'UTC', createdAt }));
    await vi.advanceTimersByTimeAsync(30_000);
    expect(digests.names()).toEqual(['added']);

    await vi.advanceTimersByTimeAsync(15 * 60 * 1000);
    expect(fired).toEqual([{ scheduleName: 'added', scheduledTime: '2026-11-02T09:15:00.000Z' }]);

    repo.items.set('added', schedule({ name: 'added', cron: '45 9 * * *', timeZone: 'UTC', createdAt }));
    repo.items.set('daily', schedule({ name: 'daily', cron: '0 10 * * *', timeZone: 'UTC', createdAt }));
    await vi.advanceTimersByTimeAsync(60 * 60 * 1000);
    expect(fired.slice(1)).toEqual([
      { scheduleName: 'added', scheduledTime: '2026-11-02T09:45:00.000Z' },
      { scheduleName: 'daily', scheduledTime: '2026-11-02T10:00:00.000Z' },
    ]);
  });

  it('fires a missed run once on start, for the last time it was due, then keeps the rhythm', async () => {
    vi.setSystemTime(new Date('2026-11-20T12:00:00.000Z'));
    const repo = new MemorySchedules([
      // Down since the firing of 6 November: the ones of 13 and 20 November were missed.
      schedule({
        name: 'weekly',
        cron: '0 8 * * 5',
        timeZone: 'Asia/Baghdad',
        lastWindowEnd: '2026-11-06T05:00:00.000Z',
      }),
      schedule({ name: 'current', timeZone: 'UTC', lastWindowEnd: '2026-11-20T08:00:00.000Z' }),
      schedule({ name: 'new', createdAt: '2026-11-20T11:00:00.000Z', timeZone: 'UTC' }),
      schedule({ name: 'paused', enabled: false, lastWindowEnd: '2026-10-01T07:00:00.000Z' }),
      schedule({ name: 'one-off', cron: undefined, at: '2026-11-19T09:00', timeZone: 'UTC' }),
      schedule({
        name: 'done',
        cron: undefined,
        at: '2026-11-01T09:00',
        enabled: false,
        completedAt: '2026-11-01T09:00:00.000Z',
      }),
    ]);
    const digests = new LocalDigestClock(scheduler, { schedules: repo, clock, fire });
    expect((await digests.start()).caughtUp.sort()).toEqual(['one-off', 'weekly']);
    expect(fired).toEqual([
      { scheduleName: 'weekly', scheduledTime: '2026-11-20T05:00:00.000Z' },
      { scheduleName: 'one-off', scheduledTime: '2026-11-19T09:00:00.000Z' },
    ]);
    expect(scheduler.nextRun('digest:weekly')?.toISOString()).toBe('2026-11-27T05:00:00.000Z');
    expect(scheduler.nextRun('digest:current')?.toISOString()).toBe('2026-11-21T08:00:00.000Z');
    expect(digests.names()).not.toContain('paused');
  });
});
