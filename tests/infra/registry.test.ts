import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { alertSweepCron } from '../../functions/handlers/alert-sweep';
import { articleStreamEventNames } from '../../functions/handlers/article-stream';
import { maxReceiveCount } from '../../functions/handlers/send-worker';
import { readSettings } from '../../infra/config';
import { handlersFor } from '../../infra/handlers';
import { SEND_MAX_RECEIVES } from '../../infra/sending';
import { synthNashra, testApp } from './synth';

const run = promisify(execFile);

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

  it('lets the alert path and the sweep read articles and readers, write issues and queue sends', () => {
    for (const name of ['article-stream', 'alert-sweep'] as const)
      expect(registry[name]?.grants, name).toEqual(
        expect.arrayContaining([
          'reads:articles',
          'reads:issues',
          'writes:issues',
          'reads:subscribers',
          'enqueues-sends',
        ]),
      );
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
    const script = `const { handler } = await import(${JSON.stringify(bundle)});
      const response = await handler(${JSON.stringify(event)}, {});
      console.log(JSON.stringify({ status: response.statusCode, body: response.body }));`;
    const { stdout } = await run(
      process.execPath,
      ['--enable-source-maps', '--input-type=module', '-e', script],
      {
        env: {
          PATH: process.env.PATH,
          NASHRA_MODE: 'aws',
          NASHRA_BASE_URL: 'https://news.example.org',
          NASHRA_SEND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111111111111/send',
          NASHRA_LINK_SIGNING_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:key',
          PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String((extension.address() as AddressInfo).port),
          AWS_SESSION_TOKEN: 'session',
          AWS_REGION: 'eu-west-1',
        },
      },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({
      status: 200,
      body: '{"ok":true}',
    });
    expect(calls).toBe(1);
  });
});
