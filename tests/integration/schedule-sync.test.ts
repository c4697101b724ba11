import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoScheduleRepo } from '../../functions/adapters/dynamodb/schedule-repo';
import { DIGEST_RETRY_POLICY, EventBridgeScheduleTriggers } from '../../functions/adapters/scheduler';
import type { Clock } from '../../functions/core/ports';
import {
  addSchedule,
  removeSchedule,
  type ScheduleDeps,
  setScheduleEnabled,
  syncTriggers,
} from '../../functions/core/schedules';
import { suiteConfig, suiteDatabase } from '../support/local-aws';

// There is no EventBridge Scheduler emulator: the adapter is tested for the exact calls it makes.
const scheduler = mockClient(SchedulerClient);
const settings = {
  group: 'nashra-test',
  targetArn: 'arn:aws:lambda:eu-west-1:111111111111:function:nashra-test-digest-run',
  roleArn: 'arn:aws:iam::111111111111:role/nashra-test-digest-scheduler',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:111111111111:nashra-test-schedule-dlq',
};
const triggers = new EventBridgeScheduleTriggers(new SchedulerClient({ region: 'eu-west-1' }), settings);
const target = (name: string) => ({
  Arn: settings.targetArn,
  RoleArn: settings.roleArn,
  Input: JSON.stringify({ scheduleName: name, scheduledTime: '<aws.scheduler.scheduled-time>' }),
  RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 21600 },
  DeadLetterConfig: { Arn: settings.deadLetterArn },
});

const config = suiteConfig();
let close: () => void;
let deps: ScheduleDeps;
const clock: Clock = { now: () => new Date('2026-11-01T09:00:00.000Z') };

beforeAll(async () => {
  const { client, db } = await suiteDatabase(config);
  close = () => client.destroy();
  deps = { schedules: new DynamoScheduleRepo(db, config.tables.schedules), clock, triggers };
});
afterAll(() => close());
beforeEach(() => {
  scheduler.reset();
  scheduler.onAnyCommand().resolves({});
});

describe('the EventBridge Scheduler adapter', () => {
  it('creates a cron schedule in the group, in its time zone, targeting the digest function with the scheduled time', async () => {
    await addSchedule(
      { name: 'weekly', cron: '0 8 * * 5', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
      deps,
    );
    expect(scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input)).toEqual([
      {
        Name: 'weekly',
        GroupName: 'nashra-test',
        Description: 'nashra digest schedule weekly',
        ScheduleExpression: 'cron(0 8 ? * 6 *)',
        ScheduleExpressionTimezone: 'Asia/Baghdad',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: target('weekly'),
        ActionAfterCompletion: 'NONE',
      },
    ]);
    expect(DIGEST_RETRY_POLICY).toEqual(target('weekly').RetryPolicy);
  });

  it('creates a one-off as at() in its own time zone, deleting itself once fired', async () => {
    await addSchedule(
      { name: 'year-end', at: '2026-12-31T18:00', timeZone: 'Europe/London', cadence: 'daily', topics: [] },
      deps,
    );
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toMatchObject({
      Name: 'year-end',
      ScheduleExpression: 'at(2026-12-31T18:00:00)',
      ScheduleExpressionTimezone: 'Europe/London',
      ActionAfterCompletion: 'DELETE',
      Target: target('year-end'),
    });
  });

  it('pauses and resumes by replacing the schedule DISABLED, then ENABLED (an existing one is updated)', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    await setScheduleEnabled('weekly', false, deps);
    await setScheduleEnabled('weekly', true, deps);
    const updates = scheduler.commandCalls(UpdateScheduleCommand).map((call) => call.args[0].input);
    expect(updates.map((input) => input.State)).toEqual(['DISABLED', 'ENABLED']);
    expect(updates[0]).toMatchObject({
      Name: 'weekly',
      GroupName: 'nashra-test',
      ScheduleExpression: 'cron(0 8 ? * 6 *)',
      ScheduleExpressionTimezone: 'Asia/Baghdad',
      Target: target('weekly'),
    });
    expect((await deps.schedules.get('weekly'))?.enabled).toBe(true);
  });

  it('deletes the schedule with the record; one already gone is fine', async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));
    await removeSchedule('year-end', deps);
    expect(scheduler.commandCalls(DeleteScheduleCommand).map((call) => call.args[0].input)).toEqual([
      { Name: 'year-end', GroupName: 'nashra-test' },
    ]);
    expect(await deps.schedules.get('year-end')).toBeUndefined();
  });

  it('refuses a cron EventBridge cannot run before storing anything', async () => {
    await expect(
      addSchedule(
        { name: 'odd', cron: '0 8 1 * 5', timeZone: 'Asia/Baghdad', cadence: 'daily', topics: [] },
        deps,
      ),
    ).rejects.toThrow(/day of the month or a day of the week/);
    expect(await deps.schedules.get('odd')).toBeUndefined();
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });
});

