import { describe, expect, it } from 'vitest';
import { digestTargetInput } from '../../functions/adapters/scheduler';
import { eventBridgeAt, eventBridgeCron } from '../../functions/core/scheduler-expression';
import {
  checkSchedulerCall,
  type SchedulerCall,
  scheduleExpressionProblem,
  schedulerCallOf,
} from '../../functions/local/aws-contract/scheduler';

const definition = (changes: Record<string, unknown> = {}) => ({
  GroupName: 'nashra-test',
  ScheduleExpression: 'cron(0 8 ? * 6 *)',
  ScheduleExpressionTimezone: 'Asia/Baghdad',
  FlexibleTimeWindow: { Mode: 'OFF' },
  State: 'ENABLED',
  ActionAfterCompletion: 'NONE',
  ClientToken: '0b9e4c1a-5f3e-4a53-9b8e-2f2f6f1d9a10',
  Target: {
    Arn: 'arn:aws:lambda:eu-west-1:111111111111:function:nashra-test-digest-run',
    RoleArn: 'arn:aws:iam::111111111111:role/nashra-test-digest-scheduler',
    Input: digestTargetInput('weekly'),
    RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21600 },
    DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:111111111111:nashra-test-schedule-dlq' },
  },
  ...changes,
});
const create = (name: string, body: Record<string, unknown>): SchedulerCall => ({
  operation: 'CreateSchedule',
  name,
  query: new URLSearchParams(),
  body,
});

