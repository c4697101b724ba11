import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { outboxFileName } from '../../functions/local/ses-outbox-tap';
import { cliRunner } from '../support/cli';

const { env, run: nashra } = cliRunner();
const file = (name: string) => join(env.NASHRA_HOME, name);

const ar = 'https://ar.iraqicivilsociety.example/2014/01/03/basra/';
const en = 'https://www.iraqicivilsociety.example/2014/01/03/basra/';
/** 23:30 on 5 January in Baghdad, and 00:30 on the 6th: either side of a window "until 5 January". */
const lateOnTheFifth = 'https://www.iraqicivilsociety.example/2014/01/05/late/';
const earlyOnTheSixth = 'https://www.iraqicivilsociety.example/2014/01/06/early/';

/** Articles as the sites' staff tools send them: a Basra statement in both languages, and two more. */
const articles = [
  {
    id: 'ar-basra',
    title: 'البصرة تدعو القوات البريطانية للعودة',
    url: ar,
    lang: 'ar',
    categories: ['أمن', 'البصرة'],
    bodyHtml: '<p>دعا مجلس محافظة البصرة القوات البريطانية إلى العودة.</p>',
    publishedAt: '2014-01-03T09:00:00Z',
  },
  {
    id: 'en-basra',
    title: 'Basra asks British forces to return',
    url: en,
    lang: 'en',
    categories: ['security', 'basra'],
    bodyHtml: '<p>The Basra provincial council asked British forces to return.</p>',
    publishedAt: '2014-01-03T10:00:00Z',
    translationUrl: ar,
  },
  {
    id: 'en-late',
    title: 'Checkpoint closures late on the fifth',
    url: lateOnTheFifth,
    lang: 'en',
    categories: ['security'],
    bodyHtml: '<p>Checkpoints closed.</p>',
    publishedAt: '2014-01-05T20:30:00Z',
  },
  {
    id: 'en-sixth',
    title: 'Curfew announced early on the sixth',
    url: earlyOnTheSixth,
    lang: 'en',
    categories: ['security'],
    bodyHtml: '<p>A curfew.</p>',
    publishedAt: '2014-01-05T21:30:00Z',
  },
];

