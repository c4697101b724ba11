import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/core/errors';
import {
  cronOfRhythm,
  definitionOfRhythm,
  type Rhythm,
  readRhythm,
  rhythmOf,
} from '../../functions/core/schedule-rhythm';

describe('a schedule in words', () => {
  it('turns what staff choose into cron and a one-off time', () => {
    expect(cronOfRhythm({ every: 'week', days: [4], time: '09:00' })).toBe('0 9 * * 4');
    expect(cronOfRhythm({ every: 'week', days: [4, 0], time: '18:30' })).toBe('30 18 * * 0,4');
    expect(cronOfRhythm({ every: 'day', time: '07:05' })).toBe('5 7 * * *');
    expect(cronOfRhythm({ every: 'month', day: 1, time: '08:00' })).toBe('0 8 1 * *');
    expect(definitionOfRhythm({ once: '2026-12-31T18:00' })).toEqual({ at: '2026-12-31T18:00' });
    expect(definitionOfRhythm({ every: 'day', time: '07:00' })).toEqual({ cron: '0 7 * * *' });
  });

  it('reads back the crons the words can say, and only those', () => {
    expect(rhythmOf({ cron: '0 9 * * 4' })).toEqual({ every: 'week', days: [4], time: '09:00' });
    expect(rhythmOf({ cron: '0 8 * * MON-FRI' })).toEqual({
      every: 'week',
      days: [1, 2, 3, 4, 5],
      time: '08:00',
    });
    expect(rhythmOf({ cron: '0 8 * * 7' })).toEqual({ every: 'week', days: [0], time: '08:00' });
    expect(rhythmOf({ cron: '0 8 * * 0-6' })).toEqual({ every: 'day', time: '08:00' });
    expect(rhythmOf({ cron: '15 6 * * *' })).toEqual({ every: 'day', time: '06:15' });
    expect(rhythmOf({ cron: '0 8 15 * *' })).toEqual({ every: 'month', day: 15, time: '08:00' });
    expect(rhythmOf({ at: '2026-12-31T18:00' })).toEqual({ once: '2026-12-31T18:00' });
    for (const custom of [
      '*/15 * * * *',
      '0 8,20 * * *',
      '0 8 1 * 5',
      '0 8 * 1 *',
      '0 8 L * *',
      '@daily',
      '0 0 8 * * *',
    ])
      expect(rhythmOf({ cron: custom }), custom).toBeUndefined();
  });

  it('round-trips every rhythm it writes', () => {
    const rhythms: Array<Exclude<Rhythm, { once: string }>> = [
      { every: 'day', time: '00:00' },
      { every: 'week', days: [1, 3, 5], time: '23:59' },
      { every: 'month', day: 31, time: '12:00' },
    ];
    for (const rhythm of rhythms) expect(rhythmOf({ cron: cronOfRhythm(rhythm) })).toEqual(rhythm);
  });

  it('reads a form, and says in words what is missing or wrong', () => {
    expect(readRhythm({ every: 'week', days: ['4'], time: '09:00' })).toEqual({
      every: 'week',
      days: [4],
      time: '09:00',
    });
    expect(readRhythm({ every: 'week', days: ['0', '1', '2', '3', '4', '5', '6'], time: '09:00' })).toEqual({
      every: 'day',
      time: '09:00',
    });
    expect(readRhythm({ every: 'once', at: '2026-12-31T18:00', time: '' })).toEqual({
      once: '2026-12-31T18:00',
    });
    expect(() => readRhythm({ every: 'week', time: '09:00' })).toThrow('choose at least one day of the week');
    expect(() => readRhythm({ every: 'week', days: ['8'], time: '09:00' })).toThrow(
      '0 (Sunday) to 6 (Saturday)',
    );
    expect(() => readRhythm({ every: 'day', time: '24:00' })).toThrow(
      'as 09:00 (00:00 to 23:59), not "24:00"',
    );
    expect(() => readRhythm({ every: 'month', day: '32', time: '09:00' })).toThrow('1 to 31');
    expect(() => readRhythm({ every: 'once', at: '2026-12-31' })).toThrow('as 2026-12-31T18:00');
    expect(() => readRhythm({ time: '09:00' })).toThrow(ValidationError);
  });
});
