import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digestTargetInput, EventBridgeScheduleTriggers } from '../../functions/adapters/scheduler';
import {
  type CloudFormationStandIn,
  startCloudFormationStandIn,
} from '../support/aws-stand-ins/cloudformation';
import { type SchedulerStandIn, startSchedulerStandIn } from '../support/aws-stand-ins/scheduler';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const settings = {
  group: 'nashra-test',
  targetArn: 'arn:aws:lambda:eu-west-1:111111111111:function:nashra-test-digest-run',
  roleArn: 'arn:aws:iam::111111111111:role/nashra-test-digest-scheduler',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:111111111111:nashra-test-schedule-dlq',
};

let scheduler: SchedulerStandIn;
let cloudformation: CloudFormationStandIn;
let schedulerClient: SchedulerClient;
let cloudformationClient: CloudFormationClient;

beforeAll(async () => {
  scheduler = await startSchedulerStandIn({ groups: [settings.group] });
  cloudformation = await startCloudFormationStandIn({
    stacks: {
      'nashra-test-stateful': { outputs: { SendQueueUrl: 'http://127.0.0.1:1/000000000000/nashra-send' } },
    },
  });
  schedulerClient = new SchedulerClient({
    region: 'eu-west-1',
    endpoint: scheduler.url,
    credentials,
    maxAttempts: 1,
  });
  cloudformationClient = new CloudFormationClient({
    region: 'eu-west-1',
    endpoint: cloudformation.url,
    credentials,
    maxAttempts: 1,
  });
});
afterAll(async () => {
  schedulerClient.destroy();
  cloudformationClient.destroy();
  await scheduler.close();
  await cloudformation.close();
});

describe('the EventBridge Scheduler stand-in, through the real SDK client', () => {
  const triggers = () => new EventBridgeScheduleTriggers(schedulerClient, settings);

  it('keeps what the product adapter creates, updates on conflict, lists, reads back and deletes', async () => {
    await triggers().put({
      name: 'weekly',
      expression: 'cron(0 8 ? * 6 *)',
      timeZone: 'Asia/Baghdad',
      enabled: true,
    });
    await triggers().put({
      name: 'weekly',
      expression: 'cron(0 8 ? * 6 *)',
      timeZone: 'Asia/Baghdad',
      enabled: false,
    });
    expect(scheduler.calls.map((call) => [call.operation, call.status])).toEqual([
      ['CreateSchedule', 200],
      ['CreateSchedule', 409],
      ['UpdateSchedule', 200],
    ]);
    expect(scheduler.schedules.get('nashra-test/weekly')).toMatchObject({
      State: 'DISABLED',
      ScheduleExpressionTimezone: 'Asia/Baghdad',
      Target: { Arn: settings.targetArn, Input: digestTargetInput('weekly') },
    });
    expect(await triggers().list()).toEqual([
      {
        name: 'weekly',
        expression: 'cron(0 8 ? * 6 *)',
        timeZone: 'Asia/Baghdad',
        enabled: false,
        targetDrifted: false,
      },
    ]);
    await triggers().remove('weekly');
    await triggers().remove('weekly');
    expect(scheduler.calls.slice(-2).map((call) => [call.operation, call.status])).toEqual([
      ['DeleteSchedule', 200],
      ['DeleteSchedule', 404],
    ]);
  });

  it('answers ConflictException, ResourceNotFoundException and ValidationException as the SDK knows them', async () => {
    const input = {
      Name: 'daily',
      GroupName: settings.group,
      ScheduleExpression: 'cron(0 6 * * ? *)',
      FlexibleTimeWindow: { Mode: 'OFF' as const },
      Target: { Arn: settings.targetArn, RoleArn: settings.roleArn },
    };
    await schedulerClient.send(new CreateScheduleCommand(input));
    await expect(schedulerClient.send(new CreateScheduleCommand(input))).rejects.toBeInstanceOf(
      ConflictException,
    );
    await expect(
      schedulerClient.send(new GetScheduleCommand({ Name: 'nowhere', GroupName: settings.group })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(
      schedulerClient.send(
        new CreateScheduleCommand({ ...input, Name: 'other', GroupName: 'no-such-group' }),
      ),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Schedule group no-such-group does not exist.',
    });
    const refused = schedulerClient.send(
      new CreateScheduleCommand({ ...input, Name: 'year end', ScheduleExpression: 'cron(0 8 * * 5)' }),
    );
    await expect(refused).rejects.toBeInstanceOf(ValidationException);
    await expect(refused).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    await schedulerClient.send(new DeleteScheduleCommand({ Name: 'daily', GroupName: settings.group }));
  });

  it('pages ListSchedules with NextToken', async () => {
    for (const name of ['a', 'b', 'c'])
      await triggers().put({ name, expression: 'rate(1 day)', timeZone: 'UTC', enabled: true });
    const before = scheduler.calls.length;
    expect((await triggers().list()).map((trigger) => trigger.name)).toEqual(['a', 'b', 'c']);
    expect(scheduler.calls.slice(before).filter((call) => call.operation === 'ListSchedules')).toHaveLength(
      1,
    );
    for (const name of ['a', 'b', 'c']) await triggers().remove(name);
  });
});

describe('the CloudFormation stand-in, through the real SDK client', () => {
  it('describes a stack with the outputs the test gave it', async () => {
    const { Stacks } = await cloudformationClient.send(
      new DescribeStacksCommand({ StackName: 'nashra-test-stateful' }),
    );
    expect(Stacks?.map((stack) => [stack.StackName, stack.StackStatus])).toEqual([
      ['nashra-test-stateful', 'CREATE_COMPLETE'],
    ]);
    expect(Stacks?.[0]?.Outputs).toEqual([
      { OutputKey: 'SendQueueUrl', OutputValue: 'http://127.0.0.1:1/000000000000/nashra-send' },
    ]);
    expect(Stacks?.[0]?.CreationTime).toBeInstanceOf(Date);
  });

  it('answers a missing stack as AWS does: ValidationError, "Stack with id X does not exist"', async () => {
    await expect(
      cloudformationClient.send(new DescribeStacksCommand({ StackName: 'nashra-nowhere-stateless' })),
    ).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'Stack with id nashra-nowhere-stateless does not exist',
      $metadata: { httpStatusCode: 400 },
    });
    cloudformation.setStack('nashra-nowhere-stateless', { outputs: { ApiUrl: 'http://127.0.0.1:2/' } });
    const { Stacks } = await cloudformationClient.send(
      new DescribeStacksCommand({ StackName: 'nashra-nowhere-stateless' }),
    );
    expect(Stacks?.[0]?.Outputs?.[0]).toEqual({ OutputKey: 'ApiUrl', OutputValue: 'http://127.0.0.1:2/' });
    expect(cloudformation.describeCalls).toEqual([
      'nashra-test-stateful',
      'nashra-nowhere-stateless',
      'nashra-nowhere-stateless',
    ]);
  });
});
