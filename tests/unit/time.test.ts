import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/core/errors';
import {
  formatStaffTime,
  isTimeZone,
  readLocalDateTime,
  readTime,
  readWindow,
  zoneCity,
} from '../../functions/core/time';

const baghdad = { timeZone: 'Asia/Baghdad' };
const london = { timeZone: 'Europe/London' };
const iso = (text: string, options: Parameters<typeof readTime>[1] = baghdad) =>
  readTime(text, options).instant.toISOString();

describe('reading the times staff give', () => {
  it('reads a date, a local date-time and an instant with an offset, in the zone unless an offset is given', () => {
    expect(iso('2014-01-31')).toBe('2014-01-30T21:00:00.000Z');
    expect(iso('2026-12-03T09:00')).toBe('2026-12-03T06:00:00.000Z');
    expect(iso('2026-12-03 09:00:30')).toBe('2026-12-03T06:00:30.000Z');
    expect(iso('2026-12-03T06:00Z')).toBe('2026-12-03T06:00:00.000Z');
    expect(iso('2026-12-03T09:00+03:00', london)).toBe('2026-12-03T06:00:00.000Z');
    expect(iso('2026-12-03T09:00:00.250-0500')).toBe('2026-12-03T14:00:00.250Z');
    expect(readTime('2014-01-31', baghdad).form).toBe('date');
    expect(readTime('2026-12-03T09:00', baghdad).form).toBe('local');
    expect(readTime('2026-12-03T09:00Z', baghdad).form).toBe('instant');
  });

  it('takes a bare date as the start of the day, or as the end of it where a window ends', () => {
    expect(iso('2014-01-31', { ...baghdad, dateMeans: 'end' })).toBe('2014-01-31T21:00:00.000Z');
    expect(iso('2024-12-31', { ...london, dateMeans: 'end' })).toBe('2025-01-01T00:00:00.000Z');
    // Santiago skips midnight when its clocks go forward: that day starts at 01:00.
    expect(iso('2026-09-06', { timeZone: 'America/Santiago' })).toBe('2026-09-06T04:00:00.000Z');
  });

  it('refuses impossible dates and times in words', () => {
    const refusal = (text: string) => {
      try {
        readTime(text, { ...baghdad, name: '--until' });
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as Error).message;
      }
      throw new Error(`${text} was taken`);
    };
    expect(refusal('2026-02-30')).toBe(
      '--until "2026-02-30" is not a real date or time: February 2026 has 28 days',
    );
    expect(refusal('2026-13-01')).toBe(
      '--until "2026-13-01" is not a real date or time: there is no month 13',
    );
    expect(refusal('2026-01-01T24:00')).toContain('hours run from 00 to 23');
    expect(refusal('2026-01-01T10:60')).toContain('minutes run from 00 to 59');
    expect(refusal('31/01/2014')).toContain('is not a date or time: give a date (2014-01-31)');
    expect(refusal('2026-01-01T10:00+15:00')).toContain('has an offset that is not one');
    expect(iso('2024-02-29')).toBe('2024-02-28T21:00:00.000Z');
    expect(() => readTime('2026-01-01', { timeZone: 'Asia/Bagdad' })).toThrow(
      'unknown time zone "Asia/Bagdad"',
    );
  });

  it('says a local time the clocks skip does not exist, and takes the first of a time that happens twice', () => {
    expect(() => readTime('2026-03-29T01:30', { ...london, name: '--at' })).toThrow(
      '--at "2026-03-29T01:30" does not exist in Europe/London: that night the clocks go forward from 01:00 to 02:00; give a time outside the gap, or an offset',
    );
    expect(() => readTime('2026-03-08T02:30', { timeZone: 'America/New_York' })).toThrow(
      'the clocks go forward from 02:00 to 03:00',
    );
    const twice = readTime('2026-10-25T01:30', london);
    expect(twice.instant.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(twice.note).toBe(
      '2026-10-25T01:30 happens twice in Europe/London (the clocks go back): taken as the first, +01:00',
    );
    expect(iso('2026-10-25T01:30+00:00', london)).toBe('2026-10-25T01:30:00.000Z');
  });

  it('reads a one-off time as the zone’s wall clock, and never a bare date', () => {
    expect(readLocalDateTime('2026-12-31T18:00', baghdad)).toEqual({
      local: '2026-12-31T18:00',
      instant: new Date('2026-12-31T15:00:00.000Z'),
    });
    expect(readLocalDateTime('2026-12-31T15:00:30Z', baghdad).local).toBe('2026-12-31T18:00:30');
    expect(() => readLocalDateTime('2026-12-31', { ...baghdad, name: '--at' })).toThrow(
      '--at "2026-12-31" is a date without a time of day: give one, as in 2026-12-31T09:00',
    );
  });
});

describe('windows', () => {
  it('include the whole of the day they run until', () => {
    expect(readWindow({ since: '2014-01-01', until: '2014-01-31' }, baghdad)).toEqual({
      since: '2013-12-31T21:00:00.000Z',
      until: '2014-01-31T21:00:00.000Z',
    });
    expect(readWindow({ until: '2014-01-31T12:00Z' }, baghdad)).toEqual({
      until: '2014-01-31T12:00:00.000Z',
    });
    expect(readWindow({}, baghdad)).toEqual({});
  });

  it('are refused in words when they end before they start', () => {
    expect(() => readWindow({ since: '2014-02-01T10:00', until: '2014-01-31T10:00' }, baghdad)).toThrow(
      'the window ends at 2014-01-31 10:00 Baghdad, before it starts (2014-02-01 10:00 Baghdad): its end must come after its start',
    );
    expect(() => readWindow({ since: '2014-02-01', until: '2014-01-31' }, baghdad)).toThrow(
      'the window ends at 2014-02-01 00:00 Baghdad, when it starts',
    );
  });
});

describe('showing a time to staff', () => {
  it('shows the wall clock and the zone’s city, with the offset only where the minute happens twice', () => {
    expect(formatStaffTime('2026-12-03T06:00:00Z', 'Asia/Baghdad')).toBe('2026-12-03 09:00 Baghdad');
    expect(formatStaffTime(new Date('2026-07-01T07:00:00Z'), 'Europe/London')).toBe(
      '2026-07-01 08:00 London',
    );
    expect(formatStaffTime('2026-10-25T00:30:00Z', 'Europe/London')).toBe('2026-10-25 01:30 London (+01:00)');
    expect(formatStaffTime('2026-10-25T01:30:00Z', 'Europe/London')).toBe('2026-10-25 01:30 London (+00:00)');
  });

  it('names zones by their city, UTC as UTC, and the fixed Etc zones by their true offset', () => {
    expect(zoneCity('America/Argentina/Buenos_Aires')).toBe('Buenos Aires');
    expect(zoneCity('UTC')).toBe('UTC');
    expect(zoneCity('Etc/UTC')).toBe('UTC');
    expect(zoneCity('Etc/GMT-3')).toBe('UTC+3');
    expect(isTimeZone('Asia/Baghdad')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
