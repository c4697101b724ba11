import { describe, expect, it } from 'vitest';
import { cliRunner } from '../support/cli';

const { run: nashra } = cliRunner();

describe('the staff commands for schedules, digests, issues and feedback', { timeout: 180_000 }, () => {
  it('refuses a malformed cron, an unknown time zone, or both --cron and --at, with a clear message', async () => {
    const badCron = await nashra('schedule', 'add', 'weekly', '--cron', '61 8 * * 5', '--cadence', 'weekly');
    expect(badCron.code).toBe(1);
    expect(badCron.stderr).toMatch(/invalid cron expression "61 8 \* \* 5"/);
    const badZone = await nashra(
      'schedule',
      'add',
      'weekly',
      '--cron',
      '0 8 * * 5',
      '--tz',
      'Mars/Olympus',
      '--cadence',
      'weekly',
    );
    expect(badZone.stderr).toMatch(/unknown time zone "Mars\/Olympus"/);
    const both = await nashra(
      'schedule',
      'add',
      'weekly',
      '--cron',
      '0 8 * * 5',
      '--at',
      '2026-12-01T08:00',
      '--cadence',
      'weekly',
    );
    expect(both.stderr).toMatch(/either --cron or --at/);
  });

  it('adds and lists schedules, dry-runs, test-sends and sends a digest, then shows the issue', async () => {
    expect(
      (
        await nashra(
          'schedule',
          'add',
          'weekly',
          '--cron',
          '0 8 * * 5',
          '--cadence',
          'weekly',
          '--topics',
          'water',
        )
      ).code,
    ).toBe(0);
    const list = JSON.parse((await nashra('schedule', 'list', '--json')).stdout);
    expect(list).toEqual([
      expect.objectContaining({
        name: 'weekly',
        cron: '0 8 * * 5',
        tz: 'Asia/Baghdad',
        cadence: 'weekly',
        enabled: true,
        nextRun: expect.any(String),
      }),
    ]);

    const articles = JSON.stringify([
      {
        title: 'Water statement',
        url: 'https://www.example.org/water/',
        lang: 'en',
        categories: ['water'],
        bodyHtml: '<p>Water.</p>',
      },
    ]);
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/nashra-send-cli-');
    writeFileSync(`${dir}/articles.json`, articles);
    expect((await nashra('ingest', `${dir}/articles.json`)).code).toBe(0);

    const nothing = JSON.parse((await nashra('digest', 'send', 'weekly', '--dry-run', '--json')).stdout);
    expect(nothing).toMatchObject({ status: 'dry-run', fanOut: { recipients: 0 } });

    const test = JSON.parse(
      (await nashra('digest', 'send', 'weekly', '--to', 'Staff@Example.org', '--lang', 'en', '--json'))
        .stdout,
    );
    expect(test).toMatchObject({ status: 'test-sent', to: 'staff@example.org', variant: 'en', articles: 1 });

    const refused = await nashra('digest', 'send', 'weekly');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--yes/);

    const sent = JSON.parse((await nashra('digest', 'send', 'weekly', '--yes', '--json')).stdout);
    expect(sent).toMatchObject({ status: 'empty', issue: { recipients: 0 } });
    const again = JSON.parse((await nashra('digest', 'send', 'weekly', '--yes', '--json')).stdout);
    expect(again.status).toBe('nothing-new');

    const issues = JSON.parse((await nashra('issues', 'list', '--json')).stdout);
    expect(issues[0]).toMatchObject({ id: sent.issue.id, kind: 'digest', schedule: 'weekly' });
    const shown = JSON.parse((await nashra('issues', 'show', sent.issue.id, '--json')).stdout);
    expect(shown).toMatchObject({
      id: sent.issue.id,
      failedDeliveries: [],
      articleIds: [expect.any(String)],
    });
  });

  it('simulates SES feedback for an address nashra does not know, clearly', async () => {
    const unknown = await nashra('feedback', 'simulate', 'bounce', 'nobody@example.org');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no subscriber/);
    expect((await nashra('feedback', 'simulate', 'explode', 'nobody@example.org')).stderr).toMatch(
      /bounce, transient-bounce or complaint/,
    );
  });
});
