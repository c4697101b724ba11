import type { Duration } from 'aws-cdk-lib';
import type { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { TableName } from '../functions/shared/tables';

/** What invokes a function. Each kind is wired once, by the stateless stack. */
export type Trigger =
  /** The HTTP API: every public route (readers' pages and links). */
  | { kind: 'http-api' }
  /** The HTTP API's staff ingest route, `POST /api/articles`, IAM-authorised. */
  | { kind: 'ingest-api' }
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

/** What a function may do besides its tables; each also sets the environment the code needs for it. */
export type Grant =
  /** SES SendRawEmail as the sender address, through the stage's configuration set. */
  | 'sends-mail'
  /** Put send jobs on the send queue. */
  | 'enqueues-sends'
  /**
   * Read the link-signing keyring: only the functions that sign or verify reader links. The others
   * are never given the key (the feed poller, which parses hostile XML, least of all).
   */
  | 'signs-links';

/** A DynamoDB item action a repository method calls (functions/adapters/dynamodb). */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem';

/** A table action on the table itself, or `Query:<index>`: a query of that one index. */
export type TableAccess = TableAction | `Query:${string}`;

export interface HandlerSpec {
  /** Entry file, relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  trigger: Trigger;
  grants: Grant[];
  /**
   * Exactly the DynamoDB actions the handler's code calls, per table: every repository method it can
   * reach, mapped to the action it sends. A table not named cannot be touched; an index not named in a
   * `Query:<index>` cannot be queried.
   */
  tables: Partial<Record<TableName, TableAccess[]>>;
  timeout: Duration;
  memorySize?: number;
  /** Only where a limit is the point (see the registry); triggers bound the others. */
  reservedConcurrency?: number;
}
