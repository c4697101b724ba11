import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSendWorker } from '../../functions/handlers/send-worker';
import { createRuntime, type Runtime } from '../../functions/runtime/runtime';
import { senderParts } from '../../functions/runtime/sending';
import { readStageStacks, stageConfig, stageResources } from '../../functions/runtime/stage';
import { staffCommandAccess, staffPermissions } from '../../infra/staff-access';
import { type AwsCall, type LoopbackStage, standUpStage } from '../support/loopback-stage';

const cli = join(import.meta.dirname, '../../bin/nashra.js');
const feeds = join(import.meta.dirname, '../fixtures/feeds');
const since = '2014-01-01T00:00:00Z';

let stage: LoopbackStage;
let home: string;
let work: string;
/** The stage's send-worker function, run here as Lambda would run it on the stage's queue. */
let lambda: Runtime;
let draining: NodeJS.Timeout;

/** The AWS calls each staff command made, by command (`schedule add`, `digest send`, …). */
const observed = new Map<string, AwsCall[]>();
const commandOf = (args: string[]) => {
  const words = args.filter((arg, i) => !arg.startsWith('-') && !(args[i - 1] ?? '').startsWith('--'));
  const groups = [
    'stage',
    'articles',
    'alert',
    'subscribers',
    'schedule',
    'digest',
    'issues',
    'staff',
    'audit',
    'dlq',
    'keys',
  ];
  return groups.includes(words[0] ?? '') ? words.slice(0, 2).join(' ') : (words[0] ?? '');
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  calls: AwsCall[];
}

