import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
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
import { type SchedulerStandIn, startSchedulerStandIn } from '../support/aws-stand-ins/scheduler';
import { suiteConfig, suiteDatabase } from '../support/local-aws';

// There is no EventBridge Scheduler emulator: the adapter talks, through the real SDK client, to the
// Scheduler stand-in, which holds AWS's contract (a call Scheduler would refuse fails here too) and
// records every call for the assertions below.
const settings = {
  group: 'nashra-test',
  targetArn: 'arn:aws:lambda:eu-west-1:111111111111:function:nashra-test-digest-run',
  roleArn: 'arn:aws:iam::111111111111:role/nashra-test-digest-scheduler',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:111111111111:nashra-test-schedule-dlq',
};
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
let triggers: EventBridgeScheduleTriggers;
let scheduler: SchedulerStandIn;
let client: SchedulerClient;
const clock: Clock = { now: () => new Date('2026-11-01T09:00:00.000Z') };

beforeAll(async () => {
  const { client: dynamo, db } = await suiteDatabase(config);
  // Two schedules a page, so that listing them takes several pages.
  scheduler = await startSchedulerStandIn({ groups: [settings.group], pageSize: 2, now: clock.now });
  client = new SchedulerClient({
    region: 'eu-west-1',
    endpoint: scheduler.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  triggers = new EventBridgeScheduleTriggers(client, settings);
  close = () => dynamo.destroy();
  deps = { schedules: new DynamoScheduleRepo(db, config.tables.schedules), clock, triggers };
});
afterAll(async () => {
  close();
  client.destroy();
  await scheduler.close();
});
beforeEach(() => {
  scheduler.calls.length = 0;
});

const callsOf = (operation: string) => scheduler.calls.filter((call) => call.operation === operation);
/** What the adapter sent, without the idempotency token the SDK adds to every create and update. */
const sent = (operation: string): Array<Record<string, unknown>> =>
  callsOf(operation).map(({ name, body: { ClientToken: _token, ...body } }) => ({ Name: name, ...body }));

describe('the EventBridge Scheduler adapter', () => {
  it('creates a cron schedule in the group, in its time zone, targeting the digest function with the scheduled time', async () => {
    await addSchedule(
      { name: 'weekly', cron: '0 8 * * 5', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
      deps,
    );
    expect(sent('CreateSchedule')).toEqual([
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
    expect(callsOf('CreateSchedule').map((call) => call.status)).toEqual([200]);
    expect(DIGEST_RETRY_POLICY).toEqual(target('weekly').RetryPolicy);
  });

  it('creates a one-off as at() in its own time zone, deleting itself once fired', async () => {
    await addSchedule(
      { name: 'year-end', at: '2026-12-31T18:00', timeZone: 'Europe/London', cadence: 'daily', topics: [] },
      deps,
    );
    expect(sent('CreateSchedule')[0]).toMatchObject({
      Name: 'year-end',
      ScheduleExpression: 'at(2026-12-31T18:00:00)',
      ScheduleExpressionTimezone: 'Europe/London',
      ActionAfterCompletion: 'DELETE',
      Target: target('year-end'),
    });
    expect(scheduler.schedules.get('nashra-test/year-end')?.ScheduleExpression).toBe(
      'at(2026-12-31T18:00:00)',
    );
  });

  it('pauses and resumes by replacing the schedule DISABLED, then ENABLED (an existing one is updated)', async () => {
    await setScheduleEnabled('weekly', false, deps);
    await setScheduleEnabled('weekly', true, deps);
    expect(callsOf('CreateSchedule').map((call) => call.status)).toEqual([409, 409]);
    const updates = sent('UpdateSchedule');
    expect(updates.map((input) => input.State)).toEqual(['DISABLED', 'ENABLED']);
    expect(updates[0]).toMatchObject({
      Name: 'weekly',
      GroupName: 'nashra-test',
      ScheduleExpression: 'cron(0 8 ? * 6 *)',
      ScheduleExpressionTimezone: 'Asia/Baghdad',
      Target: target('weekly'),
    });
    expect(scheduler.schedules.get('nashra-test/weekly')?.State).toBe('ENABLED');
    expect((await deps.schedules.get('weekly'))?.enabled).toBe(true);
  });

  it('deletes the schedule with the record; one already gone is fine', async () => {
    // The one-off fired and deleted itself in EventBridge: DeleteSchedule answers 404.
    scheduler.schedules.delete('nashra-test/year-end');
    await removeSchedule('year-end', deps);
    expect(callsOf('DeleteSchedule').map((call) => [call.name, call.groupName, call.status])).toEqual([
      ['year-end', 'nashra-test', 404],
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
    expect(callsOf('CreateSchedule')).toHaveLength(0);
  });
});

describe('schedule sync: the table is the truth', () => {
  const remote = (name: string, expression: string, changes: Record<string, unknown> = {}) =>
    client.send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: settings.group,
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'Asia/Baghdad',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: target(name),
        ...changes,
      }),
    );

  it('creates the missing, fixes the different, deletes the extra and leaves the rest', async () => {
    await addSchedule(
      { name: 'daily', cron: '0 6 * * *', timeZone: 'Asia/Baghdad', cadence: 'daily', topics: [] },
      deps,
    );
    await addSchedule(
      { name: 'monthly', cron: '0 9 1 * *', timeZone: 'Asia/Baghdad', cadence: 'weekly', topics: [] },
      deps,
    );
    // EventBridge holds `weekly` paused (drift), `monthly` aimed at an old function (drift), a stray
    // schedule no record wants, and lacks `daily`.
    scheduler.schedules.delete('nashra-test/daily');
    scheduler.schedules.delete('nashra-test/monthly');
    scheduler.schedules.delete('nashra-test/weekly');
    await remote('weekly', 'cron(0 8 ? * 6 *)', { State: 'DISABLED' });
    await remote('monthly', 'cron(0 9 1 * ? *)', {
      Target: { ...target('monthly'), Arn: 'arn:aws:lambda:eu-west-1:111111111111:function:old' },
    });
    await remote('stray', 'cron(0 1 * * ? *)');
    scheduler.calls.length = 0;

    const report = await syncTriggers({ ...deps, triggers });
    expect(report).toEqual({
      created: ['daily'],
      updated: ['monthly', 'weekly'],
      removed: ['stray'],
      unchanged: [],
    });
    expect(callsOf('DeleteSchedule').map((call) => [call.name, call.groupName])).toEqual([
      ['stray', 'nashra-test'],
    ]);
    expect(
      sent('UpdateSchedule').map((input) => [input.Name, input.State, (input.Target as { Arn: string }).Arn]),
    ).toEqual([
      ['monthly', 'ENABLED', settings.targetArn],
      ['weekly', 'ENABLED', settings.targetArn],
    ]);
    expect(callsOf('ListSchedules')[0]?.query).toEqual({ ScheduleGroup: 'nashra-test' });
    expect([...scheduler.schedules.keys()].sort()).toEqual([
      'nashra-test/daily',
      'nashra-test/monthly',
      'nashra-test/weekly',
    ]);
  });

  it('leaves a schedule alone when it matches, and pages through the listing', async () => {
    expect(await syncTriggers({ ...deps, triggers })).toEqual({
      created: [],
      updated: [],
      removed: [],
      unchanged: ['daily', 'monthly', 'weekly'],
    });
    expect(callsOf('ListSchedules').map((call) => call.query.NextToken)).toEqual([undefined, '2']);
    expect(callsOf('CreateSchedule')).toHaveLength(0);
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
    await remote('missed-one-off', 'at(2026-10-01T08:00:00)', { ActionAfterCompletion: 'DELETE' });
    scheduler.schedules.delete('nashra-test/daily');
    const report = await syncTriggers({ ...deps, triggers });
    expect(report.removed).toEqual(['missed-one-off']);
    expect(report.created).toEqual(['daily']);
    expect(scheduler.schedules.has('nashra-test/missed-one-off')).toBe(false);
  });
});