describe('schedule sync: the table is the truth', () => {
  it('creates the missing, fixes the different, deletes the extra and leaves the rest', async () => {
    await addSchedule(
      { name: 'daily', cron: '0 6 * * *', timeZone: 'Asia/Baghdad', cadence: 'daily', topics: [] },
      deps,
    );
    await addSchedule(
      { name: 'monthly', cron: '0 9 1 * *', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
      deps,
    );
    scheduler.reset();
    scheduler.onAnyCommand().resolves({});
    // EventBridge holds `weekly` paused (drift), `monthly` aimed at an old function (drift), a stray
    // schedule no record wants, and lacks `daily`.
    scheduler.on(ListSchedulesCommand).resolves({
      Schedules: [{ Name: 'weekly' }, { Name: 'stray' }, { Name: 'monthly' }],
    });
    const remote = (name: string, changes: Record<string, unknown> = {}) => ({
      Name: name,
      ScheduleExpressionTimezone: 'Asia/Baghdad',
      State: 'ENABLED' as const,
      Target: target(name),
      ...changes,
    });
    scheduler
      .on(GetScheduleCommand, { Name: 'weekly' })
      .resolves(remote('weekly', { ScheduleExpression: 'cron(0 8 ? * 6 *)', State: 'DISABLED' }))
      .on(GetScheduleCommand, { Name: 'monthly' })
      .resolves(
        remote('monthly', {
          ScheduleExpression: 'cron(0 9 1 * ? *)',
          Target: { ...target('monthly'), Arn: 'arn:aws:lambda:eu-west-1:111111111111:function:old' },
        }),
      )
      .on(GetScheduleCommand, { Name: 'stray' })
      .resolves(remote('stray', { ScheduleExpression: 'cron(0 1 * * ? *)' }));
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    scheduler.on(CreateScheduleCommand, { Name: 'daily' }).resolves({});
    const report = await syncTriggers({ ...deps, triggers });
    expect(report).toEqual({
      created: ['daily'],
      updated: ['weekly', 'monthly'],
      removed: ['stray'],
      unchanged: [],
    });
    expect(scheduler.commandCalls(DeleteScheduleCommand).map((call) => call.args[0].input)).toEqual([
      { Name: 'stray', GroupName: 'nashra-test' },
    ]);
    const updated = scheduler.commandCalls(UpdateScheduleCommand).map((call) => call.args[0].input);
    expect(updated.map((input) => [input.Name, input.State, input.Target?.Arn])).toEqual([
      ['weekly', 'ENABLED', settings.targetArn],
      ['monthly', 'ENABLED', settings.targetArn],
    ]);
    expect(scheduler.commandCalls(ListSchedulesCommand)[0]?.args[0].input).toEqual({
      GroupName: 'nashra-test',
      NextToken: undefined,
    });
  });

  it('leaves a schedule alone when it matches, and pages through the listing', async () => {
    scheduler.reset();
    scheduler
      .on(ListSchedulesCommand)
      .resolvesOnce({ Schedules: [{ Name: 'weekly' }, { Name: 'daily' }], NextToken: 'next' })
      .resolves({ Schedules: [{ Name: 'monthly' }] });
    const expressions: Record<string, string> = {
      weekly: 'cron(0 8 ? * 6 *)',
      daily: 'cron(0 6 * * ? *)',
      monthly: 'cron(0 9 1 * ? *)',
    };
    for (const [name, expression] of Object.entries(expressions))
      scheduler.on(GetScheduleCommand, { Name: name }).resolves({
        Name: name,
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'Asia/Baghdad',
        State: 'ENABLED',
        Target: target(name),
      });
    expect(await syncTriggers({ ...deps, triggers })).toEqual({
      created: [],
      updated: [],
      removed: [],
      unchanged: ['weekly', 'daily', 'monthly'],
    });
    expect(scheduler.commandCalls(ListSchedulesCommand).map((call) => call.args[0].input.NextToken)).toEqual([
      undefined,
      'next',
    ]);
  });

  it('wants no trigger for a one-off whose time has passed', async () => {
    await deps.schedules.create({
      name: 'missed-one-off',
      at: '2026-10-01T08:00',
      timeZone: 'Asia/Baghdad',
      cadence: 'daily',
      topics: [],
      enabled: true,
      createdAt: '2026-09-01T00:00:00.000Z',
      updatedAt: '2026-09-01T00:00:00.000Z',
    });
    scheduler.reset();
    scheduler.onAnyCommand().resolves({});
    scheduler.on(ListSchedulesCommand).resolves({ Schedules: [{ Name: 'missed-one-off' }] });
    scheduler.on(GetScheduleCommand).resolves({
      Name: 'missed-one-off',
      ScheduleExpression: 'at(2026-10-01T08:00:00)',
      ScheduleExpressionTimezone: 'Asia/Baghdad',
      State: 'ENABLED',
      Target: target('missed-one-off'),
    });
    const report = await syncTriggers({ ...deps, triggers });
    expect(report.removed).toEqual(['missed-one-off']);
    expect(report.created.sort()).toEqual(['daily', 'monthly', 'weekly']);
  });
});