/** One staff command as a staff member runs it against the stage: a process of its own, their credentials. */
async function nashra(...args: string[]): Promise<Run> {
  const before = stage.calls.length;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, NASHRA_HOME: home, ...stage.env };
  const finished = await promisify(execFile)('node', [cli, ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
  const calls = stage.calls.slice(before);
  const command = commandOf(args);
  observed.set(command, [...(observed.get(command) ?? []), ...calls]);
  return { ...finished, calls };
}

const json = async (...args: string[]) => {
  const run = await nashra(...args, '--json');
  if (run.code !== 0) throw new Error(`nashra ${args.join(' ')} failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
};

const item = async (table: keyof LoopbackStage['tables'], key: Record<string, string>) =>
  (await stage.db.send(new GetCommand({ TableName: stage.tables[table], Key: key }))).Item;
const scan = async (table: keyof LoopbackStage['tables']) =>
  (await stage.db.send(new ScanCommand({ TableName: stage.tables[table] }))).Items ?? [];

/** Hands whatever the send queue holds to the stage's sender, as the SQS event source would. */
async function drainSendQueue(worker: ReturnType<typeof createSendWorker>) {
  const queue = stage.sqs.messages.get(`nashra-${stage.name}-send`) ?? [];
  const bodies = queue.splice(0, 10);
  if (bodies.length === 0) return;
  const records = bodies.map(
    (body, index) =>
      ({
        messageId: `m${Date.now()}-${index}`,
        body,
        attributes: { ApproximateReceiveCount: '1' },
      }) as SQSRecord,
  );
  await worker({ Records: records });
}

beforeAll(async () => {
  stage = await standUpStage();
  // This test process stands in for the stage's function too: the SDK finds its credentials here.
  process.env.AWS_ACCESS_KEY_ID = stage.env.AWS_ACCESS_KEY_ID;
  process.env.AWS_SECRET_ACCESS_KEY = stage.env.AWS_SECRET_ACCESS_KEY;
  home = mkdtempSync(join(tmpdir(), 'nashra-staff-home-'));
  work = mkdtempSync(join(tmpdir(), 'nashra-staff-work-'));
  // The stage's sender function: the stage's configuration, as its Lambda environment holds it, on the
  // stage's DynamoDB and SES directly (its calls are the function's, not a staff member's).
  const resources = stageResources(await readStageStacks(stage.name, stage.env));
  const direct = {
    ...stage.env,
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbUrl'),
    AWS_ENDPOINT_URL_SES: inject('sesUrl'),
  };
  lambda = createRuntime('lambda', await stageConfig(resources, direct));
  const worker = createSendWorker(senderParts(lambda));
  let busy = false;
  draining = setInterval(() => {
    if (busy) return;
    busy = true;
    drainSendQueue(worker).finally(() => {
      busy = false;
    });
  }, 100);
}, 60_000);

afterAll(async () => {
  clearInterval(draining);
  await lambda?.close();
  await stage?.close();
});

describe('staff commands on a deployed stage (stood up on loopback)', { timeout: 900_000 }, () => {
  it('runs every staff command against the stage: its tables, its queue, its schedule group; nothing local', async () => {
    const check = await nashra('stage', 'check', '--stage', stage.name, '--json');
    expect(check.code).toBe(0);
    const report = JSON.parse(check.stdout);
    expect(report).toMatchObject({ stage: stage.name, region: 'eu-west-1', ready: true });
    expect(report.findings.map((f: { check: string }) => f.check)).toEqual(
      expect.arrayContaining([
        `stack nashra-${stage.name}-stateful`,
        'table subscribers',
        'send queue',
        'send dead-letter queue',
        'scheduler group',
        'SES identity',
        'SES account',
        'link-signing key',
        'API',
      ]),
    );
    expect(report.findings.find((f: { check: string }) => f.check === 'SES account')).toMatchObject({
      status: 'warning',
      detail: expect.stringMatching(/^sandbox/),
    });

    const status = await json('status', '--stage', stage.name);
    expect(status).toMatchObject({ mode: 'stage', stage: stage.name, api: stage.apiUrl });

    // Ingest, then read and preview what landed in the stage's articles table.
    const ingested = await nashra(
      '--stage',
      stage.name,
      'ingest',
      join(feeds, 'icssi-en.atom.xml'),
      join(feeds, 'icssi-ar.rss.xml'),
    );
    expect(ingested.code).toBe(0);
    expect((await scan('articles')).length).toBeGreaterThanOrEqual(4);
    const listed = await json('articles', 'list', '--stage', stage.name);
    expect(listed.length).toBe((await scan('articles')).length);
    const [first] = listed as Array<{ id: string; lang: string }>;
    expect((await json('articles', 'show', first?.id ?? '', '--stage', stage.name)).id).toBe(first?.id);
    const alertPreview = await nashra(
      'alert',
      'preview',
      first?.id ?? '',
      '--lang',
      'ar+en',
      '--out',
      join(work, 'alert.html'),
      '--stage',
      stage.name,
    );
    expect(alertPreview.code).toBe(0);

    // Readers: added, imported, listed, shown, exported, one person's data, erased.
    const pending = await json(
      'subscribers',
      'add',
      'reader-one@example.org',
      '--lang',
      'ar',
      '--stage',
      stage.name,
    );
    expect(pending.status).toBe('pending');
    expect(await item('subscribers', { id: pending.id })).toMatchObject({ status: 'pending' });
    await json(
      'subscribers',
      'add',
      'reader-two@example.org',
      '--lang',
      'en,ar',
      '--confirmed',
      '--source',
      'paper form',
      '--stage',
      stage.name,
    );
    writeFileSync(
      join(work, 'readers.csv'),
      'email,languages,cadence,topics\r\nreader-three@example.org,en,weekly,\r\n',
    );
    const imported = await json(
      'subscribers',
      'import',
      join(work, 'readers.csv'),
      '--confirmed',
      '--source',
      'event list',
      '--stage',
      stage.name,
    );
    expect(imported.created).toBe(1);
    expect((await json('subscribers', 'list', '--stage', stage.name)).length).toBe(3);
    expect((await json('subscribers', 'show', 'reader-two@example.org', '--stage', stage.name)).status).toBe(
      'active',
    );
    const exported = await nashra('subscribers', 'export', '--csv', '--stage', stage.name);
    expect(exported.stdout.split('\r\n').filter(Boolean)).toHaveLength(4);
    const personal = await nashra(
      'subscribers',
      'export-personal',
      'reader-one@example.org',
      '--stage',
      stage.name,
    );
    expect(JSON.parse(personal.stdout).subscriber.id).toBe(pending.id);

    // Schedules: the stage's table and its EventBridge group, together.
    await json(
      'schedule',
      'add',
      'weekly',
      '--cron',
      '0 8 * * 5',
      '--cadence',
      'weekly',
      '--stage',
      stage.name,
    );
    expect(await item('schedules', { name: 'weekly' })).toMatchObject({ cron: '0 8 * * 5', enabled: true });
    const trigger = stage.scheduler.schedules.get(`${stage.scheduleGroup}/weekly`);
    expect(trigger).toMatchObject({
      ScheduleExpression: 'cron(0 8 ? * 6 *)',
      ScheduleExpressionTimezone: 'Asia/Baghdad',
      State: 'ENABLED',
      Target: {
        Arn: stage.digestFunctionArn,
        RoleArn: stage.schedulerRoleArn,
        DeadLetterConfig: { Arn: stage.scheduleDeadLetterArn },
      },
    });
    expect((await json('schedule', 'pause', 'weekly', '--stage', stage.name)).enabled).toBe(false);
    expect(stage.scheduler.schedules.get(`${stage.scheduleGroup}/weekly`)?.State).toBe('DISABLED');
    expect((await json('schedule', 'resume', 'weekly', '--stage', stage.name)).enabled).toBe(true);
    expect(stage.scheduler.schedules.get(`${stage.scheduleGroup}/weekly`)?.State).toBe('ENABLED');
    await json(
      'schedule',
      'add',
      'once',
      '--at',
      '2030-01-01T08:00',
      '--cadence',
      'daily',
      '--stage',
      stage.name,
    );
    expect(stage.scheduler.schedules.has(`${stage.scheduleGroup}/once`)).toBe(true);
    await json('schedule', 'remove', 'once', '--stage', stage.name);
    expect(stage.scheduler.schedules.has(`${stage.scheduleGroup}/once`)).toBe(false);
    expect(await item('schedules', { name: 'once' })).toBeUndefined();
    const listedSchedules = await json('schedule', 'list', '--stage', stage.name);
    expect(listedSchedules.map((s: { name: string }) => s.name)).toEqual(['weekly']);
    expect(await json('schedule', 'sync', '--stage', stage.name)).toEqual({
      created: [],
      updated: [],
      removed: [],
      unchanged: ['weekly'],
    });

    // The digest: previewed, test-sent, sent through the stage's queue to its sender, reported.
    const preview = await nashra(
      'digest',
      'preview',
      'weekly',
      '--lang',
      'en',
      '--since',
      since,
      '--out',
      join(work, 'digest.html'),
      '--stage',
      stage.name,
    );
    expect(preview.code).toBe(0);
    const test = await json(
      'digest',
      'send',
      'weekly',
      '--to',
      'staff@example.org',
      '--lang',
      'en',
      '--since',
      since,
      '--stage',
      stage.name,
    );
    expect(test.status).toBe('test-sent');
    const sent = await json('digest', 'send', 'weekly', '--since', since, '--yes', '--stage', stage.name);
    expect(sent.issue).toMatchObject({ status: 'sent', recipients: 2, sent: 2 });
    expect(await scan('deliveries')).toHaveLength(2);
    const issues = await json('issues', 'list', '--stage', stage.name);
    expect(issues.map((i: { id: string }) => i.id)).toContain(sent.issue.id);
    expect((await json('issues', 'show', sent.issue.id, '--stage', stage.name)).recipients).toBe(2);
    const outcomes = await nashra('issues', 'show', sent.issue.id, '--recipients', '--stage', stage.name);
    expect(outcomes.stdout).toMatch(/reader-two@example\.org/);
    const resume = await nashra('digest', 'resume', sent.issue.id, '--stage', stage.name);
    expect(resume.code).toBe(1);
    expect(resume.stderr).toMatch(/is sent, not parked/);
    expect((await json('schedule', 'run', 'weekly', '--stage', stage.name)).status).toMatch(
      /nothing-new|already-covered/,
    );

    // Staff acting for a reader: a change they asked for, links revoked with fresh ones mailed, and an
    // unsubscribe with the reason they gave.
    const changed = await json(
      'subscribers',
      'set',
      'reader-three@example.org',
      '--cadence',
      'daily',
      '--stage',
      stage.name,
    );
    expect(changed.subscriber.cadence).toBe('daily');
    const revoked = await json(
      'subscribers',
      'revoke-links',
      'reader-three@example.org',
      '--send-link',
      '--stage',
      stage.name,
    );
    expect(await item('subscribers', { id: revoked.id })).toMatchObject({ linkVersion: revoked.linkVersion });
    const left = await json(
      'subscribers',
      'unsubscribe',
      'reader-three@example.org',
      '--reason',
      'asked by phone',
      '--stage',
      stage.name,
    );
    expect(await item('subscribers', { id: left.subscriber.id })).toMatchObject({ status: 'unsubscribed' });

    const erased = await nashra(
      'subscribers',
      'remove',
      'reader-one@example.org',
      '--yes',
      '--stage',
      stage.name,
    );
    expect(erased.code).toBe(0);
    expect(await item('subscribers', { id: pending.id })).toBeUndefined();
    const withMail = await nashra(
      'subscribers',
      'remove',
      'reader-two@example.org',
      '--yes',
      '--stage',
      stage.name,
    );
    expect(withMail.stdout).toMatch(/1 deliveries/);
    expect(await scan('deliveries')).toHaveLength(1);

    // Local mode was never opened: no emulator, no local secret, no stack file, nothing under NASHRA_HOME.
    expect(readdirSync(home)).toEqual([]);
  });

  it('calls only what the staff policy grants each command, and the policy grants nothing no command needs', () => {
    const entry = (call: AwsCall) => `${call.action} ${call.resource}`;
    const undeclared = [...observed].flatMap(([command, calls]) =>
      calls
        .filter((call) => !call.resource.includes('nothere'))
        .map(entry)
        .filter((called) => !(staffCommandAccess[command] ?? []).includes(called))
        .map((called) => `${command}: ${called}`),
    );
    expect([...new Set(undeclared)]).toEqual([]);
    const used = new Set([...observed.values()].flat().map(entry));
    const unused = staffPermissions()
      .map(({ action, resource }) => `${action} ${resource}`)
      .filter((granted) => !used.has(granted));
    expect(unused).toEqual([]);
  });

  it('refuses what only makes sense locally, saying why', async () => {
    const simulate = await nashra(
      'feedback',
      'simulate',
      'bounce',
      'reader-two@example.org',
      '--stage',
      stage.name,
    );
    expect(simulate.code).toBe(1);
    expect(simulate.stderr).toMatch(/local-only: on a stage it would mark a real reader bounced/);
    const dev = await nashra('--stage', stage.name, 'dev');
    expect(dev.code).toBe(1);
    expect(dev.stderr).toMatch(/dev is local-only/);
    expect(readdirSync(home)).toEqual([]);
  });

  it('names the stage and what it could not reach when the stage cannot be reached, and starts nothing', async () => {
    const unreachable = await promisify(execFile)('node', [cli, '--stage', 'x', 'schedule', 'list'], {
      env: {
        ...process.env,
        ...stage.env,
        NASHRA_HOME: home,
        AWS_ENDPOINT_URL_CLOUDFORMATION: 'http://127.0.0.1:9',
      },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toMatch(
      /^nashra: cannot reach stage "x": CloudFormation in eu-west-1 at http:\/\/127\.0\.0\.1:9 answered nothing/,
    );

    const missing = await nashra('--stage', 'nothere', 'schedule', 'list');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /stage "nothere" in eu-west-1 is not complete: missing stack nashra-nothere-stateful, stack nashra-nothere-stateless/,
    );
    expect(readdirSync(home)).toEqual([]);
  });
});
