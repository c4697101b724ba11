import {
  ConflictException,
  CreateScheduleCommand,
  type CreateScheduleInput,
  DeleteScheduleCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListSchedulesCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import type { ScheduleTrigger, ScheduleTriggers } from '../core/ports';
import type { Config } from '../shared/config';
import { type AwsClientOptions, clientOptions } from './aws-client-options';

export type SchedulerSettings = NonNullable<Config['scheduler']>;

export function createSchedulerClient(config: Config): SchedulerClient {
  return schedulerClientWith(clientOptions(config, config.endpoints.scheduler));
}

export function schedulerClientWith(options: AwsClientOptions): SchedulerClient {
  return new SchedulerClient(options);
}

/**
 * How a digest schedule invokes the digest function. A firing names its window by the time it was
 * due, so a retry is always safe: EventBridge retries handing it over for up to six hours, then puts
 * it in the schedule DLQ (whose alarm rings).
 */
export const DIGEST_RETRY_POLICY = { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 6 * 60 * 60 };

/** The digest function's input: the schedule and EventBridge Scheduler's time the firing was due. */
export function digestTargetInput(scheduleName: string): string {
  return JSON.stringify({ scheduleName, scheduledTime: '<aws.scheduler.scheduled-time>' });
}

/**
 * The digest schedules as EventBridge Scheduler schedules in the stage's group: one per nashra
 * schedule, of the same name, in its time zone, invoking the digest function through the scheduler
 * role with a retry policy and the schedule DLQ. A fired one-off deletes itself.
 */
export class EventBridgeScheduleTriggers implements ScheduleTriggers {
  constructor(
    private readonly client: SchedulerClient,
    private readonly settings: SchedulerSettings,
  ) {}

  private target(name: string) {
    return {
      Arn: this.settings.targetArn,
      RoleArn: this.settings.roleArn,
      Input: digestTargetInput(name),
      RetryPolicy: DIGEST_RETRY_POLICY,
      DeadLetterConfig: { Arn: this.settings.deadLetterArn },
    };
  }

  private input(trigger: ScheduleTrigger): CreateScheduleInput {
    return {
      Name: trigger.name,
      GroupName: this.settings.group,
      Description: `nashra digest schedule ${trigger.name}`,
      ScheduleExpression: trigger.expression,
      ScheduleExpressionTimezone: trigger.timeZone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: trigger.enabled ? 'ENABLED' : 'DISABLED',
      Target: this.target(trigger.name),
      ActionAfterCompletion: trigger.expression.startsWith('at(') ? 'DELETE' : 'NONE',
    };
  }

  async put(trigger: ScheduleTrigger): Promise<void> {
    const input = this.input(trigger);
    try {
      await this.client.send(new CreateScheduleCommand(input));
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
      // UpdateSchedule replaces every setting, so it takes the whole definition again.
      await this.client.send(new UpdateScheduleCommand(input));
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await this.client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.settings.group }));
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }

  async list(): Promise<Array<ScheduleTrigger & { targetDrifted: boolean }>> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListSchedulesCommand({ GroupName: this.settings.group, NextToken: token }),
      );
      for (const summary of page.Schedules ?? []) if (summary.Name) names.push(summary.Name);
      token = page.NextToken;
    } while (token);
    const triggers: Array<ScheduleTrigger & { targetDrifted: boolean }> = [];
    for (const name of names) {
      const schedule = await this.client
        .send(new GetScheduleCommand({ Name: name, GroupName: this.settings.group }))
        .catch((error) => {
          // Deleted between the listing and now (a one-off that just fired): nothing to compare.
          if (error instanceof ResourceNotFoundException) return undefined;
          throw error;
        });
      if (!schedule) continue;
      const want = this.target(name);
      const target = schedule.Target;
      triggers.push({
        name,
        expression: schedule.ScheduleExpression ?? '',
        timeZone: schedule.ScheduleExpressionTimezone ?? 'UTC',
        enabled: schedule.State === 'ENABLED',
        targetDrifted:
          target?.Arn !== want.Arn ||
          target?.RoleArn !== want.RoleArn ||
          target?.Input !== want.Input ||
          target?.DeadLetterConfig?.Arn !== want.DeadLetterConfig.Arn ||
          target?.RetryPolicy?.MaximumRetryAttempts !== want.RetryPolicy.MaximumRetryAttempts ||
          target?.RetryPolicy?.MaximumEventAgeInSeconds !== want.RetryPolicy.MaximumEventAgeInSeconds,
      });
    }
    return triggers;
  }
}

/** A schedule group's state and how many schedules it holds, or undefined when it does not exist. */
export async function describeScheduleGroup(
  client: SchedulerClient,
  group: string,
): Promise<{ state: string; schedules: number } | undefined> {
  try {
    const { State } = await client.send(new GetScheduleGroupCommand({ Name: group }));
    let schedules = 0;
    let token: string | undefined;
    do {
      const page = await client.send(new ListSchedulesCommand({ GroupName: group, NextToken: token }));
      schedules += page.Schedules?.length ?? 0;
      token = page.NextToken;
    } while (token);
    return { state: State ?? 'UNKNOWN', schedules };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}
