import { describe, expect, it } from 'vitest';
import { formatDate, formatWindow } from '../../functions/render/dates';

describe('dates in the reader’s language', () => {
  it('writes Iraqi month names with Western digits in Arabic, as the site does, and British English', () => {
    expect(formatDate('2014-01-03T09:00:00.000Z', 'ar', 'Asia/Baghdad')).toBe('3 كانون الثاني 2014');
    expect(formatDate('2014-01-03T09:00:00.000Z', 'en', 'Asia/Baghdad')).toBe('3 January 2014');
    expect(formatDate('2014-05-20T09:00:00.000Z', 'ar', 'Asia/Baghdad')).toBe('20 أيار 2014');
  });

  it('takes the calendar date in the given time zone', () => {
    // 22:30 UTC on 2 January is 01:30 on 3 January in Baghdad.
    expect(formatDate('2014-01-02T22:30:00.000Z', 'en', 'Asia/Baghdad')).toBe('3 January 2014');
    expect(formatDate('2014-01-02T22:30:00.000Z', 'en', 'UTC')).toBe('2 January 2014');
  });

  it('shows a window up to its last instant: a window ending at midnight does not announce the next day', () => {
    const week = { start: '2013-12-31T21:00:00.000Z', end: '2014-01-07T21:00:00.000Z' };
    expect(formatWindow(week, 'ar', 'Asia/Baghdad')).toBe('1–7 كانون الثاني 2014');
    expect(formatWindow(week, 'en', 'Asia/Baghdad')).toBe('1\u2009–\u20097 January 2014');
    const day = { start: '2014-01-02T21:00:00.000Z', end: '2014-01-03T21:00:00.000Z' };
    expect(formatWindow(day, 'en', 'Asia/Baghdad')).toBe('3 January 2014');
  });
});
