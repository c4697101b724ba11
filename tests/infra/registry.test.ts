import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { alertSweepCron } from '../../functions/handlers/alert-sweep';
import { articleStreamEventNames } from '../../functions/handlers/article-stream';
import { maxReceiveCount } from '../../functions/handlers/send-worker';
import { allTableNames, tableDefinitions } from '../../functions/shared/tables';
import { readSettings } from '../../infra/config';
import { handlersFor } from '../../infra/handlers';
import { SEND_MAX_RECEIVES } from '../../infra/sending';
import { invokeBundle } from '../support/lambda-bundle';
import { allowedActions } from './grants';
import { synthNashra, testApp } from './synth';

/** The real registry, bundling the real handlers, as `npm run synth` does. */
const settings = readSettings(testApp().node);
const { app, stateless } = synthNashra(handlersFor(settings));
const template = Template.fromStack(stateless);

const functionOf = (name: string) =>
  Object.values(
    template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: `nashra-test-${name}` } }),
  )[0];

describe('the handler registry', () => {
  const registry = handlersFor(settings);

  it('names entry files that exist, each built into a function', () => {
    for (const [name, spec] of Object.entries(registry)) {
      expect(existsSync(spec.entry), spec.entry).toBe(true);
      expect(functionOf(name), name).toBeDefined();
    }
  });

  it('filters the articles stream exactly as the handler and the local runtime expect', () => {
    const trigger = registry['article-stream']?.trigger;
    expect(trigger).toEqual({
      kind: 'table-stream',
      table: 'articles',
      eventNames: [...articleStreamEventNames],
    });
  });

  it('sweeps held alerts on the five-minute marks the local scheduler uses, one sweep at a time', () => {
    expect(registry['alert-sweep']?.trigger).toMatchObject({ kind: 'clock' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0/5 * * * ? *)',
      Target: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^alertsweep'), 'Arn'] } },
    });
    expect(alertSweepCron).toBe('*/5 * * * *');
    expect(functionOf('alert-sweep')?.Properties.ReservedConcurrentExecutions).toBe(1);
  });

  it('gives each function exactly the actions its code calls: no Scan where nothing scans', () => {
    const logs = ['logs:CreateLogStream on own log group', 'logs:PutLogEvents on own log group'];
    const key = [
      'secretsmanager:DescribeSecret on link-signing key',
      'secretsmanager:GetSecretValue on link-signing key',
    ];
    const sends = ['ses:SendRawEmail on SES configuration set', 'ses:SendRawEmail on SES identity'];
    const enqueues = [
      'sqs:GetQueueAttributes on send queue',
      'sqs:GetQueueUrl on send queue',
      'sqs:SendMessage on send queue',
    ];
    const dlq = (name: string) => [
      `sqs:GetQueueAttributes on ${name} DLQ`,
      `sqs:GetQueueUrl on ${name} DLQ`,
      `sqs:SendMessage on ${name} DLQ`,
    ];
    const ingest = [
      'dynamodb:GetItem on articles',
      'dynamodb:PutItem on articles',
      'dynamodb:Query on articles/byUrl',
      'dynamodb:UpdateItem on articles',
    ];
    const alerting = [
      'dynamodb:DeleteItem on deliveries',
      'dynamodb:PutItem on deliveries',
      'dynamodb:GetItem on articles',
      'dynamodb:GetItem on issues',
      'dynamodb:PutItem on issues',
      'dynamodb:Query on issues/byCreated',
      'dynamodb:Query on subscribers/bySegment',
      'dynamodb:UpdateItem on issues',
    ];
    const expected: Record<string, string[]> = {
      'http-api': [
        ...logs,
        ...key,
        ...sends,
        'dynamodb:GetItem on issues',
        'dynamodb:UpdateItem on issues',
        'dynamodb:Query on issues/byCreated',
        'dynamodb:Query on deliveries/bySubscriber',
        'dynamodb:GetItem on subscribers',
        'dynamodb:PutItem on subscribers',
        'dynamodb:UpdateItem on subscribers',
        'dynamodb:UpdateItem on counters',
      ],
      'ingest-api': [...logs, ...ingest],
      'feed-poller': [
        ...logs,
        ...ingest,
        'dynamodb:DeleteItem on counters',
        'dynamodb:UpdateItem on counters',
      ],
      'article-stream': [
        ...logs,
        ...enqueues,
        ...dlq('stream'),
        ...alerting,
        'dynamodb:DescribeStream on articles stream',
        'dynamodb:GetRecords on articles stream',
        'dynamodb:GetShardIterator on articles stream',
        'dynamodb:ListStreams on articles stream',
      ],
      'send-worker': [
        ...logs,
        ...key,
        ...sends,
        'dynamodb:BatchGetItem on subscribers',
        'dynamodb:GetItem on issues',
        'dynamodb:UpdateItem on issues',
        'dynamodb:DeleteItem on deliveries',
        'dynamodb:PutItem on deliveries',
        'dynamodb:Query on deliveries',
        'dynamodb:UpdateItem on deliveries',
        'sqs:ChangeMessageVisibility on send queue',
        'sqs:DeleteMessage on send queue',
        'sqs:GetQueueAttributes on send queue',
        'sqs:GetQueueUrl on send queue',
        'sqs:ReceiveMessage on send queue',
      ],
      'digest-run': [
        ...logs,
        ...enqueues,
        ...dlq('schedule'),
        'dynamodb:GetItem on articles',
        'dynamodb:Query on articles/byLangPublished',
        'dynamodb:GetItem on schedules',
        'dynamodb:PutItem on schedules',
        'dynamodb:UpdateItem on schedules',
        'dynamodb:GetItem on issues',
        'dynamodb:PutItem on issues',
        'dynamodb:UpdateItem on issues',
        'dynamodb:Query on issues/bySchedule',
        'dynamodb:Query on subscribers/bySegment',
      ],
      'alert-sweep': [...logs, ...enqueues, ...alerting, 'dynamodb:Scan on schedules'],
      'ses-feedback': [
        ...logs,
        ...dlq('feedback'),
        'dynamodb:GetItem on subscribers',
        'dynamodb:UpdateItem on subscribers',
        'dynamodb:UpdateItem on deliveries',
        'dynamodb:UpdateItem on issues',
      ],
      // Staff acting: every item action on every table and index (what the staff policy allows the CLI),
      // mail, sends, and the stage's digest schedules through the scheduler role.
      console: [
        ...logs,
        ...key,
        ...sends,
        ...enqueues,
        ...allTableNames.flatMap((table) => [
          ...[
            'BatchGetItem',
            'BatchWriteItem',
            'DeleteItem',
            'GetItem',
            'PutItem',
            'Query',
            'Scan',
            'UpdateItem',
          ].map((action) => `dynamodb:${action} on ${table}`),
          ...tableDefinitions[table].globalIndexes.map(
            (index) => `dynamodb:Query on ${table}/${index.indexName}`,
          ),
        ]),
        'iam:PassRole on scheduler role',
        ...['CreateSchedule', 'DeleteSchedule', 'GetSchedule', 'UpdateSchedule'].map(
          (action) =>
            `scheduler:${action} on "arn:aws:scheduler:eu-west-1:111111111111:schedule/nashra-test/*"`,
        ),
        'scheduler:ListSchedules on "*"',
        // The overview's sending quota: GetAccount is of the account, with no resource to name.
        'ses:GetAccount on "*"',
      ],
    };
    expect(Object.keys(registry).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, actions] of Object.entries(expected))
      expect(allowedActions(template, `nashra-test-${name}`), name).toEqual([...new Set(actions)].sort());
  });

  it('lets no function but the HTTP API, the sender and staff read the link-signing key', () => {
    const holders = Object.entries(registry)
      .filter(([name]) =>
        allowedActions(template, `nashra-test-${name}`).some((a) => a.includes('link-signing key')),
      )
      .map(([name]) => name);
    expect(holders.sort()).toEqual(['console', 'http-api', 'send-worker']);
    for (const [name, spec] of Object.entries(registry)) {
      const variables = functionOf(name)?.Properties.Environment.Variables as Record<string, unknown>;
      expect('NASHRA_LINK_SIGNING_KEY_SECRET_ARN' in variables, name).toBe(
        spec.grants.includes('signs-links'),
      );
    }
  });

  it('redrives send jobs after as many receives as the sender counts on', () => {
    expect(SEND_MAX_RECEIVES).toBe(maxReceiveCount);
  });

  it('bundles a handler that answers once its secret is read from the extension', async () => {
    let calls = 0;
    const extension = createServer((_, response) => {
      calls += 1;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ SecretString: 's'.repeat(64) }));
    });
    await new Promise<void>((resolve) => extension.listen(0, '127.0.0.1', resolve));
    afterAll(() => extension.close());
    const code = functionOf('http-api')?.Properties.Code as { S3Key: string };
    const bundle = join(app.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`, 'index.mjs');
    const event = {
      version: '2.0',
      routeKey: '$default',
      rawPath: '/health',
      rawQueryString: '',
      headers: { host: 'news.example.org' },
      requestContext: { http: { method: 'GET', path: '/health' }, requestId: 'r', stage: '$default' },
      isBase64Encoded: false,
    };
    const response = await invokeBundle(bundle, event, {
      NASHRA_MODE: 'aws',
      NASHRA_BASE_URL: 'https://news.example.org',
      NASHRA_SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/send',
      NASHRA_LINK_SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:key',
      PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String((extension.address() as AddressInfo).port),
      AWS_SESSION_TOKEN: 'session',
      AWS_REGION: 'eu-west-1',
    });
    expect({ status: response.statusCode, body: response.body }).toEqual({
      status: 200,
      body: '{"ok":true}',
    });
    expect(calls).toBe(1);
  });
});