describe('dates, zones, topics and counts as staff give and read them', { timeout: 600_000 }, () => {
  it('reads schedules and date options in the network’s zone and shows every time with its zone', async () => {
    writeFileSync(file('articles.json'), JSON.stringify(articles));
    expect((await nashra('ingest', file('articles.json'))).code).toBe(0);

    // --tz omitted: the network's zone; the cadence in any case; topics checked against the map.
    const added = await nashra(
      'schedule',
      'add',
      'weekly',
      '--cron',
      '0 8 * * 5',
      '--cadence',
      'Weekly',
      '--topics',
      'Security,basra',
    );
    expect(added.stdout).toMatch(
      /^schedule "weekly" added: 0 8 \* \* 5 \(Asia\/Baghdad\), weekly, topics security,basra; next \d{4}-\d{2}-\d{2} 08:00 Baghdad\n$/,
    );
    const typo = await nashra(
      'schedule',
      'add',
      'water',
      '--cron',
      '0 7 * * *',
      '--cadence',
      'DAILY',
      '--topics',
      'wter',
    );
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe(
      "nashra: --topics: 'wter' is not a topic here: the topics are basra, campaigns, human-rights, security, water\n",
    );
    expect((await nashra('schedule', 'list')).stdout).toMatch(
      /^weekly +0 8 \* \* 5 +Asia\/Baghdad +weekly +enabled next \d{4}-\d{2}-\d{2} 08:00 Baghdad {2}topics security,basra\n$/,
    );

    // Calendar dates: from the start of the 3rd to the end of the 5th, in Baghdad.
    const byDates = await nashra(
      'digest',
      'preview',
      'weekly',
      '--since',
      '2014-01-03',
      '--until',
      '2014-01-05',
      '--lang',
      'ar+en',
      '--out',
      file('dates.html'),
    );
    expect(byDates.stdout).toMatch(/\narticles {3}2 \(3 with their translations\)\n/);
    const datesHtml = readFileSync(file('dates.html'), 'utf8');
    for (const url of [ar, en, lateOnTheFifth]) expect(datesHtml).toContain(url);
    expect(datesHtml).not.toContain(earlyOnTheSixth);

    // A local date-time: 13:00 in Baghdad is 10:00 UTC, after the Arabic post and at the English one.
    const byLocalTime = await nashra(
      'digest',
      'preview',
      'weekly',
      '--since',
      '2014-01-03 13:00',
      '--until',
      '2014-01-05',
      '--lang',
      'ar+en',
      '--out',
      file('local.html'),
    );
    expect(byLocalTime.stdout).toMatch(/\narticles {3}2\n/);
    const localHtml = readFileSync(file('local.html'), 'utf8');
    expect(localHtml).toContain(en);
    expect(localHtml).not.toContain(ar);

    expect((await nashra('articles', 'list', '--since', '2014-01-05')).stdout).toBe(
      '2014-01-06 00:30 Baghdad  en  en-sixth\n    Curfew announced early on the sixth\n' +
        '2014-01-05 23:30 Baghdad  en  en-late\n    Checkpoint closures late on the fifth\n',
    );
    const listed = JSON.parse(
      (await nashra('articles', 'list', '--since', '2014-01-05T23:45', '--json')).stdout,
    );
    expect(listed).toEqual([
      expect.objectContaining({ id: 'en-sixth', publishedAt: '2014-01-05T21:30:00.000Z' }),
    ]);

    const backwards = await nashra(
      'digest',
      'send',
      'weekly',
      '--since',
      '2014-01-05',
      '--until',
      '2014-01-03',
    );
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toBe(
      'nashra: the window ends at 2014-01-04 00:00 Baghdad, before it starts (2014-01-05 00:00 Baghdad): its end must come after its start\n',
    );
    const impossible = await nashra('digest', 'send', 'weekly', '--until', '2026-02-30', '--dry-run');
    expect(impossible.stderr).toBe(
      'nashra: --until "2026-02-30" is not a real date or time: February 2026 has 28 days\n',
    );

    const alert = await nashra(
      'alert',
      'preview',
      'en-basra',
      '--lang',
      'en+ar',
      '--out',
      file('alert.html'),
    );
    expect(alert.stdout).toMatch(/\narticles {3}1 \(2 with their translations\)\n/);
  });

  it('test-sends and sends with the mail’s own count, then lists each reader’s delivery', async () => {
    for (const [email, lang] of [
      ['layla@example.org', 'ar'],
      ['sam@example.org', 'en,ar'],
    ] as const)
      expect((await nashra('subscribers', 'add', email, '--lang', lang, '--confirmed')).code).toBe(0);
    const window = ['--since', '2014-01-03', '--until', '2014-01-05'];

    const test = JSON.parse(
      (
        await nashra(
          'digest',
          'send',
          'weekly',
          ...window,
          '--to',
          'staff@example.org',
          '--lang',
          'ar+en',
          '--json',
        )
      ).stdout,
    );
    // The subject counts cards (the Basra pair side by side is one), and so does the command.
    expect(test).toMatchObject({ status: 'test-sent', variant: 'ar+en', cards: 2, articles: 3 });
    expect(test.subject).toMatch(/^\[TEST\] نشرة المبادرة: مقالان، .* \| ICSSI bulletin: 2 articles, /);
    const raw = readFileSync(join(env.NASHRA_HOME, 'outbox', outboxFileName(test.messageId)));
    const eml = await simpleParser(raw);
    expect(eml.subject).toBe(test.subject);
    expect(raw.toString('utf8')).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    // No archive copy exists for a test: its view-in-browser link opens the archive, which answers.
    expect(eml.html).toContain('/issues"');
    expect(eml.html).not.toContain('/issues/test-weekly');

    const sent = JSON.parse((await nashra('digest', 'send', 'weekly', ...window, '--yes', '--json')).stdout);
    expect(sent).toMatchObject({ status: 'sent', issue: { recipients: 2, sent: 2 } });

    const shown = await nashra('issues', 'show', sent.issue.id, '--recipients');
    expect(shown.code).toBe(0);
    const lines = shown.stdout.split('\n');
    expect(lines).toContain('  window     2014-01-03 00:00 Baghdad → 2014-01-06 00:00 Baghdad');
    expect(lines).toContain('    ar  البصرة تدعو القوات البريطانية للعودة  (ar-basra)');
    expect(lines).toContain('    en  Checkpoint closures late on the fifth  (en-late)');
    expect(lines).toContain('  readers');
    expect(lines.filter((line) => line.startsWith('    sent '))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^ {4}sent {5}layla@example\.org {2}ar {2}\d{4}-\d{2}-\d{2} \d{2}:\d{2} Baghdad {2}message \S+$/,
        ),
        expect.stringMatching(/^ {4}sent {5}sam@example\.org {2}en\+ar {2}.* Baghdad {2}message \S+$/),
      ]),
    );

    const json = JSON.parse((await nashra('issues', 'show', sent.issue.id, '--recipients', '--json')).stdout);
    expect(json.windowStart).toBe('2014-01-02T21:00:00.000Z');
    expect(json.recipients).toHaveLength(2);
    expect(json.recipients[0]).toEqual({
      subscriberId: expect.any(String),
      email: expect.stringMatching(/@example\.org$/),
      status: 'sent',
      variant: expect.stringMatching(/^(ar|en\+ar)$/),
      messageId: expect.any(String),
      at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
  });

  it('gives a schedule without --tz the network’s zone, whatever that is', async () => {
    const london = cliRunner({ NASHRA_TIME_ZONE: 'Europe/London' });
    const added = await london.run('schedule', 'add', 'daily', '--cron', '0 7 * * *', '--cadence', 'daily');
    expect(added.stdout).toMatch(
      /^schedule "daily" added: 0 7 \* \* \* \(Europe\/London\), daily; next \d{4}-\d{2}-\d{2} 07:00 London\n$/,
    );
  });
});