describe('the EventBridge Scheduler contract', () => {
  it('reads the REST-JSON calls the SDK makes from method and path', () => {
    expect(schedulerCallOf('POST', '/schedules/weekly', Buffer.from('{"GroupName":"g"}'))).toMatchObject({
      operation: 'CreateSchedule',
      name: 'weekly',
      body: { GroupName: 'g' },
    });
    expect(schedulerCallOf('PUT', '/schedules/weekly', Buffer.from('{}'))?.operation).toBe('UpdateSchedule');
    expect(
      schedulerCallOf('GET', '/schedules/weekly?groupName=g', Buffer.alloc(0))?.query.get('groupName'),
    ).toBe('g');
    expect(
      schedulerCallOf('DELETE', '/schedules/weekly?groupName=g&clientToken=t', Buffer.alloc(0))?.operation,
    ).toBe('DeleteSchedule');
    expect(schedulerCallOf('GET', '/schedules?ScheduleGroup=g', Buffer.alloc(0))?.operation).toBe(
      'ListSchedules',
    );
    expect(schedulerCallOf('GET', '/schedule-groups', Buffer.alloc(0))).toBeUndefined();
  });

  it('takes the schedule the adapter sends', () => {
    expect(checkSchedulerCall(create('weekly', definition()))).toBeUndefined();
  });

  it('refuses names and groups outside 1–64 of 0-9 a-z A-Z - _ .', () => {
    for (const name of ['', 'a'.repeat(65), 'year end', 'نشرة', 'a/b'])
      expect(checkSchedulerCall(create(name, definition()))?.code, name).toBe('ValidationException');
    expect(checkSchedulerCall(create('weekly', definition({ GroupName: 'nashra test' })))?.message).toMatch(
      /GroupName/,
    );
    expect(checkSchedulerCall(create('a'.repeat(64), definition()))).toBeUndefined();
  });

  it('takes at(), rate() and six-field cron() as documented, and refuses anything else', () => {
    for (const ok of [
      'at(2026-12-31T18:00:00)',
      'rate(5 minutes)',
      'rate(1 day)',
      'cron(0 8 ? * 6 *)',
      'cron(0/15 8-17 ? * MON-FRI *)',
      'cron(0 9 1 * ? *)',
      'cron(0 8 ? * 6#2 2026-2030)',
      'cron(0 8 L * ? *)',
    ])
      expect(scheduleExpressionProblem(ok), ok).toBeUndefined();
    for (const bad of [
      'at(2026-02-30T08:00:00)',
      'at(2026-12-31 18:00)',
      'rate(0 minutes)',
      'rate(5 weeks)',
      'cron(0 8 * * 5)',
      'cron(0 8 1 * 5 *)',
      'cron(0 8 * * * *)',
      'cron(60 8 ? * 6 *)',
      'cron(0 8 ? * 8 *)',
      'every day',
    ])
      expect(scheduleExpressionProblem(bad), bad).toMatch(/Schedule Expression/);
  });

  it('takes every expression the product makes from a nashra schedule', () => {
    for (const cron of [
      '0 8 * * 5',
      '0 6 * * *',
      '0 9 1 * *',
      '@weekly',
      '*/15 * * * 1-5',
      '0 8 * * 5#2',
      '0 7 * * SUN',
    ])
      expect(scheduleExpressionProblem(eventBridgeCron(cron)), cron).toBeUndefined();
    expect(scheduleExpressionProblem(eventBridgeAt('2026-12-31T18:00'))).toBeUndefined();
  });

  it('refuses unknown time zones and ones spelt in another case', () => {
    for (const zone of ['Mars/Olympus', '+03:00', 'asia/baghdad', 'a'.repeat(51)])
      expect(
        checkSchedulerCall(create('weekly', definition({ ScheduleExpressionTimezone: zone })))?.message,
        zone,
      ).toMatch(/time zone/);
    expect(
      checkSchedulerCall(create('weekly', definition({ ScheduleExpressionTimezone: 'UTC' }))),
    ).toBeUndefined();
  });

  it('holds the target to its limits: Input up to 8192 characters, role and queue ARNs, retry ranges', () => {
    const target = (changes: Record<string, unknown>) =>
      checkSchedulerCall(create('weekly', definition({ Target: { ...definition().Target, ...changes } })))
        ?.message;
    expect(target({ Input: 'x'.repeat(8192) })).toBeUndefined();
    expect(target({ Input: 'x'.repeat(8193) })).toMatch(/Target.Input/);
    expect(target({ RoleArn: 'arn:aws:lambda:eu-west-1:111111111111:function:f' })).toMatch(/RoleArn/);
    expect(target({ DeadLetterConfig: { Arn: 'arn:aws:sns:eu-west-1:111111111111:t' } })).toMatch(
      /DeadLetterConfig/,
    );
    expect(target({ RetryPolicy: { MaximumRetryAttempts: 186 } })).toMatch(/MaximumRetryAttempts/);
    expect(target({ RetryPolicy: { MaximumEventAgeInSeconds: 59 } })).toMatch(/MaximumEventAgeInSeconds/);
  });

  it('refuses a flexible window without its width, and fields outside their enums', () => {
    const message = (changes: Record<string, unknown>) =>
      checkSchedulerCall(create('weekly', definition(changes)))?.message;
    expect(message({ FlexibleTimeWindow: { Mode: 'FLEXIBLE' } })).toMatch(
      /MaximumWindowInMinutes is required/,
    );
    expect(message({ FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 1441 } })).toMatch(
      /1 to 1440/,
    );
    expect(message({ State: 'PAUSED' })).toMatch(/State/);
    expect(message({ ActionAfterCompletion: 'KEEP' })).toMatch(/ActionAfterCompletion/);
    expect(message({ Description: 'd'.repeat(513) })).toMatch(/Description/);
  });

  it('checks the names, groups and paging parameters of Get, Delete and List', () => {
    const call = (operation: SchedulerCall['operation'], query: string, name?: string) =>
      checkSchedulerCall({ operation, name, query: new URLSearchParams(query), body: {} });
    expect(call('GetSchedule', 'groupName=nashra-test', 'weekly')).toBeUndefined();
    expect(call('DeleteSchedule', 'groupName=nashra test', 'weekly')?.message).toMatch(/GroupName/);
    expect(call('ListSchedules', 'ScheduleGroup=nashra-test&MaxResults=100')).toBeUndefined();
    expect(call('ListSchedules', 'MaxResults=101')?.message).toMatch(/MaxResults/);
  });
});
