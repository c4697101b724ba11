import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/core/errors';
import { parseQuietHours, quietUntil } from '../../functions/core/send/quiet-hours';

const baghdad = parseQuietHours('23:00-07:00', 'Asia/Baghdad');
const at = (iso: string) => new Date(iso);

describe('quiet hours', () => {
  it('parse HH:MM-HH:MM in a time zone, or off; anything else is refused', () => {
    expect(baghdad).toEqual({ start: 23 * 60, end: 7 * 60, timeZone: 'Asia/Baghdad' });
    expect(parseQuietHours('off', 'Asia/Baghdad')).toBeUndefined();
    for (const bad of ['23-07', '25:00-07:00', '07:00-07:00', '23:00-07:00-08:00', ''])
      expect(() => parseQuietHours(bad, 'Asia/Baghdad')).toThrow(ValidationError);
  });

  it('hold what arrives between 23:00 and 07:00 Baghdad time (UTC+3) until 07:00 that morning', () => {
    // 23:30 in Baghdad is 20:30 UTC; the quiet hours end at 07:00 Baghdad, 04:00 UTC, the next day.
    expect(quietUntil(at('2026-11-05T20:30:00Z'), baghdad)?.toISOString()).toBe('2026-11-06T04:00:00.000Z');
    expect(quietUntil(at('2026-11-06T01:00:00Z'), baghdad)?.toISOString()).toBe('2026-11-06T04:00:00.000Z');
    expect(quietUntil(at('2026-11-05T20:00:00Z'), baghdad)?.toISOString()).toBe('2026-11-06T04:00:00.000Z');
  });

  it('let through what arrives outside them, the end minute included', () => {
    expect(quietUntil(at('2026-11-06T04:00:00Z'), baghdad)).toBeUndefined();
    expect(quietUntil(at('2026-11-06T12:00:00Z'), baghdad)).toBeUndefined();
    expect(quietUntil(at('2026-11-05T19:59:00Z'), baghdad)).toBeUndefined();
    expect(quietUntil(at('2026-11-06T01:00:00Z'), undefined)).toBeUndefined();
  });

  it('follow daylight saving where the time zone has it', () => {
    const london = parseQuietHours('23:00-07:00', 'Europe/London');
    // The night of 28–29 March 2026 the clocks go forward: 07:00 BST on the 29th is 06:00 UTC.
    expect(quietUntil(at('2026-03-28T23:30:00Z'), london)?.toISOString()).toBe('2026-03-29T06:00:00.000Z');
    // A winter night: 07:00 GMT is 07:00 UTC.
    expect(quietUntil(at('2026-01-10T23:30:00Z'), london)?.toISOString()).toBe('2026-01-11T07:00:00.000Z');
  });

  it('may lie within one day', () => {
    const lunch = parseQuietHours('12:00-13:00', 'UTC');
    expect(quietUntil(at('2026-11-06T12:30:00Z'), lunch)?.toISOString()).toBe('2026-11-06T13:00:00.000Z');
    expect(quietUntil(at('2026-11-06T23:30:00Z'), lunch)).toBeUndefined();
  });
});
