import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../functions/core/schedule';
import {
  isSkippedFiring,
  nextSend,
  overlappingSchedules,
  upcomingSends,
} from '../../functions/core/schedule-calendar';

const schedule = (changes: Partial<Schedule> & Pick<Schedule, 'name'>): Schedule => ({
  cron: '0 9 * * 4',
  timeZone: 'Asia/Baghdad',
  cadence: 'weekly',
  topics: [],
  enabled: true,
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
  ...changes,
});

// Monday 30 November 2026, 12:00 in Baghdad (UTC+3).
const now = new Date('2026-11-30T09:00:00.000Z');
const week = new Date(now.getTime() + 7 * 86_400_000);

describe('the next sends of every schedule', () => {
  it('lists every firing of the coming week, oldest first, in the schedules’ own zones', () => {
    const { sends, more } = upcomingSends(
      [
        schedule({ name: 'weekly' }),
        schedule({ name: 'daily', cron: '0 7 * * *', cadence: 'daily' }),
        schedule({ name: 'paused', enabled: false }),
        schedule({ name: 'year-end', cron: undefined, at: '2026-12-02T18:00' }),
        schedule({ name: 'london', cron: '0 8 * * 5', timeZone: 'Europe/London' }),
      ],
      now,
      week,
    );
    expect(more).toEqual([]);
    const listed = sends.map((send) => `${send.schedule} ${send.at.toISOString()}`);
    expect(listed).toEqual([
      'daily 2026-12-01T04:00:00.000Z',
      'daily 2026-12-02T04:00:00.000Z',
      'year-end 2026-12-02T15:00:00.000Z',
      'daily 2026-12-03T04:00:00.000Z',
      'weekly 2026-12-03T06:00:00.000Z',
      'daily 2026-12-04T04:00:00.000Z',
      'london 2026-12-04T08:00:00.000Z',
      'daily 2026-12-05T04:00:00.000Z',
      'daily 2026-12-06T04:00:00.000Z',
      'daily 2026-12-07T04:00:00.000Z',
    ]);
  });

  it('shows a schedule that fires very often by its first firings and names it', () => {
    const { sends, more } = upcomingSends([schedule({ name: 'hourly', cron: '0 * * * *' })], now, week, 5);
    expect(sends).toHaveLength(5);
    expect(more).toEqual(['hourly']);
  });

  it('marks the skipped firing, and the next send is the one after it', () => {
    const skipped = schedule({ name: 'weekly', skipFiring: '2026-12-03T06:00:00.000Z' });
    const { sends } = upcomingSends([skipped], now, new Date(now.getTime() + 14 * 86_400_000));
    expect(sends.map((send) => [send.at.toISOString(), send.skipped])).toEqual([
      ['2026-12-03T06:00:00.000Z', true],
      ['2026-12-10T06:00:00.000Z', false],
    ]);
    expect(nextSend(skipped, now)?.toISOString()).toBe('2026-12-10T06:00:00.000Z');
    expect(nextSend(schedule({ name: 'weekly' }), now)?.toISOString()).toBe('2026-12-03T06:00:00.000Z');
  });
});

describe('a skipped firing', () => {
  const skipped = schedule({ name: 'weekly', skipFiring: '2026-12-03T06:00:00.000Z' });

  it('is the firing due then, late or retried, and never a later one', () => {
    expect(isSkippedFiring(skipped, new Date('2026-12-03T06:00:00.000Z'))).toBe(true);
    expect(isSkippedFiring(skipped, new Date('2026-12-03T09:30:00.000Z'))).toBe(true);
    expect(isSkippedFiring(skipped, new Date('2026-12-10T06:00:00.000Z'))).toBe(false);
    expect(isSkippedFiring(skipped, new Date('2026-11-26T06:00:00.000Z'))).toBe(false);
    expect(isSkippedFiring(schedule({ name: 'weekly' }), new Date('2026-12-03T06:00:00.000Z'))).toBe(false);
  });
});

describe('schedules that serve the same readers', () => {
  it('are those of one cadence whose topics meet (none meaning every topic)', () => {
    const overlaps = overlappingSchedules([
      schedule({ name: 'weekly' }),
      schedule({ name: 'weekly-water', topics: ['water'] }),
      schedule({ name: 'weekly-security', topics: ['security', 'basra'] }),
      schedule({ name: 'weekly-basra', topics: ['basra'] }),
      schedule({ name: 'daily', cadence: 'daily' }),
      schedule({ name: 'paused', enabled: false }),
      schedule({
        name: 'done',
        cron: undefined,
        at: '2026-11-02T08:00',
        completedAt: '2026-11-02T05:00:00.000Z',
      }),
    ]);
    expect(overlaps).toEqual([
      { first: 'weekly', second: 'weekly-water', cadence: 'weekly', topics: ['water'] },
      { first: 'weekly', second: 'weekly-security', cadence: 'weekly', topics: ['security', 'basra'] },
      { first: 'weekly', second: 'weekly-basra', cadence: 'weekly', topics: ['basra'] },
      { first: 'weekly-security', second: 'weekly-basra', cadence: 'weekly', topics: ['basra'] },
    ]);
  });
});
