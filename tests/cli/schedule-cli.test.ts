import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner } from '../support/cli';

const { run: nashra } = cliRunner();
const json = async (...args: string[]) => {
  const result = await nashra(...args, '--json');
  if (result.code !== 0) throw new Error(`nashra ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
};
const listed = async () =>
  Object.fromEntries(
    ((await json('schedule', 'list')) as Array<{ name: string }>).map((schedule) => [
      schedule.name,
      schedule,
    ]),
  );

describe('nashra schedule pause|resume|remove|run|sync', { timeout: 600_000 }, () => {
  it('pauses, resumes, runs and removes schedules, a one-off once', async () => {
    await json('schedule', 'add', 'weekly', '--cron', '0 8 * * 5', '--cadence', 'weekly');
    await json(
      'schedule',
      'add',
      'once',
      '--at',
      '2030-01-01T08:00',
      '--tz',
      'Europe/London',
      '--cadence',
      'daily',
    );

    expect(await json('schedule', 'pause', 'weekly')).toMatchObject({ name: 'weekly', enabled: false });
    expect((await listed()).weekly).toMatchObject({ enabled: false, nextRun: null, tz: 'Asia/Baghdad' });
    expect(await json('schedule', 'run', 'weekly')).toEqual({ status: 'disabled' });
    const pausedRun = await nashra('schedule', 'run', 'weekly');
    expect(pausedRun.stdout).toMatch(/paused: nothing sent/);

    expect(await json('schedule', 'resume', 'weekly')).toMatchObject({ enabled: true });
    expect((await listed()).weekly).toMatchObject({ enabled: true, nextRun: expect.any(String) });

    const dir = mkdtempSync(join(tmpdir(), 'nashra-schedule-cli-'));
    writeFileSync(
      join(dir, 'articles.json'),
      JSON.stringify([
        { title: 'Statement', url: 'https://www.example.org/s/', lang: 'en', bodyHtml: '<p>Text.</p>' },
      ]),
    );
    expect((await nashra('ingest', join(dir, 'articles.json'))).code).toBe(0);
    const preview = await nashra(
      'digest',
      'preview',
      'weekly',
      '--lang',
      'en',
      '--out',
      join(dir, 'next.html'),
    );
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/articles {3}1/);
    expect(readFileSync(join(dir, 'next.html'), 'utf8')).toContain('Statement');
    const ran = await json('schedule', 'run', 'weekly');
    expect(ran).toMatchObject({
      status: 'empty',
      issue: { id: expect.stringMatching(/^weekly-\d{8}T\d{6}Z$/) },
    });
    expect((await json('schedule', 'run', 'weekly')).status).toBe('nothing-new');
    const nothing = await nashra(
      'digest',
      'preview',
      'weekly',
      '--lang',
      'en',
      '--out',
      join(dir, 'none.html'),
    );
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/nothing new for "weekly"/);
    const issues = await json('issues', 'list');
    expect(issues[0]).toMatchObject({ id: ran.issue.id, kind: 'digest', schedule: 'weekly' });

    // Another schedule: the article is new to it (nobody reads daily digests here).
    expect((await json('schedule', 'run', 'once')).status).toBe('empty');
    expect((await listed()).once).toMatchObject({
      enabled: false,
      completedAt: expect.any(String),
      nextRun: null,
    });
    expect(await json('schedule', 'run', 'once')).toEqual({ status: 'completed' });
    const resumeDone = await nashra('schedule', 'resume', 'once');
    expect(resumeDone.code).toBe(1);
    expect(resumeDone.stderr).toMatch(/was a one-off and fired/);

    expect(await json('schedule', 'remove', 'weekly')).toEqual({ removed: 'weekly' });
    expect(Object.keys(await listed())).toEqual(['once']);
    const again = await nashra('schedule', 'remove', 'weekly');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/no schedule named "weekly"/);
    expect((await nashra('schedule', 'pause', 'nobody')).stderr).toMatch(/no schedule named "nobody"/);
  });

  it('refuses a cron EventBridge Scheduler cannot run, and says what to do', async () => {
    const both = await nashra('schedule', 'add', 'odd', '--cron', '0 8 1 * 5', '--cadence', 'daily');
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/make two schedules/);
  });

  it('explains that sync is a stage command, and never touches EventBridge locally whatever the environment says', async () => {
    const sync = await nashra('schedule', 'sync');
    expect(sync.code).toBe(1);
    expect(sync.stderr).toMatch(/name the stage \(--stage NAME\)/);
    // The settings that once made a local command call EventBridge are no longer read: local mode
    // adds the schedule to its own table and calls nothing (no endpoint answers at this address).
    const stray = cliRunner({
      NASHRA_SCHEDULE_GROUP: 'nashra-test',
      NASHRA_DIGEST_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:111111111111:function:nashra-test-digest-run',
      NASHRA_SCHEDULER_ROLE_ARN: 'arn:aws:iam::111111111111:role/nashra-test-digest-scheduler',
      NASHRA_SCHEDULE_DLQ_ARN: 'arn:aws:sqs:eu-west-1:111111111111:nashra-test-schedule-dlq',
      AWS_ENDPOINT_URL_SCHEDULER: 'http://127.0.0.1:9',
    });
    const added = await stray.run(
      'schedule',
      'add',
      'local-only',
      '--cron',
      '0 8 * * 5',
      '--cadence',
      'weekly',
    );
    expect(added.code).toBe(0);
    expect((await stray.run('schedule', 'list')).stdout).toMatch(/local-only/);
  });
});
