import { Duration } from 'aws-cdk-lib';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { ALERT_SWEEP_MINUTES } from '../functions/core/send/quiet-hours';
import { allTableNames, type TableName, tableDefinitions } from '../functions/shared/tables';
import type { DeploySettings } from './config';
import type { HandlerSpec, TableAccess } from './handler-spec';
import { SENDER_TIMEOUT } from './sending';

/**
 * Every Lambda function of nashra: its entry file, what triggers it and what it may touch. The stateless
 * stack builds each entry the same way (infra/constructs/nashra-function.ts) and wires its trigger, so a
 * new handler is one entry here. Grants are least privilege, sized to what the handler's code does
 * today: each table's list is the DynamoDB actions of every repository method the handler can reach
 * (tests/infra/stateless-stack.test.ts holds each function's exact action list).
 */
export function handlersFor(settings: DeploySettings): Record<string, HandlerSpec> {
  return {
    'http-api': {
      entry: 'functions/handlers/http-api.ts',
      description: 'HTTP API: subscribe, confirm, preferences, unsubscribe, archive',
      trigger: { kind: 'http-api' },
      grants: ['sends-mail', 'signs-links'],
      tables: {
        // Subscribe, confirm, preferences, unsubscribe: get, find by address, create (conditional puts),
        // and every change of a reader (conditional updates).
        subscribers: ['GetItem', 'PutItem', 'UpdateItem'],
        // The rate limiter's counters: one atomic update a hit.
        counters: ['UpdateItem'],
        // The archive: the issue listing, an issue and its variant. An unsubscribe adds one to the
        // `unsubscribedSince` of each issue that reached the reader.
        issues: ['GetItem', 'UpdateItem', 'Query:byCreated'],
        // An unsubscribe: the issues that reached the reader, from their deliveries.
        deliveries: ['Query:bySubscriber'],
      },
      // API Gateway gives up on an integration after 30 s; a page should answer in well under one.
      timeout: Duration.seconds(10),
    },
    'ingest-api': {
      entry: 'functions/handlers/ingest-api.ts',
      description: 'HTTP API, POST /api/articles (IAM): staff ingest of articles and feeds',
      trigger: { kind: 'ingest-api' },
      grants: [],
      tables: {
        // Save (a conditional put, the stored item read back), pairing by link.
        articles: ['GetItem', 'PutItem', 'UpdateItem', 'Query:byUrl'],
      },
      // API Gateway gives up on an integration after 30 s; a feed of the largest size parses in seconds.
      timeout: Duration.seconds(29),
    },
    'feed-poller': {
      entry: 'functions/handlers/feed-poller.ts',
      description: 'Polls the configured feeds and stores new and edited articles',
      trigger: {
        kind: 'clock',
        schedule: ScheduleExpression.rate(Duration.minutes(settings.feedPollMinutes)),
      },
      grants: [],
      tables: {
        articles: ['GetItem', 'PutItem', 'UpdateItem', 'Query:byUrl'],
        // Each feed's run of failed polls: a hit on failure, a delete on success.
        counters: ['UpdateItem', 'DeleteItem'],
      },
      // Forty feeds at the fetch timeout of 15 s each, with room to spare.
      timeout: Duration.minutes(5),
      // One poll at a time: a slow poll and the next one would only fetch the same feeds twice.
      reservedConcurrency: 1,
    },
    'article-stream': {
      entry: 'functions/handlers/article-stream.ts',
      description: 'New articles (the articles stream, INSERTs only) → the alert path',
      trigger: { kind: 'table-stream', table: 'articles', eventNames: ['INSERT'] },
      // The alert: the article and its translation, the issue written once, readers paged, each bilingual
      // reader's story claimed (deliveries table), jobs queued.
      grants: ['enqueues-sends'],
      tables: {
        articles: ['GetItem'],
        issues: ['GetItem', 'PutItem', 'UpdateItem', 'Query:byCreated'],
        subscribers: ['Query:bySegment'],
        // One alert per story across translations: each reader's story claimed, released on a refusal.
        deliveries: ['PutItem', 'DeleteItem'],
      },
      timeout: Duration.minutes(1),
    },
    'send-worker': {
      entry: 'functions/handlers/send-worker.ts',
      description: 'Send queue → personalised mail through SES at the account rate, one per reader',
      trigger: { kind: 'send-queue' },
      grants: ['sends-mail', 'signs-links'],
      tables: {
        // The batch's readers, in one round trip.
        subscribers: ['BatchGetItem'],
        // The issue and its compiled variant; counts, status, parking.
        issues: ['GetItem', 'UpdateItem'],
        // Claim (a conditional put, the pair read back by a query), outcome, release; recount by query.
        deliveries: ['PutItem', 'UpdateItem', 'DeleteItem', 'Query'],
      },
      timeout: SENDER_TIMEOUT,
      memorySize: 1024,
    },
    'digest-run': {
      entry: 'functions/handlers/digest-run.ts',
      description:
        'A digest schedule fired → its window, rendered once per variant, fanned out to the send queue',
      trigger: { kind: 'digest-schedules' },
      grants: ['enqueues-sends'],
      tables: {
        articles: ['GetItem', 'Query:byLangPublished'],
        // The schedule, its window moved on, a one-off completed.
        schedules: ['GetItem', 'PutItem', 'UpdateItem'],
        issues: ['GetItem', 'PutItem', 'UpdateItem', 'Query:bySchedule'],
        subscribers: ['Query:bySegment'],
      },
      // Fan-out pages through every matching reader; 100,000 readers take minutes, not seconds.
      timeout: Duration.minutes(10),
      memorySize: 1024,
    },
    'alert-sweep': {
      entry: 'functions/handlers/alert-sweep.ts',
      description: "Sends the alerts held in quiet hours once they are over; the digest schedules' heartbeat",
      // On the five-minute marks (UTC), so quiet hours ending on one release their alerts that minute.
      trigger: {
        kind: 'clock',
        schedule: ScheduleExpression.cron({ minute: `0/${ALERT_SWEEP_MINUTES}` }),
      },
      grants: ['enqueues-sends'],
      tables: {
        articles: ['GetItem'],
        issues: ['GetItem', 'PutItem', 'UpdateItem', 'Query:byCreated'],
        subscribers: ['Query:bySegment'],
        // One alert per story across translations: each reader's story claimed, released on a refusal.
        deliveries: ['PutItem', 'DeleteItem'],
        // The digest heartbeat reads every schedule (a handful of items).
        schedules: ['Scan'],
      },
      // A released alert that has not moved for 15 minutes is resumed by a later sweep: stay well under.
      timeout: Duration.minutes(10),
      memorySize: 1024,
      // One sweep at a time: two would only race for the same held alerts.
      reservedConcurrency: 1,
    },
    console: {
      entry: 'functions/handlers/console.ts',
      description: 'Staff console: sign-in, sessions, audit log and the staff pages, on the CLI’s use cases',
      trigger: { kind: 'console' },
      // What the staff commands touch (`nashra … --stage` with a staff member's own credentials): every
      // table, test and confirmation mail, sends, and (wired with the trigger) the digest schedules.
      grants: ['sends-mail', 'enqueues-sends', 'signs-links'],
      tables: staffTableAccess(),
      // API Gateway gives up on an integration after 30 s.
      timeout: Duration.seconds(29),
      memorySize: 1024,
    },
    'ses-feedback': {
      entry: 'functions/handlers/ses-feedback.ts',
      description: 'SES bounces and complaints (SNS) → the reader suppressed, the issue told',
      trigger: { kind: 'ses-events' },
      grants: [],
      // The reader by address, suppressed or its bounces counted (conditional updates, the address
      // claim's expiry cleared); the delivery's feedback and the issue's bounced/complained counts.
      tables: {
        subscribers: ['GetItem', 'UpdateItem'],
        deliveries: ['UpdateItem'],
        issues: ['UpdateItem'],
      },
      timeout: Duration.seconds(30),
    },
  };
}

const everyItemAction: TableAccess[] = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
];

/**
 * The console's tables: every item action on every table and each of its indexes. The console is
 * staff acting (behind sign-in, MFA on prod, every action audited), and staff may read and change any
 * of it, as the staff policy lets `nashra … --stage` do; no function but the console has this.
 */
function staffTableAccess(): Partial<Record<TableName, TableAccess[]>> {
  return Object.fromEntries(
    allTableNames.map((name) => [
      name,
      [
        ...everyItemAction,
        ...tableDefinitions[name].globalIndexes.map((index): TableAccess => `Query:${index.indexName}`),
      ],
    ]),
  );
}
