import type { Duration } from 'aws-cdk-lib';
import type { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { TableName } from '../functions/shared/tables';

/** What invokes a function. Each kind is wired once, by the stateless stack. */
export type Trigger =
  /** The HTTP API: every public route, and the IAM-authorised staff routes. */
  | { kind: 'http-api' }
  /** A fixed clock of the stack's own (EventBridge Scheduler, default group), e.g. the feed poller. */
  | { kind: 'clock'; schedule: ScheduleExpression }
  /** New items of a table's stream: the event source mapping passes only these event names. */
  | { kind: 'table-stream'; table: TableName; eventNames: Array<'INSERT' | 'MODIFY' | 'REMOVE'> }
  /** The send queue (SQS); concurrency derived from the send rate. */
  | { kind: 'send-queue' }
  /** The staff's digest schedules: EventBridge Scheduler schedules in the stack's group, created at run time. */
  | { kind: 'digest-schedules' }
  /** SES bounce and complaint events of the stage's configuration set (EventBridge). */
  | { kind: 'ses-events' }
  /**
   * The staff console: the HTTP API's `/console` routes (staff sign in through the stage's user pool),
   * with the staff pool's ids and what it takes to keep the digest schedules in EventBridge Scheduler.
   */
  | { kind: 'console' };

/**
 * What a function may touch; each grant also sets the environment the code needs to find it. (Every
 * function also reads the link-signing key: functions/shared/config.ts requires it on AWS.)
 */
export type Grant = `reads:${TableName}` | `writes:${TableName}` | 'sends-mail' | 'enqueues-sends';

export interface HandlerSpec {
  /** Entry file, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  trigger: Trigger;
  grants: Grant[];
  timeout: Duration;
  memorySize?: number;
  /** Only where a limit is the point (see the registry); triggers bound the others. */
  reservedConcurrency?: number;
}
