import { readFileSync } from 'node:fs';
import { App, Duration } from 'aws-cdk-lib';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import type { HandlerSpec } from '../../infra/handler-spec';
import { buildNashra } from '../../infra/nashra';

/** The context `cdk synth` runs with (feature flags included), so the tests build what synth builds. */
const cdkJsonContext = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'))
  .context as Record<string, unknown>;

export const testSettings = {
  stage: 'test',
  account: '111111111111',
  region: 'eu-west-1',
  domain: 'news.example.org',
  senderAddress: 'bulletin@news.example.org',
  senderName: 'ICSSI نشرة',
  baseUrl: 'https://news.example.org',
  sendRate: 14,
  timeZone: 'Asia/Baghdad',
  feeds: [{ url: 'https://ar.example.org/feed/', lang: 'ar' }, 'en=https://en.example.org/feed/'],
  quietHours: '23:00-07:00',
  alarmEmail: 'ops@example.org',
};

/** An App with the test settings over cdk.json's context; CloudFormation's own validation off for speed. */
export function testApp(overrides: Record<string, unknown> = {}): App {
  return new App({
    context: { ...cdkJsonContext, ...testSettings, ...overrides },
    builtinCloudFormationValidation: false,
  } as never);
}

const echo = 'tests/fixtures/infra/echo-handler.ts';

/** One function of every trigger kind, all bundling the tiny echo handler. */
export const everyTrigger: Record<string, HandlerSpec> = {
  web: {
    entry: echo,
    description: 'http',
    trigger: { kind: 'http-api' },
    grants: ['sends-mail', 'signs-links'],
    tables: { articles: ['GetItem', 'Query:byLangPublished'], subscribers: ['PutItem', 'UpdateItem'] },
    timeout: Duration.seconds(10),
  },
  ingest: {
    entry: echo,
    description: 'ingest',
    trigger: { kind: 'ingest-api' },
    grants: [],
    tables: { articles: ['PutItem'] },
    timeout: Duration.seconds(29),
  },
  poller: {
    entry: echo,
    description: 'clock',
    trigger: { kind: 'clock', schedule: ScheduleExpression.rate(Duration.minutes(15)) },
    grants: [],
    tables: { articles: ['PutItem'] },
    timeout: Duration.minutes(5),
    reservedConcurrency: 1,
  },
  alerts: {
    entry: echo,
    description: 'stream',
    trigger: { kind: 'table-stream', table: 'articles', eventNames: ['INSERT'] },
    grants: ['enqueues-sends'],
    tables: { subscribers: ['Query:bySegment'] },
    timeout: Duration.minutes(1),
  },
  sender: {
    entry: echo,
    description: 'queue',
    trigger: { kind: 'send-queue' },
    grants: ['sends-mail', 'signs-links'],
    tables: { deliveries: ['PutItem', 'UpdateItem'] },
    timeout: Duration.seconds(60),
  },
  digest: {
    entry: echo,
    description: 'digest',
    trigger: { kind: 'digest-schedules' },
    grants: ['enqueues-sends'],
    tables: { schedules: ['GetItem'] },
    timeout: Duration.minutes(10),
  },
  feedback: {
    entry: echo,
    description: 'ses events',
    trigger: { kind: 'ses-events' },
    grants: [],
    tables: { subscribers: ['GetItem', 'PutItem'] },
    timeout: Duration.seconds(30),
  },
};

/** Both stacks built from `handlers` (every trigger kind by default). */
export function synthNashra(handlers: Record<string, HandlerSpec> = everyTrigger, overrides = {}) {
  const app = testApp(overrides);
  return { app, ...buildNashra(app, { handlers }) };
}
