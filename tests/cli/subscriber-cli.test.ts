import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner } from '../support/cli';

const { env, run: nashra } = cliRunner();

describe('nashra subscribers', { timeout: 400_000 }, () => {
  it('adds, imports (reporting rejected rows, exit 1), lists, shows, exports, exports one person and erases', async () => {
    const added = await nashra(
      'subscribers',
      'add',
      'Reader@Example.org',
      '--lang',
      'ar,en',
      '--cadence',
      'weekly',
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^added a pending reader \(.+\); confirmation mailed\n$/);
    expect(readdirSync(join(env.NASHRA_HOME, 'outbox')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);

    const again = await nashra('subscribers', 'add', 'reader@example.org', '--lang', 'en', '--confirmed');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('nashra: this address is already held by a pending reader; nothing changed\n');

    const bad = await nashra('subscribers', 'add', 'x@example.org\r\nBcc: y@example.org', '--lang', 'en');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('line break');

    const file = join(env.NASHRA_HOME, 'readers.csv');
    writeFileSync(
      file,
      'email,languages,cadence,topics\nkept@example.org,en,daily,water\nbroken,en,daily,\n',
    );
    const imported = await nashra(
      'subscribers',
      'import',
      file,
      '--confirmed',
      '--source',
      'Basra event sign-up sheet',
    );
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain('created 1 (0 confirmations mailed), unchanged 0, rejected 1');
    expect(imported.stderr).toContain("line 3, email: 'broken' is not an email address\n");

    const shown = await nashra('subscribers', 'show', 'kept@example.org', '--json');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      email: 'kept@example.org',
      status: 'active',
      cadence: 'daily',
      topics: ['water'],
      consent: { method: 'import', source: 'Basra event sign-up sheet' },
    });

    const pending = await nashra('subscribers', 'list', '--status', 'pending', '--json');
    expect(JSON.parse(pending.stdout).map((r: { email: string }) => r.email)).toEqual(['reader@example.org']);
    expect((await nashra('subscribers', 'list', '--status', 'gone')).code).toBe(1);

    const csv = await nashra('subscribers', 'export', '--csv');
    const lines = csv.stdout.trim().split('\r\n');
    expect(lines[0]).toBe(
      'email,languages,cadence,topics,status,urgentAlerts,paused,consentAt,consentMethod,consentSource,createdAt,confirmedAt',
    );
    expect(lines.slice(1).sort()[0]).toMatch(/^kept@example\.org,en,daily,water,active,true,false,/);
    const json = JSON.parse((await nashra('subscribers', 'export')).stdout);
    expect(json).toHaveLength(2);

    const personal = JSON.parse(
      (await nashra('subscribers', 'export-personal', 'reader@example.org')).stdout,
    );
    expect(personal.subscriber).toMatchObject({ email: 'reader@example.org', status: 'pending' });
    expect(personal.deliveries).toEqual([]);

    const removed = await nashra('subscribers', 'remove', 'reader@example.org', '--yes');
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^erased reader .+: 0 deliveries, 0 rate-limit counters\n$/);
    const gone = await nashra('subscribers', 'show', 'reader@example.org', '--json');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('nashra: no reader holds this address\n');
  });

  it('takes what staff type and spreadsheets write: urgent alerts, any case, topics of the map, a semicolon CSV with Arabic headers, set, unsubscribe, and erasure only when confirmed', async () => {
    const outbox = () =>
      readdirSync(join(env.NASHRA_HOME, 'outbox')).filter((f) => f.endsWith('.eml')).length;
    const added = await nashra(
      'subscribers',
      'add',
      'Nadia@Example.org',
      '--lang',
      'EN,ar',
      '--cadence',
      'Weekly',
      '--urgent-alerts',
      'off',
      '--confirmed',
      '--json',
    );
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      email: 'nadia@example.org',
      languages: ['en', 'ar'],
      cadence: 'weekly',
      urgentAlerts: false,
      status: 'active',
    });

    const typo = await nashra('subscribers', 'add', 'omar@example.org', '--lang', 'ar', '--topics', 'wter');
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(
      /'wter' is not a topic here: the topics are basra, campaigns, human-rights, security, water\n$/,
    );

    // As a spreadsheet in a comma-decimal locale saves it: UTF-8 with a BOM, semicolons, CRLF, the
    // headers in Arabic, a quoted address, blank urgent-alerts meaning yes.
    const file = join(env.NASHRA_HOME, 'قائمة القراء.csv');
    writeFileSync(
      file,
      '\uFEFFالبريد الإلكتروني;اللغات;التواتر;المواضيع;التنبيهات العاجلة\r\n' +
        'amal@example.org;العربية;أسبوعي;water security;\r\n' +
        '"ben@example.org";ar en;Daily;;لا\r\n' +
        'carla@example.org;en;Weekley;;\r\n' +
        'nadia@example.org;en;weekly;;\r\n',
    );
    const before = outbox();
    const dryRun = await nashra('subscribers', 'import', file, '--dry-run');
    expect(dryRun.code).toBe(1);
    expect(dryRun.stdout).toBe(
      'dry run, nothing written or mailed: would create 2 (2 confirmations would be mailed), leave 1 unchanged, reject 1\n' +
        'read as semicolon-separated; columns email "البريد الإلكتروني", languages "اللغات", cadence "التواتر", topics "المواضيع", urgentAlerts "التنبيهات العاجلة"\n' +
        'line 5, unchanged: already active\n',
    );
    expect(dryRun.stderr).toBe(
      "line 4, التواتر (cadence): 'Weekley' is not one of instant, daily, weekly\nnashra: 1 row would be rejected\n",
    );
    expect(outbox()).toBe(before);

    const imported = await nashra('subscribers', 'import', file, '--separator', 'semicolon', '--json');
    expect(imported.code).toBe(1);
    expect(JSON.parse(imported.stdout)).toMatchObject({ dryRun: false, separator: ';', created: 2 });
    expect(outbox()).toBe(before + 2);

    const changed = await nashra(
      'subscribers',
      'set',
      'BEN@example.org',
      '--cadence',
      'WEEKLY',
      '--topics',
      'Water',
      '--urgent-alerts',
      'yes',
      '--paused',
      'yes',
    );
    expect(changed.stdout).toMatch(/^reader \S+: changed cadence, topics, urgentAlerts, paused\n$/);
    const left = await nashra(
      'subscribers',
      'unsubscribe',
      'amal@example.org',
      '--reason',
      'asked by phone, 3 March',
    );
    expect(left.stdout).toMatch(/^unsubscribed reader \S+; their links still bring them back\n$/);

    const readers = Object.fromEntries(
      (JSON.parse((await nashra('subscribers', 'export')).stdout) as Array<{ email: string }>).map(
        (reader) => [reader.email, reader],
      ),
    );
    expect(readers['amal@example.org']).toMatchObject({
      languages: ['ar'],
      cadence: 'weekly',
      topics: ['water', 'security'],
      urgentAlerts: true,
      status: 'unsubscribed',
      unsubscribed: { method: 'staff', reason: 'asked by phone, 3 March' },
    });
    expect(readers['ben@example.org']).toMatchObject({
      languages: ['ar', 'en'],
      cadence: 'weekly',
      topics: ['water'],
      urgentAlerts: true,
      paused: true,
      status: 'pending',
    });
    expect(readers['carla@example.org']).toBeUndefined();

    const shown = await nashra('subscribers', 'show', 'amal@example.org');
    expect(shown.stdout).toMatch(
      /\nunsubscribed {2}by staff at \d{4}-\d{2}-\d{2} \d{2}:\d{2} Baghdad: asked by phone, 3 March\n$/,
    );

    // Off a terminal nobody can answer "are you sure?": erasure needs --yes, and nothing is erased.
    const unasked = await nashra('subscribers', 'remove', 'ben@example.org');
    expect(unasked.code).toBe(1);
    expect(unasked.stderr).toMatch(
      /Erasure cannot be undone\. Run again with --yes to erase without asking\.\n$/,
    );
    const erased = await nashra('subscribers', 'remove', 'ben@example.org', '--yes');
    expect(erased.stdout).toMatch(/^erased reader /);
    expect((await nashra('subscribers', 'show', 'ben@example.org')).stderr).toBe(
      'nashra: no reader holds this address\n',
    );
  });
  it('revokes one reader’s links, and mails fresh ones only when asked (revoke-links)', async () => {
    const outbox = () => readdirSync(join(env.NASHRA_HOME, 'outbox')).filter((f) => f.endsWith('.eml'));
    const added = await nashra(
      'subscribers',
      'add',
      'revoked@example.org',
      '--lang',
      'ar',
      '--confirmed',
      '--source',
      'asked in person',
    );
    expect(added.code).toBe(0);
    const mailsBefore = outbox().length;

    const revoked = await nashra('subscribers', 'revoke-links', 'Revoked@Example.org');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toBe(
      'revoked every earlier preferences, resubscribe and confirm link of this reader (link version 2); old unsubscribe links still work; nothing sent\n',
    );
    expect(outbox()).toHaveLength(mailsBefore);
    const shown = JSON.parse((await nashra('subscribers', 'show', 'revoked@example.org', '--json')).stdout);
    expect(shown.linkVersion).toBe(2);

    const sent = await nashra('subscribers', 'revoke-links', 'revoked@example.org', '--send-link', '--json');
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ linkVersion: 3, sent: true });
    expect(outbox()).toHaveLength(mailsBefore + 1);

    const nobody = await nashra('subscribers', 'revoke-links', 'nobody@example.org');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toBe('nashra: no reader holds this address\n');
  }, 240_000);
});
