import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/core/errors';
import {
  eventBridgeAt,
  eventBridgeCron,
  eventBridgeExpression,
} from '../../functions/core/scheduler-expression';

describe("a nashra cron as EventBridge Scheduler's six-field cron", () => {
  it.each([
    ['0 8 * * 5', 'cron(0 8 ? * 6 *)'],
    ['0 8 * * FRI', 'cron(0 8 ? * 6 *)'],
    ['30 6 * * *', 'cron(30 6 * * ? *)'],
    ['0 7 1 * *', 'cron(0 7 1 * ? *)'],
    ['0 7 1,15 * *', 'cron(0 7 1,15 * ? *)'],
    ['0 18 * * 1-5', 'cron(0 18 ? * 2-6 *)'],
    ['0 18 * * MON-FRI', 'cron(0 18 ? * 2-6 *)'],
    ['0 9 * * 0', 'cron(0 9 ? * 1 *)'],
    ['0 9 * * 7', 'cron(0 9 ? * 1 *)'],
    ['0 9 * * 5-7', 'cron(0 9 ? * 1,6-7 *)'],
    ['0 9 * * 0,3,6', 'cron(0 9 ? * 1,4,7 *)'],
    ['0 9 * * 1/2', 'cron(0 9 ? * 2,4,6 *)'],
    ['0 9 * * 5#1', 'cron(0 9 ? * 6#1 *)'],
    ['0 9 * * 5L', 'cron(0 9 ? * 6L *)'],
    ['*/15 * * * *', 'cron(0/15 * * * ? *)'],
    ['0 */6 * * *', 'cron(0 0/6 * * ? *)'],
    ['0 8 */2 * *', 'cron(0 8 1/2 * ? *)'],
    ['0 8 L * *', 'cron(0 8 L * ? *)'],
    ['0 8 * JAN,JUL *', 'cron(0 8 * JAN,JUL ? *)'],
    ['0 0 8 * * 5', 'cron(0 8 ? * 6 *)'],
    ['@daily', 'cron(0 0 * * ? *)'],
    ['@weekly', 'cron(0 0 ? * 1 *)'],
  ])('%s → %s', (cron, expected) => {
    expect(eventBridgeCron(cron)).toBe(expected);
  });

  it.each([
    ['0 8 1 * 5', /day of the month or a day of the week/],
    ['30 0 8 * * 5', /minutes, not seconds/],
    ['0 8 * *', /five fields/],
    ['0 8 * * 1#2,3', /must be the only day/],
    ['0 8 * * 9', /not a day of the week/],
    ['0 8 * * 5-2', /not a range of days/],
  ])('refuses %s, saying why', (cron, why) => {
    expect(() => eventBridgeCron(cron)).toThrow(ValidationError);
    expect(() => eventBridgeCron(cron)).toThrow(why);
  });
});

describe('a one-off time', () => {
  it('is an at() expression in the local time of its time zone, seconds added', () => {
    expect(eventBridgeAt('2026-12-01T08:00')).toBe('at(2026-12-01T08:00:00)');
    expect(eventBridgeAt('2026-12-01T08:00:30')).toBe('at(2026-12-01T08:00:30)');
    expect(eventBridgeExpression({ at: '2026-12-01T08:00' })).toBe('at(2026-12-01T08:00:00)');
    expect(() => eventBridgeExpression({})).toThrow(ValidationError);
  });
});
