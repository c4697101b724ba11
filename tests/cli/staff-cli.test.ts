import { mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createConsoleApp } from '../../functions/console/app';
import { consoleSections } from '../../functions/console/sections';
import type { AuditRecord } from '../../functions/core/staff/audit';
import type { StaffAccount } from '../../functions/core/staff/staff';
import { openRuntime } from '../../functions/runtime/open-runtime';
import { cliRunner } from '../support/cli';
import { ConsoleBrowser } from '../support/console-harness';
import { openStaffStage, type StaffStage } from '../support/staff-stage';

const me = userInfo().username;

describe('nashra staff and nashra audit, local mode', { timeout: 300_000 }, () => {
  const { run: nashra, runWithInput } = cliRunner();

  it('adds (a temporary password shown once, or a password from stdin), lists and removes staff; the audit log says who did what', async () => {
    const added = await nashra('staff', 'add', 'Officer@Nashra.example');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toMatch(/^staff account added: officer@nashra\.example \(id [\w-]+\)$/m);
    const temporary = /^temporary password: (\S+)$/m.exec(added.stdout)?.[1] ?? '';
    expect(temporary).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[-_.!#%+=]).{20}$/);
    expect(added.stdout).toMatch(/^sign in at http:\/\/127\.0\.0\.1:\d+\/console$/m);

    const own = await runWithInput(
      'Their-own-password-1\n',
      'staff',
      'add',
      'editor@nashra.example',
      '--password-stdin',
      '--json',
    );
    expect(own.code, own.stderr).toBe(0);
    const ownJson = JSON.parse(own.stdout) as { account: StaffAccount; temporaryPassword?: string };
    expect(ownJson.account).toMatchObject({ email: 'editor@nashra.example', status: 'active', totp: false });
    expect(ownJson.temporaryPassword).toBeUndefined();
    expect(own.stdout).not.toContain('Their-own-password-1');

    const weak = await runWithInput('short\n', 'staff', 'add', 'weak@nashra.example', '--password-stdin');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toBe(
      'nashra: the password needs at least 14 characters, an upper-case letter, a digit, a symbol (the staff password policy)\n',
    );
    const twice = await nashra('staff', 'add', 'officer@nashra.example');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toBe('nashra: a staff account for officer@nashra.example exists already\n');

    const listed = await nashra('staff', 'list', '--json');
    const accounts = JSON.parse(listed.stdout) as StaffAccount[];
    expect(accounts.map((account) => [account.email, account.status])).toEqual([
      ['editor@nashra.example', 'active'],
      ['officer@nashra.example', 'new-password'],
    ]);

    const removed = await nashra('staff', 'remove', 'officer@nashra.example');
    expect(removed.stdout).toBe('removed officer@nashra.example; 0 console sessions ended\n');
    const gone = await nashra('staff', 'remove', 'officer@nashra.example');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('nashra: no staff account for officer@nashra.example\n');

    const log = await nashra('audit', 'list', '--json');
    const records = JSON.parse(log.stdout) as AuditRecord[];
    expect(records.map((record) => record.action)).toEqual(['staff.remove', 'staff.add', 'staff.add']);
    for (const record of records) expect(record.actor).toEqual({ kind: 'cli', name: me });
    expect(records[0]?.target).toEqual({ kind: 'staff', id: accounts[1]?.id });
    expect(JSON.stringify(records)).not.toContain('@');

    const text = await nashra('audit', 'list', '--since', '1h');
    expect(text.stdout.split('\n')[0]).toBe('when\twho\taction\ton\tdetails');
    expect(text.stdout).toMatch(
      new RegExp(`Iraq Time\\t${me} \\(command line\\)\\tstaff\\.remove\\tstaff [\\w-]+\\tsessionsEnded=0`),
    );
    const bad = await nashra('audit', 'list', '--since', 'last tuesday');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--since "last tuesday" is not a time: give 7d or 12h/);
  });

  it('gives the console’s address in status', async () => {
    const status = await nashra('status', '--json');
    expect(JSON.parse(status.stdout).console).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/console$/);
  });
});

describe('nashra staff --stage, against a stage whose Cognito is cognito-local', { timeout: 300_000 }, () => {
  let stage: StaffStage;
  beforeAll(async () => {
    stage = await openStaffStage();
  });
  afterAll(() => stage?.close());

  it('adds, lists and removes the stage’s staff, the console on that stage signs them in, the audit log is the stage’s', async () => {
    const { run: nashra, runWithInput } = cliRunner(stage.env);
    const added = await runWithInput(
      'A-stage-password-9\n',
      'staff',
      'add',
      'ops@nashra.example',
      '--password-stdin',
      '--stage',
      stage.stage,
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('sign in at https://news.example.org/console');

    const listed = await nashra('staff', 'list', '--json', '--stage', stage.stage);
    expect((JSON.parse(listed.stdout) as StaffAccount[]).map((account) => account.email)).toEqual([
      'ops@nashra.example',
    ]);

    // The console on that stage (the console function's runtime, here a staff process's) signs them in.
    // The SDK finds credentials in the process's own environment, as on a staff member's terminal.
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    const runtime = await openRuntime(
      { stage: stage.stage },
      {
        env: { ...stage.env, NASHRA_HOME: mkdtempSync(join(tmpdir(), 'nashra-stage-home-')) },
      },
    );
    try {
      const browser = new ConsoleBrowser(createConsoleApp(runtime, { sections: consoleSections() }));
      const signedIn = await browser.signIn('ops@nashra.example', 'A-stage-password-9');
      expect(signedIn.status).toBe(303);
      expect(signedIn.headers.get('location')).toBe('/console/overview');
      expect((await browser.get('/console/audit')).status).toBe(200);
    } finally {
      await runtime.close();
      vi.unstubAllEnvs();
    }

    const removed = await nashra('staff', 'remove', 'ops@nashra.example', '--stage', stage.stage);
    expect(removed.stdout).toBe('removed ops@nashra.example; 1 console session ended\n');
    const log = await nashra('audit', 'list', '--json', '--stage', stage.stage);
    expect(
      (JSON.parse(log.stdout) as AuditRecord[]).map((record) => `${record.action} ${record.actor.kind}`),
    ).toEqual(['staff.remove cli', 'staff.sign-in staff', 'staff.add cli']);
  });
});
