import { Duration } from 'aws-cdk-lib';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { ALERT_SWEEP_MINUTES } from '../functions/core/send/quiet-hours';
import type { DeploySettings } from './config';
import type { HandlerSpec } from './handler-spec';
import { SENDER_TIMEOUT } from './sending';

/**
 * Every Lambda function of nashra: its entry file, what triggers it and what it may touch. The stateless
 * stack builds each entry the same way (infra/constructs/nashra-function.ts) and wires its trigger, so a
 * new handler is one entry here. Grants are least privilege, sized to what the handler's code does
 * today: a table not listed cannot be read.
 */
export function handlersFor(settings: DeploySettings): Record<string, HandlerSpec> {
  return {
    'http-api': {
      entry: 'functions/handlers/http-api.ts',
      description: 'HTTP API: subscribe, confirm, preferences, unsubscribe, archive, staff ingest',
      trigger: { kind: 'http-api' },
      grants: [
        'reads:articles',
        'writes:articles',
        'reads:subscribers',
        'writes:subscribers',
        'reads:counters',
        'writes:counters',
        'reads:issues',
        'sends-mail',
      ],
      // API Gateway gives up on an integration after 30 s; a page should answer in well under one.
      timeout: Duration.seconds(10),
    },
    'feed-poller': {
      entry: 'functions/handlers/feed-poller.ts',
      description: 'Polls the configured feeds and stores new and edited articles',
      trigger: {
        kind: 'clock',
        schedule: ScheduleExpression.rate(Duration.minutes(settings.feedPollMinutes)),
      },
      grants: ['reads:articles', 'writes:articles'],
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
      grants: [
        'reads:articles',
        'reads:issues',
        'writes:issues',
        'reads:subscribers',
        'reads:deliveries',
        'writes:deliveries',
        'enqueues-sends',
      ],
      timeout: Duration.minutes(1),
    },
    'send-worker': {
      entry: 'functions/handlers/send-worker.ts',
      description: 'Send queue → personalised mail through SES at the account rate, one per reader',
      trigger: { kind: 'send-queue' },
      grants: [
        'reads:subscribers',
        'reads:issues',
        'writes:issues',
        'reads:deliveries',
        'writes:deliveries',
        'sends-mail',
      ],
      timeout: SENDER_TIMEOUT,
      memorySize: 1024,
    },
    'digest-run': {
      entry: 'functions/handlers/digest-run.ts',
      description:
        'A digest schedule fired → its window, rendered once per variant, fanned out to the send queue',
      trigger: { kind: 'digest-schedules' },
      grants: [
        'reads:articles',
        'reads:schedules',
        'writes:schedules',
        'reads:issues',
        'writes:issues',
        'reads:subscribers',
        'enqueues-sends',
      ],
      // Fan-out pages through every matching reader; 100,000 readers take minutes, not seconds.
      timeout: Duration.minutes(10),
      memorySize: 1024,
    },
    'alert-sweep': {
      entry: 'functions/handlers/alert-sweep.ts',
      description: 'Sends the alerts held in quiet hours once they are over',
      // On the five-minute marks (UTC), so quiet hours ending on one release their alerts that minute.
      trigger: {
        kind: 'clock',
        schedule: ScheduleExpression.cron({ minute: `0/${ALERT_SWEEP_MINUTES}` }),
      },
      grants: [
        'reads:articles',
        'reads:issues',
        'writes:issues',
        'reads:subscribers',
        'reads:deliveries',
        'writes:deliveries',
        'enqueues-sends',
      ],
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
      grants: [
        'reads:articles',
        'writes:articles',
        'reads:subscribers',
        'writes:subscribers',
        'reads:schedules',
        'writes:schedules',
        'reads:issues',
        'writes:issues',
        'reads:deliveries',
        'writes:deliveries',
        'reads:counters',
        'writes:counters',
        'reads:staffSessions',
        'writes:staffSessions',
        'reads:audit',
        'writes:audit',
        'sends-mail',
        'enqueues-sends',
      ],
      // API Gateway gives up on an integration after 30 s.
      timeout: Duration.seconds(29),
      memorySize: 1024,
    },
    'ses-feedback': {
      entry: 'functions/handlers/ses-feedback.ts',
      description: 'SES bounces and complaints (SNS) → the reader suppressed, the issue told',
      trigger: { kind: 'ses-events' },
      // The delivery's feedback and the bounced/complained counts (conditional updates).
      grants: ['reads:subscribers', 'writes:subscribers', 'writes:deliveries', 'writes:issues'],
      timeout: Duration.seconds(30),
    },
  };
}
